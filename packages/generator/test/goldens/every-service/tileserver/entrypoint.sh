#!/bin/sh
# Builds pg_tileserv's DATABASE_URL from PG* variables (managed by generator-portal).
# The password is PGPASSWORD in dev, or the file named by PGPASSWORD_FILE in prod.
set -eu

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
fi
: "${PGPASSWORD:?PGPASSWORD or PGPASSWORD_FILE must be set}"
DATABASE_URL="postgresql://${PGUSER:?}:${PGPASSWORD}@${PGHOST:?}:${PGPORT:-5432}/${PGDATABASE:?}?sslmode=disable"
export DATABASE_URL
unset PGPASSWORD

exec /app/pg_tileserv "$@"
