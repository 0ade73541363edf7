#!/usr/bin/env bash
# Moves data from an old deployment's storage into a storage item of this stack (managed by generator-portal).
# usage: scripts/migrate-storage.sh SOURCE ITEM [--path DIR] [--yes]
#        scripts/migrate-storage.sh --legacy [--yes]
# SOURCE is a data-only container (made with `docker create -v`), a named volume or a host folder; --path
# is the folder inside it that holds the data. --legacy copies every store of the old sagui
# listed in docs/architecture.md. Stop the stack first; an item that is not empty needs --yes.
# PostgreSQL data is copied only between equal major versions; otherwise dump and use restore.sh.
# MongoDB files open only in the same or the next major version; from older ones use mongodump/mongorestore.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# name:uid:gid of each storage item of this stack
ITEMS=(pgdata:999:999 django-static:10001:10001 atmo:10001:10001 hyfaa-data:10001:10001)
# old|path inside it|item|kind, from the preset this portal was generated with
LEGACY=()
POSTGRES_MAJOR=16

usage() {
  sed -n '3,4p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
  exit 2
}

owner_of() {
  local entry
  for entry in "${ITEMS[@]}"; do
    if [ "${entry%%:*}" = "$1" ]; then
      printf '%s' "${entry#*:}"
      return 0
    fi
  done
  echo "unknown storage item '$1': use one of ${ITEMS[*]%%:*}" >&2
  exit 2
}

# docker run arguments that show SOURCE's data under /from
source_mount() {
  if docker container inspect "$1" >/dev/null 2>&1; then
    printf '%s\n' --volumes-from "$1:ro"
  elif docker volume inspect "$1" >/dev/null 2>&1; then
    printf '%s\n' -v "$1:/from:ro"
  elif [ -d "$1" ]; then
    printf '%s\n' -v "$(realpath "$1"):/from:ro"
  else
    echo "no container, volume or folder named '$1'" >&2
    exit 1
  fi
}

# where SOURCE's data appears inside the copy container
source_folder() {
  if docker container inspect "$1" >/dev/null 2>&1; then printf '%s' "$2"; else printf '/from/%s' "${2#/}"; fi
}

# the item's folder or volume, checked before any copy starts (check_targets)
target_mount() {
  local volume
  volume="${PROJECT}_$1"
  docker volume create "$volume" >/dev/null
  printf '%s\n' -v "$volume:/to"
}

copy() {
  local source=$1 path=$2 item=$3 kind=$4 owner from source_args target_args
  local -a mounts
  # command substitutions, not process substitutions: their failure stops the script
  owner=$(owner_of "$item")
  source_args=$(source_mount "$source")
  target_args=$(target_mount "$item")
  mapfile -t mounts <<<"$source_args"$'\n'"$target_args"
  from=$(source_folder "$source" "$path")
  if [ "$kind" = postgres ]; then
    # the old image may keep the cluster one or two levels down (data/, 9.6/main/)
    # the shallowest PG_VERSION: each database folder (base/<oid>/) has one too
    from=$(docker run --rm "${mounts[@]}" alpine:3.21.2 sh -c 'dirname "$(find "$1" -maxdepth 3 -name PG_VERSION | awk -F/ "{ print NF, \$0 }" | sort -n | head -n 1 | cut -d " " -f 2-)"' sh "$from")
    local version
    version=$(docker run --rm "${mounts[@]}" alpine:3.21.2 cat "$from/PG_VERSION")
    if [ "$version" != "$POSTGRES_MAJOR" ]; then
      echo "$source holds PostgreSQL $version data, this stack runs $POSTGRES_MAJOR: files cannot move between major versions." >&2
      echo "Dump it from the old container (pg_dump --format=custom) and load it with scripts/restore.sh db FILE.dump." >&2
      exit 1
    fi
  fi
  if [ -n "$(docker run --rm "${mounts[@]}" alpine:3.21.2 ls -A /to)" ] && ! confirm "$item is not empty: copy $source into it anyway?"; then
    echo "skipped $item" >&2
    return 0
  fi
  docker run --rm "${mounts[@]}" alpine:3.21.2 sh -c 'cp -a "$1/." /to/ && chown -R "$2" /to' sh "$from" "$owner"
  echo "copied $source:$path into $item"
}

# every target is a known item whose folder lies below DATA_ROOT, or nothing is copied
check_targets() {
  local item
  require_project
  for item in "$@"; do
    require_known "storage item" "$item" "${ITEMS[@]%%:*}"
  done
  require_engine
}

select_environment
require_env_file
path=.
legacy=0
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --yes) ASSUME_YES=1 ;;
    --legacy) legacy=1 ;;
    --path)
      path=${2:?--path needs a folder}
      shift
      ;;
    -*) usage ;;
    *) args+=("$1") ;;
  esac
  shift
done

# the folder inside SOURCE is read in the copy container: .. would leave the data mounted there
case "/$path/" in
  */../*) refuse "--path '$path' holds ..: name the folder inside SOURCE that holds the data" ;;
esac

if [ "$legacy" = 1 ]; then
  [ "${#args[@]}" -eq 0 ] || usage
  if [ "${#LEGACY[@]}" -eq 0 ]; then
    echo "no legacy stores are known for this portal: name SOURCE and ITEM" >&2
    exit 2
  fi
  targets=()
  for store in "${LEGACY[@]}"; do
    IFS='|' read -r _ _ item _ <<<"$store"
    targets+=("$item")
  done
  check_targets "${targets[@]}"
  # one store that cannot be copied (not found, another PostgreSQL version) does not stop the others
  failed=()
  for store in "${LEGACY[@]}"; do
    IFS='|' read -r old old_path item kind <<<"$store"
    # errexit holds inside the subshell only when an `if` does not test it, and set +e is inherited
    set +e
    (
      set -e
      copy "$old" "$old_path" "$item" "$kind"
    )
    status=$?
    set -e
    if [ "$status" != 0 ]; then failed+=("$old"); fi
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    echo "not copied: ${failed[*]}; copy each by hand: $0 SOURCE ITEM [--path DIR] (a volume of an old compose project is named <project>_<volume>)" >&2
    exit 1
  fi
else
  [ "${#args[@]}" -eq 2 ] || usage
  check_targets "${args[1]}"
  kind=files
  if [ "${args[1]}" = pgdata ]; then kind=postgres; fi
  copy "${args[0]}" "$path" "${args[1]}" "$kind"
fi
