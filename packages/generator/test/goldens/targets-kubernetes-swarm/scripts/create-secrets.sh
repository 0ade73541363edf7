#!/usr/bin/env bash
# Creates .env from .env.example and fills every empty secret, then writes secrets/<name> for prod
# (managed by generator-portal). Existing values are never changed. Safe to run again.
# With PORTAL_INSTANCE=<name>: instances/<name>.env and secrets/<name>/ instead.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

SECRETS=(DJANGO_SECRET_KEY:django_secret_key POSTGRES_PASSWORD:postgres_password TILESERVER_DB_PASSWORD:tileserver_db_password REDIS_PASSWORD:redis_password)

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

# nginx terminates TLS in prod: without a certificate it cannot start
cert_dir=$(env_value TLS_CERT_DIR)
cert_dir=${cert_dir:-./$SECRETS_DIR/tls}
if ! is_inside "$cert_dir/privkey.pem" "$REPO_DIR" || ! is_inside "$cert_dir/fullchain.pem" "$REPO_DIR"; then
  # a folder of the host's (certbot's), or reached through a link: nginx reads it, this script never writes there
  echo "TLS_CERT_DIR $cert_dir is outside the repository, left as it is: nginx (uid/gid 101) must find and read fullchain.pem and privkey.pem there"
else
  if [ ! -f "$cert_dir/fullchain.pem" ] && command -v openssl >/dev/null; then
    mkdir -p "$cert_dir"
    domain=$(env_value DOMAIN)
    # a subject CN holds at most 64 characters; clients match the name in subjectAltName
    subject="/CN=$domain"
    [ "${#domain}" -le 64 ] || subject="/O=self-signed"
    names="DNS:$domain"
    if openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "$subject" -addext "subjectAltName=$names" \
      -keyout "$cert_dir/privkey.pem" -out "$cert_dir/fullchain.pem" 2>/dev/null; then
      echo "wrote a self-signed certificate to $cert_dir: replace it with a real one (e.g. from certbot)"
    else
      echo "openssl could not make a self-signed certificate for $domain: put fullchain.pem and privkey.pem in $cert_dir" >&2
    fi
  fi
  # nginx runs as uid/gid 101 and reads the key through a bind mount. Under secrets/ (0700) the files can
  # be world-readable, as the secret files are: on the host only the owner gets past secrets/.
  if [ "$cert_dir" = "./$SECRETS_DIR/tls" ] && [ -f "$cert_dir/privkey.pem" ]; then
    chmod 755 "$cert_dir"
    chmod 644 "$cert_dir/privkey.pem" "$cert_dir/fullchain.pem"
  elif [ -f "$cert_dir/privkey.pem" ] && [ "$(id -u)" = 0 ]; then
    chgrp 101 "$cert_dir" "$cert_dir/privkey.pem"
    chmod 750 "$cert_dir"
    chmod 640 "$cert_dir/privkey.pem"
    chmod 644 "$cert_dir/fullchain.pem"
  fi
fi

# certbot --webroot writes Let's Encrypt's HTTP-01 challenge files here; nginx serves them read-only in prod
acme_dir=$(env_value ACME_WEBROOT)
acme_dir=${acme_dir:-./acme-webroot}
if is_inside "$acme_dir" "$REPO_DIR"; then
  mkdir -p "$acme_dir"
  chmod 755 "$acme_dir"
else
  echo "ACME_WEBROOT $acme_dir is outside the repository, left as it is: create it for certbot --webroot"
fi
echo "secrets are in $ENV_FILE and $SECRETS_DIR/ (both git-ignored)"
