#!/bin/bash
# Stand-in for the postgis image's /docker-entrypoint-initdb.d/10_postgis.sh (our own words): a template
# database template_postgis, and the PostGIS extensions in it and in POSTGRES_DB. Sourced by the entrypoint,
# so "${psql[@]}" is its superuser psql.
set -e
export PGUSER="$POSTGRES_USER"
# shellcheck disable=SC2154 # psql: the entrypoint's array

"${psql[@]}" <<<'CREATE DATABASE template_postgis IS_TEMPLATE true;'
for db in template_postgis "$POSTGRES_DB"; do
  echo "Loading PostGIS extensions into $db"
  "${psql[@]}" --dbname="$db" <<'SQL'
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS postgis_topology;
-- a new session sees the search_path postgis_topology set
\c
CREATE EXTENSION IF NOT EXISTS fuzzystrmatch;
CREATE EXTENSION IF NOT EXISTS postgis_tiger_geocoder;
SQL
done
