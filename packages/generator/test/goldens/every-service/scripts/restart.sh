#!/usr/bin/env bash
# (Re)starts the stack for one environment (managed by generator-portal).
# usage: PORTAL_ENV=dev|prod scripts/restart.sh [up|down|ps|logs|config]   (default: up)
#        PORTAL_INSTANCE=<instance name or domain> scripts/restart.sh ...   (a deployment listed in lib.sh)
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECRETS=(DJANGO_SECRET_KEY:django_secret_key POSTGRES_PASSWORD:postgres_password TILESERVER_DB_PASSWORD:tileserver_db_password EXPORTER_DB_PASSWORD:exporter_db_password REDIS_PASSWORD:redis_password RABBITMQ_PASSWORD:rabbitmq_password GRAFANA_ADMIN_PASSWORD:grafana_admin_password)

# refuses to start with a missing, empty or placeholder secret
check_secrets() {
  local pair env file value
  for pair in ${SECRETS[@]+"${SECRETS[@]}"}; do
    env=${pair%%:*}
    file=$SECRETS_DIR/${pair#*:}
    if [ "$PORTAL_ENV" = prod ]; then
      value=$(cat "$file" 2>/dev/null || true)
      where=$file
    else
      value=$(env_value "$env")
      where="$ENV_FILE $env"
    fi
    if [ "${#value}" -lt 16 ] || [[ "$value" =~ ^(change|CHANGE|changeme|secret|password|example) ]]; then
      echo "$where is missing, too short or a placeholder: run ${INSTANCE:+PORTAL_INSTANCE=$INSTANCE }scripts/create-secrets.sh" >&2
      exit 1
    fi
  done
}

# the proxies resolve upstream addresses once: restart them when `up` recreated an upstream
UPSTREAMS=(backend grafana tileserver varnish)
PROXIES=(varnish nginx)
upstream_ids() { compose ps -q "${UPSTREAMS[@]}" 2>/dev/null | sort; }

select_environment
require_env_file
action=${1:-up}
case "$action" in
  up | down | ps | logs)
    require_engine
    require_compose
    ;;
  # prints the merged files: no engine needed
  config) require_compose ;;
esac
case "$action" in
  up)
    # the project whose orphans `up` removes, and the folders it mounts, are this deployment's
    require_project
    check_secrets
    before=$(upstream_ids)
    compose up -d --build --remove-orphans
    if [ -n "$before" ] && [ "$before" != "$(upstream_ids)" ]; then
      compose restart "${PROXIES[@]}"
    fi
    compose ps
    ;;
  down)
    require_project
    compose down
    ;;
  config)
    # read-only, as ps and logs: `config --output FILE` would write a file
    for arg in "$@"; do
      case "$arg" in -o* | --output*) refuse "restart.sh config prints the configuration, it does not write it: drop $arg and redirect the output instead" ;; esac
    done
    compose "$@"
    ;;
  ps | logs) compose "$@" ;;
  *)
    echo "usage: PORTAL_ENV=dev|prod $0 [up|down|ps|logs|config]   (or PORTAL_INSTANCE=<name>)" >&2
    exit 2
    ;;
esac
