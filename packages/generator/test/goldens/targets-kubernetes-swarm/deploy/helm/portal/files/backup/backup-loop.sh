#!/bin/sh
# Scheduled dumps of the roles and of every database, run by the backup container (managed by generator-portal).
# BACKUP_ONCE=1 (a Kubernetes CronJob): one round, then exit. Otherwise once at start, then at each minute matching BACKUP_SCHEDULE (cron: minute hour day-of-month month weekday,
# UTC): pg_dumpall --globals-only (roles without their passwords) into /backups/db/globals-<slot>.sql and
# one pg_dump per database (templates excepted: the init files make them) into /backups/db/<database>-<slot>.dump.
# BACKUP_ROTATION=weekday: the slot is the day of the week (Mon ... Sun), overwritten a week later;
# BACKUP_ROTATION=count: the slot is the UTC time, and the newest BACKUP_KEEP of each are kept.
# scripts/restore.sh restores either kind.
set -eu
# the cron fields hold * : never expand them as file names
set -f

if [ -n "${PGPASSWORD_FILE:-}" ]; then
  PGPASSWORD=$(cat "$PGPASSWORD_FILE")
  export PGPASSWORD
fi
schedule=${BACKUP_SCHEDULE:?set BACKUP_SCHEDULE, e.g. 0 3 * * *}
rotation=${BACKUP_ROTATION:-count}
keep=${BACKUP_KEEP:-7}
dir=/backups/db
umask 077
mkdir -p "$dir"

# 0 when the number $1 is in the cron field $2 (*, a, a-b, a/n, */n, a-b/n, comma lists); $3-$4 its range
in_field() {
  value=$1
  for part in $(echo "$2" | tr ',' ' '); do
    step=1
    case $part in */*) step=${part#*/} part=${part%/*} ;; esac
    case $part in
      '*') from=$3 to=$4 ;;
      *-*) from=${part%-*} to=${part#*-} ;;
      *) from=$part to=$part ;;
    esac
    if [ "$step" -gt 1 ] && [ "$from" = "$to" ]; then to=$4; fi
    if [ "$value" -ge "$from" ] && [ "$value" -le "$to" ] && [ $(((value - from) % step)) -eq 0 ]; then return 0; fi
  done
  return 1
}

# 0 when the current UTC minute matches the schedule (day of month and weekday: either, when both are set)
due() {
  # shellcheck disable=SC2046
  set -- $(date -u '+%M %H %d %m %w')
  minute=${1#0} hour=${2#0} day=${3#0} month=${4#0} weekday=$5
  # shellcheck disable=SC2086
  set -- $schedule
  in_field "$minute" "$1" 0 59 && in_field "$hour" "$2" 0 23 && in_field "$month" "$4" 1 12 || return 1
  day_ok=0 week_ok=0
  if in_field "$day" "$3" 1 31; then day_ok=1; fi
  if in_field "$weekday" "$5" 0 7 || { [ "$weekday" = 0 ] && in_field 7 "$5" 0 7; }; then week_ok=1; fi
  if [ "$3" != '*' ] && [ "$5" != '*' ]; then
    [ "$day_ok" = 1 ] || [ "$week_ok" = 1 ]
  else
    [ "$day_ok" = 1 ] && [ "$week_ok" = 1 ]
  fi
}

slot() {
  if [ "$rotation" = weekday ]; then LC_ALL=C date -u +%a; else date -u +%Y%m%dT%H%M%SZ; fi
}

# writes the output of a command to the file $1 under a temporary name: a failed dump never replaces a good one
save() {
  target=$1
  shift
  partial="$dir/.${target##*/}.partial"
  if "$@" >"$partial"; then
    mv "$partial" "$target"
    echo "backup: wrote $target"
  else
    rm -f "$partial"
    echo "backup: $1 failed for $target" >&2
  fi
}

# count rotation: keeps the newest $keep of NAME-<stamp>SUFFIX; other files are not ours and stay
rotate() {
  [ "$rotation" = count ] || return 0
  set +f
  # names are ours (no spaces), so ls sorts them safely by age
  # shellcheck disable=SC2012
  ls -1t "$dir/$1"-[0-9]*T*Z"$2" 2>/dev/null | tail -n +$((keep + 1)) | while read -r old; do
    rm -f -- "$old"
  done
  set -f
}

dump_all() {
  stamp=$(slot)
  save "$dir/globals-$stamp.sql" pg_dumpall --globals-only --no-role-passwords
  rotate globals .sql
  if ! databases=$(psql -X -At -d "${PGDATABASE:?}" -c 'SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1'); then
    echo "backup: could not list the databases" >&2
    return 0
  fi
  for db in $databases; do
    case $db in
      *[!a-z0-9_]* | [0-9]*)
        echo "backup: database '$db' not dumped: its name is not lowercase letters, digits and underscores" >&2
        continue
        ;;
    esac
    save "$dir/$db-$stamp.dump" pg_dump --format=custom --no-owner --dbname="$db"
    rotate "$db" .dump
  done
}

trap 'exit 0' TERM INT
dump_all
# a Kubernetes CronJob runs one round per schedule
if [ "${BACKUP_ONCE:-}" = 1 ]; then exit 0; fi
while true; do
  # wake at the start of the next minute
  seconds=$(date -u +%S)
  sleep $((60 - ${seconds#0})) &
  wait $!
  if due; then dump_all; fi
done
