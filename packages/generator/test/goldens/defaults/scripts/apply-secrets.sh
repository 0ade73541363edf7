#!/usr/bin/env bash
# Applies new secrets to a running stack (managed by generator-portal).
# `portal secrets --rotate` writes new values to .env and secrets/ and prints the containers to name here.
# Containers read secrets when they start, and PostgreSQL keep
# passwords in their data: those are changed inside first, then the containers are recreated.
# usage: PORTAL_ENV=dev|prod scripts/apply-secrets.sh SERVICE...   (or PORTAL_INSTANCE=<name>)
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# the value the stack will use: secrets/<name> in prod, .env in dev
new_value() {
  local env=$1 name=$2 value
  if [ "$PORTAL_ENV" = prod ]; then
    value=$(cat "$SECRETS_DIR/$name")
  else
    value=$(env_value "$env")
  fi
  # generated secrets are letters and digits; anything else is refused rather than quoted into SQL
  if [[ ! "$value" =~ ^[A-Za-z0-9_-]{16,}$ ]]; then
    echo "$env: not a generated secret (16 or more letters, digits, - or _): set it by hand" >&2
    exit 1
  fi
  printf '%s' "$value"
}

select_environment
require_env_file
if [ $# -eq 0 ]; then
  echo "usage: PORTAL_ENV=dev|prod $0 SERVICE...   (portal secrets --rotate prints the list)" >&2
  exit 2
fi
# service names only: an option such as --renew-anon-volumes would reach `compose up`
SERVICES=(backend backup db migrate nginx redis tileserver varnish)
for service in "$@"; do require_known service "$service" "${SERVICES[@]}"; done
require_engine
require_compose
# `up` recreates them in this deployment's project, on its own folders
require_project
for service in "$@"; do
  case "$service" in
    db)
      # read first (a failure stops here), then sent on stdin, so no password shows in a process list
      password_0=$(new_value POSTGRES_PASSWORD postgres_password)
      password_1=$(new_value TILESERVER_DB_PASSWORD tileserver_db_password)
      {
        printf 'ALTER ROLE "%s" PASSWORD '"'"'%s'"'"';\n' "$(env_value POSTGRES_USER)" "$password_0"
        printf 'ALTER ROLE "%s" PASSWORD '"'"'%s'"'"';\n' "tileserver" "$password_1"
      } | compose exec -T db sh -c 'psql -v ON_ERROR_STOP=1 -q -U "$POSTGRES_USER" -d "$POSTGRES_DB"'
      echo "db: role passwords changed"
      ;;
    *) ;;
  esac
done
compose up -d --force-recreate --no-deps "$@"
