#!/usr/bin/env bash
# Least-privilege roles, created once when the database volume is empty (managed by generator-portal).
# Passwords come from variables in dev and from *_FILE secret files in prod.
set -Eeuo pipefail

# Called as `var=$(read_secret NAME)`: a plain assignment, so set -e stops the script when the
# secret is missing or unreadable (inside a command's arguments the failure would pass unseen).
read_secret() {
  local name=$1 file_var="${1}_FILE" value
  if [ -n "${!file_var:-}" ]; then
    value=$(cat "${!file_var}")
  else
    value=${!name:-}
  fi
  if [ -z "$value" ]; then
    echo "02-roles.sh: $name is empty: set $name or $file_var" >&2
    return 1
  fi
  printf '%s' "$value"
}

sql() {
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:?}" --dbname "${POSTGRES_DB:?}" \
    -v DBNAME="${POSTGRES_DB}" "$@"
}

# The tileserver publishes every table it can read, with all columns: it reads the schema(s) tiles only,
# never the app's tables in `public` (users, sessions). Put layers, or views over app tables, there.
tileserver_password=$(read_secret TILESERVER_DB_PASSWORD)
sql -v password="$tileserver_password" <<'SQL'
CREATE ROLE tileserver LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;
GRANT CONNECT ON DATABASE :"DBNAME" TO tileserver;
CREATE SCHEMA IF NOT EXISTS tiles;
GRANT USAGE ON SCHEMA tiles TO tileserver;
GRANT SELECT ON ALL TABLES IN SCHEMA tiles TO tileserver;
ALTER DEFAULT PRIVILEGES IN SCHEMA tiles GRANT SELECT ON TABLES TO tileserver;
ALTER ROLE tileserver SET default_transaction_read_only = on;
ALTER ROLE tileserver SET search_path = tiles, public;
SQL
