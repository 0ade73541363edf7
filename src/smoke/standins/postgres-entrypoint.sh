#!/bin/sh
# Stand-in for the postgres image's entrypoint (the smoke run's own file, not generated). The first boot
# creates PGDATA with POSTGRES_USER, POSTGRES_PASSWORD(_FILE) and POSTGRES_DB, runs
# /docker-entrypoint-initdb.d/* in order (*.sql with psql, *.sh executed or sourced) on a socket-only server,
# then starts Debian's postgres on every address, as the image does. Other commands run as given.
set -eu
if [ "${1:-}" != postgres ]; then exec "$@"; fi
BIN=/usr/lib/postgresql/15/bin
PGDATA=${PGDATA:-/var/lib/postgresql/data}
export PGDATA

if [ "$(id -u)" = 0 ]; then
  mkdir -p "$PGDATA" /var/run/postgresql
  chown -R postgres:postgres "$PGDATA" /var/run/postgresql
  chmod 700 "$PGDATA"
  exec setpriv --reuid=postgres --regid=postgres --init-groups "$0" "$@"
fi

if [ -n "${POSTGRES_PASSWORD_FILE:-}" ]; then POSTGRES_PASSWORD=$(cat "$POSTGRES_PASSWORD_FILE"); fi
: "${POSTGRES_PASSWORD:?the postgres image refuses to start without POSTGRES_PASSWORD or POSTGRES_PASSWORD_FILE}"
POSTGRES_USER=${POSTGRES_USER:-postgres}
POSTGRES_DB=${POSTGRES_DB:-$POSTGRES_USER}
export POSTGRES_USER POSTGRES_DB

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  pwfile=$(mktemp)
  printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
  "$BIN/initdb" -D "$PGDATA" -U "$POSTGRES_USER" --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  rm -f "$pwfile"
  echo 'host all all all scram-sha-256' >>"$PGDATA/pg_hba.conf"
  "$BIN/pg_ctl" -D "$PGDATA" -w -o "-c listen_addresses='' -p 5432" start >/dev/null
  psql() { command psql -X -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password "$@"; }
  if [ "$POSTGRES_DB" != postgres ]; then psql --dbname postgres -q -c "CREATE DATABASE \"$POSTGRES_DB\""; fi
  for f in /docker-entrypoint-initdb.d/*; do
    [ -e "$f" ] || continue
    case "$f" in
      *.sh) echo "init: running $f"; if [ -x "$f" ]; then "$f"; else . "$f"; fi ;;
      *.sql) echo "init: running $f"; psql --dbname "$POSTGRES_DB" -q -f "$f" ;;
      *) echo "init: ignoring $f" ;;
    esac
  done
  "$BIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
  echo 'init: done'
fi
exec "$BIN/postgres" -D "$PGDATA" -c listen_addresses='*'
