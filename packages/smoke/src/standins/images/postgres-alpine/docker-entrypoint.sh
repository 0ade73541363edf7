#!/usr/bin/env bash
# Stand-in for the docker-library postgres entrypoint (our own words; the smoke run's file, not generated).
# Same contract: POSTGRES_PASSWORD/_USER/_DB/_INITDB_ARGS/_INITDB_WALDIR/_HOST_AUTH_METHOD, each also as
# <NAME>_FILE; a first boot on an empty PGDATA runs initdb, then /docker-entrypoint-initdb.d/ (*.sh run when
# executable, else sourced, with "${psql[@]}" defined; *.sql, *.sql.gz, *.sql.xz, *.sql.zst through psql) on a
# server that listens on its socket only; started as root it prepares the folders and drops to postgres with
# gosu, started as another user (compose `user:`) it runs as that user.
set -Eeo pipefail

# NAME or NAME_FILE (not both) into NAME
file_env() {
  local name=$1 file_name="${1}_FILE" default=${2:-}
  if [ -n "${!name:-}" ] && [ -n "${!file_name:-}" ]; then
    echo >&2 "error: both $name and $file_name are set (they are exclusive)"
    exit 1
  fi
  local value=$default
  if [ -n "${!name:-}" ]; then value=${!name}; elif [ -n "${!file_name:-}" ]; then value=$(<"${!file_name}"); fi
  export "$name"="$value"
  unset "$file_name"
}

# `docker run image -c max_connections=50` means postgres with those flags
if [ "${1:0:1}" = '-' ]; then set -- postgres "$@"; fi

prepare_folders() {
  mkdir -p "$PGDATA"
  chmod 00700 "$PGDATA" || :
  mkdir -p /var/run/postgresql || :
  chmod 03775 /var/run/postgresql || :
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
    mkdir -p "$POSTGRES_INITDB_WALDIR"
    chmod 700 "$POSTGRES_INITDB_WALDIR"
  fi
  if [ "$(id -u)" = 0 ]; then
    find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
    find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
    if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
      find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
    fi
  fi
}

# what psql runs with during the first boot: the superuser, over the socket, in POSTGRES_DB
run_sql() {
  local runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
  if [ -n "$POSTGRES_DB" ]; then runner+=(--dbname "$POSTGRES_DB"); fi
  PGHOST='' PGHOSTADDR='' "${runner[@]}" "$@"
}

init_files() {
  # the array the image documents for sourced scripts: "${psql[@]}" <<<'SELECT 1'
  # shellcheck disable=SC2034
  psql=(run_sql)
  local f
  for f in "$@"; do
    case "$f" in
      *.sh)
        if [ -x "$f" ]; then
          echo "$0: running $f"
          "$f"
        else
          echo "$0: sourcing $f"
          # shellcheck disable=SC1090
          . "$f"
        fi
        ;;
      *.sql) echo "$0: running $f"; run_sql -f "$f"; echo ;;
      *.sql.gz) echo "$0: running $f"; gunzip -c "$f" | run_sql; echo ;;
      *.sql.xz) echo "$0: running $f"; xzcat "$f" | run_sql; echo ;;
      *.sql.zst) echo "$0: running $f"; zstd -dc "$f" | run_sql; echo ;;
      *) echo "$0: ignoring $f" ;;
    esac
  done
}

first_boot() {
  if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != trust ]; then
    echo >&2 'error: the database is uninitialized and POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE) is not set;'
    echo >&2 '       set it, or POSTGRES_HOST_AUTH_METHOD=trust to allow every connection without a password'
    exit 1
  fi
  if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
    set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
  fi
  # shellcheck disable=SC2086
  initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") $POSTGRES_INITDB_ARGS "$@"
  printf '\nhost all all all %s\n' "$POSTGRES_HOST_AUTH_METHOD" >>"$PGDATA/pg_hba.conf"

  export PGPASSWORD=${PGPASSWORD:-$POSTGRES_PASSWORD}
  pg_ctl -D "$PGDATA" -o "-c listen_addresses='' -p ${PGPORT:-5432}" -w start
  if [ "$POSTGRES_DB" != postgres ] &&
    [ -z "$(run_sql --dbname postgres --tuples-only -v db="$POSTGRES_DB" <<<"SELECT 1 FROM pg_database WHERE datname = :'db'")" ]; then
    run_sql --dbname postgres -v db="$POSTGRES_DB" <<<'CREATE DATABASE :"db"'
  fi
  init_files /docker-entrypoint-initdb.d/*
  pg_ctl -D "$PGDATA" -m fast -w stop
  unset PGPASSWORD
  echo
  echo 'PostgreSQL init process complete; ready for start up.'
  echo
}

if [ "$1" = postgres ]; then
  file_env POSTGRES_PASSWORD
  file_env POSTGRES_USER postgres
  file_env POSTGRES_DB "$POSTGRES_USER"
  file_env POSTGRES_INITDB_ARGS
  : "${POSTGRES_HOST_AUTH_METHOD:=scram-sha-256}"
  export POSTGRES_HOST_AUTH_METHOD
  prepare_folders
  if [ "$(id -u)" = 0 ]; then
    exec gosu postgres "${BASH_SOURCE[0]}" "$@"
  fi
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    first_boot
  else
    echo 'PostgreSQL database directory appears to contain a database; skipping initialization'
  fi
fi

exec "$@"
