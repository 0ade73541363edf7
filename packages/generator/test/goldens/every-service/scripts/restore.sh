#!/usr/bin/env bash
# Restores what backup.sh wrote (managed by generator-portal).
# usage: PORTAL_ENV=dev|prod scripts/restore.sh db FILE.dump [--target-db NAME] [--yes]   or: globals FILE.sql [--yes]
#        PORTAL_ENV=dev|prod scripts/restore.sh files ITEM FILE.tar.gz [--yes]
# db: into the database the file is named after (<database>-<slot>.dump), or --target-db (a new one, e.g. to check a backup); --yes skips the question.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '3,5p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
  exit 2
}

# refuses an archive with a member that could land outside the folder it is extracted into: an absolute
# name, a .. component, or a link (symbolic or hard) to an absolute path or through .. (listed with -P,
# GNU tar's names as stored: without it the listing strips what extraction might not)
check_archive() {
  local bad
  tar -tzPf "$1" >/dev/null 2>&1 || refuse "$1 is not a readable .tar.gz archive: give one written by scripts/backup.sh"
  bad=$(tar -tzPf "$1" | grep -m 1 -E '^/|(^|/)[.][.](/|$)') || true
  [ -z "$bad" ] || refuse "$1 holds the member '$bad', absolute or with ..: not restored, it would land outside the storage item"
  bad=$(tar -tvzPf "$1" | grep -m 1 -E '^[lh].*( -> | link to )(/|(.*/)?[.][.](/|$))') || true
  [ -z "$bad" ] || refuse "$1 holds a link out of the storage item ($(sed -E 's/^([^ ]+ +){5}//' <<<"$bad")): not restored"
}

# replaces the contents of folder $1 with archive $2. The archive goes into a fresh folder inside it
# first, so a failed extraction keeps the old contents; then the old entries go and the new ones move up
# (renames on one file system). POSIX sh: it runs on the host or in the helper container alike.
REPLACE_CONTENTS=$(
  cat <<'EOF'
set -eu
folder=$1
fresh=$(mktemp -d "$folder/.restore.XXXXXX")
trap 'rm -rf "$fresh"' EXIT
tar -xzf "$2" -C "$fresh"
find "$folder" -mindepth 1 -maxdepth 1 ! -name "${fresh##*/}" -exec rm -rf -- {} +
find "$fresh" -mindepth 1 -maxdepth 1 -exec mv -- {} "$folder/" \;
rmdir "$fresh"
trap - EXIT
EOF
)

select_environment
require_env_file
kind=${1:-}
[ -n "$kind" ] || usage
shift
target_db=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --yes) ASSUME_YES=1 ;;
    --target-db)
      target_db=${2:?--target-db needs a name}
      shift
      ;;
    *) args+=("$1") ;;
  esac
  shift
done

case "$kind" in
  db)
    [ "${#args[@]}" -eq 1 ] || usage
    file=${args[0]}
    [ -f "$file" ] || { echo "no such dump: $file" >&2; exit 1; }
    own_db=$(env_value POSTGRES_DB)
    # a dump names its database: <database>-<UTC stamp>.dump or <database>-<weekday>.dump
    named=$(basename -- "$file" | sed -n -E 's/^([a-z_][a-z0-9_]*)-([0-9]{8}T[0-9]{6}Z|Mon|Tue|Wed|Thu|Fri|Sat|Sun)[.]dump$/\1/p')
    database=${target_db:-${named:-$own_db}}
    if [[ ! "$database" =~ ^[a-z_][a-z0-9_]*$ ]]; then
      echo "database name must be lowercase letters, digits and underscores: $database" >&2
      exit 2
    fi
    require_engine
    require_compose
    confirm "Replace the contents of database '$database' with $file?" || exit 1
    if [ "$database" != "$own_db" ]; then
      compose exec -T db sh -c "createdb -U \"\$POSTGRES_USER\" $database 2>/dev/null || true"
    fi
    compose exec -T db sh -c "pg_restore --clean --if-exists --no-owner --exit-on-error -U \"\$POSTGRES_USER\" -d $database" <"$file"
    echo "restored $file into database $database"
    ;;
  globals)
    [ "${#args[@]}" -eq 1 ] || usage
    file=${args[0]}
    [ -f "$file" ] || { echo "no such roles file: $file" >&2; exit 1; }
    require_engine
    require_compose
    confirm "Create the roles of $file (roles the server has keep their passwords)?" || exit 1
    # a role the server has already is not created again; attributes and memberships apply to it
    # shellcheck disable=SC2016
    sed -E 's/^CREATE ROLE ([^;]+);$/DO $do$ BEGIN CREATE ROLE \1; EXCEPTION WHEN duplicate_object THEN NULL; END $do$;/' "$file" |
      compose exec -T db sh -c 'psql -X -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB"'
    echo "restored the roles of $file"
    ;;
  files)
    [ "${#args[@]}" -eq 2 ] || usage
    name=${args[0]}
    file=${args[1]}
    FILE_ITEMS=(media traefik-acme grafana-data)
    require_known "storage item" "$name" ${FILE_ITEMS[@]+"${FILE_ITEMS[@]}"}
    [ -f "$file" ] || { echo "no such archive: $file" >&2; exit 1; }
    file=$(realpath -- "$file")
    check_archive "$file"
    require_project
    require_engine
    confirm "Replace everything in storage item '$name' (volume ${PROJECT}_$name) with $file?" || exit 1
    docker run --rm -v "${PROJECT}_$name:/data" -v "$(dirname "$file"):/in:ro" \
      alpine:3.21.2 sh -c "$REPLACE_CONTENTS" sh /data "/in/$(basename "$file")"
    echo "restored $file into $name"
    ;;
  *) usage ;;
esac
