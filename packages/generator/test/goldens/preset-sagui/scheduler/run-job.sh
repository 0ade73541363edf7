#!/bin/sh
# Runs $SCHEDULER_COMMAND every $SCHEDULER_INTERVAL_SECONDS in the scheduler container (managed by generator-portal).
# The first run is one interval after the start, so a restart or a deploy does not run the job again.
# Every run is logged with its exit status; /tmp/scheduler-heartbeat is touched at the start and after each
# run, and the healthcheck fails when it is older than two intervals (a hung job or a dead loop).
set -eu

job=${SCHEDULER_COMMAND:?set SCHEDULER_COMMAND in .env to the job to run}
interval=${SCHEDULER_INTERVAL_SECONDS:-3600}
heartbeat=/tmp/scheduler-heartbeat

case $interval in
  '' | *[!0-9]*)
    echo "scheduler: SCHEDULER_INTERVAL_SECONDS must be a number of seconds, not '$interval'" >&2
    exit 1
    ;;
esac

log() {
  echo "scheduler: $(date -u +%Y-%m-%dT%H:%M:%SZ) $*"
}

# docker stop ends the wait at once, between runs or during one
trap 'log "stopped"; exit 0' TERM INT
touch "$heartbeat"
log "runs '$job' every ${interval}s"
while true; do
  sleep "$interval" &
  wait $!
  log "start: $job"
  sh -c "$job" &
  if wait $!; then status=0; else status=$?; fi
  log "end: exit status $status"
  touch "$heartbeat"
done
