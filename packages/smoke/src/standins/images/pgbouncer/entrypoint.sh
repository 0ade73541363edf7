#!/bin/sh
# Stand-in for edoburu/pgbouncer's /entrypoint.sh (our own words), for the variables most setups use:
# DATABASE_URL (postgres://user:password@host:port/name) or DB_HOST, DB_PORT, DB_USER, DB_PASSWORD, DB_NAME;
# AUTH_TYPE (md5 by default; plain and scram-sha-256 keep the password as given), AUTH_FILE, LISTEN_ADDR,
# LISTEN_PORT, POOL_MODE, MAX_CLIENT_CONN, DEFAULT_POOL_SIZE, ADMIN_USERS, STATS_USERS, IGNORE_STARTUP_PARAMETERS.
# The credentials go into the auth file unless it names the user already; pgbouncer.ini is written only when
# there is none (a mounted one wins). The image's other settings are not written here.
set -e
dir=/etc/pgbouncer
if [ -n "${DATABASE_URL:-}" ]; then
  rest=${DATABASE_URL#*://}
  case "$rest" in
    *@*) credentials=${rest%@*} rest=${rest##*@} ;;
    *) credentials='' ;;
  esac
  case "$credentials" in
    *:*) DB_USER=${credentials%%:*} DB_PASSWORD=${credentials#*:} ;;
    ?*) DB_USER=$credentials ;;
  esac
  hostport=${rest%%/*}
  case "$rest" in */*) DB_NAME=${rest#*/} ;; esac
  case "$hostport" in
    *:*) DB_HOST=${hostport%%:*} DB_PORT=${hostport#*:} ;;
    *) DB_HOST=$hostport ;;
  esac
fi
auth_file=${AUTH_FILE:-$dir/userlist.txt}
[ -e "$auth_file" ] || touch "$auth_file"
if [ -n "${DB_USER:-}" ] && [ -n "${DB_PASSWORD:-}" ] && ! grep -q "^\"$DB_USER\"" "$auth_file"; then
  case "${AUTH_TYPE:-md5}" in
    plain | scram-sha-256) secret=$DB_PASSWORD ;;
    *) secret="md5$(printf '%s%s' "$DB_PASSWORD" "$DB_USER" | md5sum | cut -d ' ' -f 1)" ;;
  esac
  printf '"%s" "%s"\n' "$DB_USER" "$secret" >>"$auth_file"
  echo "Wrote authentication credentials to $auth_file"
fi
if [ ! -f "$dir/pgbouncer.ini" ]; then
  echo "Create pgbouncer config in $dir"
  {
    echo '[databases]'
    echo "${DB_NAME:-*} = host=${DB_HOST:?set DB_HOST or DATABASE_URL} port=${DB_PORT:-5432} auth_user=${DB_USER:-postgres}"
    echo
    echo '[pgbouncer]'
    echo "listen_addr = ${LISTEN_ADDR:-0.0.0.0}"
    echo "listen_port = ${LISTEN_PORT:-5432}"
    echo 'user = postgres'
    echo "auth_file = $auth_file"
    echo "auth_type = ${AUTH_TYPE:-md5}"
    echo "pool_mode = ${POOL_MODE:-session}"
    echo "max_client_conn = ${MAX_CLIENT_CONN:-100}"
    echo "default_pool_size = ${DEFAULT_POOL_SIZE:-20}"
    echo "ignore_startup_parameters = ${IGNORE_STARTUP_PARAMETERS:-extra_float_digits}"
    if [ -n "${ADMIN_USERS:-}" ]; then echo "admin_users = $ADMIN_USERS"; fi
    if [ -n "${STATS_USERS:-}" ]; then echo "stats_users = $STATS_USERS"; fi
  } >"$dir/pgbouncer.ini"
fi
exec "$@"
