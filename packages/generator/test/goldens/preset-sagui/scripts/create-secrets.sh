#!/usr/bin/env bash
# Creates .env from .env.example and fills every empty secret, then writes secrets/<name> for prod
# (managed by generator-portal). Existing values are never changed. Safe to run again.
# With PORTAL_INSTANCE=<name>: instances/<name>.env and secrets/<name>/ instead.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECRETS=(BACKEND_SECRET_KEY:backend_secret_key BACKEND_DJANGO_SUPERUSER_PASSWORD:backend_django_superuser_password POSTGRES_PASSWORD:postgres_password TILESERVER_DB_PASSWORD:tileserver_db_password HYFAA_SCHEDULER_EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY:hyfaa_scheduler_eodag__hydroweb_next__auth__credentials__apikey)

random_secret() {
  local value=""
  while [ "${#value}" -lt 32 ]; do
    value+=$(head -c 256 /dev/urandom | LC_ALL=C tr -dc 'A-Za-z0-9')
  done
  printf '%s' "${value:0:32}"
}

select_environment
# every file written below lies in the repository: a link from one of them to elsewhere is refused
require_in_repo "$ENV_FILE"
require_in_repo secrets
require_in_repo "$SECRETS_DIR"
for pair in ${SECRETS[@]+"${SECRETS[@]}"}; do require_in_repo "$SECRETS_DIR/${pair#*:}"; done
umask 077
if [ ! -f "$ENV_FILE" ]; then
  cp "${ENV_FILE%.env}.env.example" "$ENV_FILE"
  echo "created $ENV_FILE from ${ENV_FILE%.env}.env.example"
fi
chmod 600 "$ENV_FILE"
mkdir -p "$SECRETS_DIR"
chmod 700 secrets "$SECRETS_DIR"

for pair in ${SECRETS[@]+"${SECRETS[@]}"}; do
  env=${pair%%:*}
  file=$SECRETS_DIR/${pair#*:}
  value=$(env_value "$env")
  if [ -z "$value" ] && [ -s "$file" ]; then value=$(cat "$file"); fi
  if [ -z "$value" ]; then value=$(random_secret); fi
  if grep -qE "^$env=" "$ENV_FILE"; then
    sed -i "s|^$env=.*|$env=$value|" "$ENV_FILE"
  else
    printf '%s=%s\n' "$env" "$value" >>"$ENV_FILE"
  fi
  if [ ! -s "$file" ]; then
    printf '%s' "$value" >"$file"
    echo "wrote $file"
  fi
  # containers read it through a bind mount as their own (non-root) user; secrets/ itself stays 0700
  chmod 644 "$file"
done
echo "secrets are in $ENV_FILE and $SECRETS_DIR/ (both git-ignored)"
