#!/usr/bin/env bash
# Backs up the roles (pg_dumpall --globals-only) and every database (pg_dump, custom format) and file storage, keeping the newest BACKUP_KEEP of each
# (managed by generator-portal).
# usage: PORTAL_ENV=dev|prod scripts/backup.sh        destination: BACKUP_DIR (absolute; from the shell or the env file, default backups/ here)
#        PORTAL_INSTANCE=<name> scripts/backup.sh     destination: BACKUP_DIR/<name>, so rotation keeps each deployment's own
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

select_environment
require_env_file
require_backup_dir
require_engine
require_compose
dest=$BACKUP_DEST
keep=${BACKUP_KEEP:-$(env_value BACKUP_KEEP)}
keep=${keep:-7}
# BACKUP_KEEP=0 would delete the backup just written with every other
[[ "$keep" =~ ^[1-9][0-9]*$ ]] || refuse "BACKUP_KEEP is '$keep': set a number of backups to keep, 1 or more"
require_project
db=$(env_value POSTGRES_DB)
# part of the dump's file name: never a path
[[ "$db" =~ ^[a-z_][a-z0-9_]*$ ]] || refuse "POSTGRES_DB in $ENV_FILE is '$db': set the database name, lowercase letters, digits and underscores"
# every folder written to lies below BACKUP_DIR: a link from one of them to elsewhere is refused
FOLDERS=(db files)
for sub in "${FOLDERS[@]}"; do require_inside "$dest/$sub" "$BACKUP_ROOT" BACKUP_DIR; done
stamp=$(date -u +%Y%m%dT%H%M%SZ)
umask 077
for sub in "${FOLDERS[@]}"; do mkdir -p "$dest/$sub"; done

partial=""
cleanup() { if [ -n "$partial" ]; then rm -f -- "$partial"; fi; }
trap cleanup EXIT

# keeps the newest $keep backups NAME-<stamp>SUFFIX in FOLDER; other files there are not ours and stay
rotate() {
  local folder=$1 name=$2 suffix=$3 old
  find "$folder" -maxdepth 1 -type f -name "$name-*$suffix" -printf '%f\n' |
    { grep -E "^$name-[0-9]{8}T[0-9]{6}Z${suffix//./[.]}\$" || true; } | sort -r | tail -n +$((keep + 1)) |
    while read -r old; do rm -f -- "${folder:?}/$old"; done
}

# the roles, without their passwords (those stay the secrets' own); restore.sh globals FILE.sql
partial=$(mktemp "$dest/db/.partial.XXXXXX")
compose exec -T db sh -c 'pg_dumpall --globals-only --no-role-passwords -U "$POSTGRES_USER"' >"$partial"
mv "$partial" "$dest/db/globals-$stamp.sql"
partial=""
echo "roles: $dest/db/globals-$stamp.sql"
rotate "$dest/db" globals .sql

# every database the server holds (templates are made again by postgres/initdb), the deployment's first
listed=$(compose exec -T db sh -c 'psql -X -At -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1"')
databases=("$db")
skipped=""
while read -r name; do
  if [ -z "$name" ] || [ "$name" = "$db" ]; then continue; fi
  # part of a file name: never a path
  if [[ "$name" =~ ^[a-z_][a-z0-9_]*$ ]]; then databases+=("$name"); else skipped+=" '$name'"; fi
done <<<"$listed"
for name in "${databases[@]}"; do
  partial=$(mktemp "$dest/db/.partial.XXXXXX")
  compose exec -T db sh -c "pg_dump --format=custom --no-owner -U \"\$POSTGRES_USER\" $name" >"$partial"
  mv "$partial" "$dest/db/$name-$stamp.dump"
  partial=""
  echo "database: $dest/db/$name-$stamp.dump"
  rotate "$dest/db" "$name" .dump
done
[ -z "$skipped" ] || echo "not dumped, names other than lowercase letters, digits and underscores:$skipped" >&2

# file storage: django-static, atmo, hyfaa-data
FILE_ITEMS=(django-static atmo hyfaa-data)
for name in ${FILE_ITEMS[@]+"${FILE_ITEMS[@]}"}; do
  archive="$name-$stamp.tar.gz"
  # written under a temporary name, renamed when complete: a failed run never leaves a truncated archive
  partial="$dest/files/.$archive.partial"
  docker run --rm -v "${PROJECT}_$name:/data:ro" -v "$dest/files:/out" \
    alpine:3.21.2 tar -czf "/out/.$archive.partial" -C /data .
  mv "$partial" "$dest/files/$archive"
  partial=""
  echo "files: $dest/files/$archive"
  rotate "$dest/files" "$name" .tar.gz
done
