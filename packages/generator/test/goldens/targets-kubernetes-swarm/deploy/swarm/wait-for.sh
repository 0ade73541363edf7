#!/bin/sh
# Swarm ignores depends_on: the stack starts our app containers through this script (a config mounted at
# /run/portal/wait-for.sh, run with sh). Usage: wait-for.sh [tcp:<host>:<port> | run:<command>]... -- <command>
# tcp: waits until the port accepts a connection; run: until the command exits 0 (a job's work is done).
# Gives up after WAIT_TIMEOUT seconds (default 300): the task exits and Swarm's restart policy starts it again.
# Managed by generator-portal: re-running `portal` merges its changes with your edits.
set -eu

timeout=${WAIT_TIMEOUT:-300}

# The images we wrap carry python3 or node; bash and nc are tried for any other.
port_open() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 3).close()' "$1" "$2" 2>/dev/null
  elif command -v node >/dev/null 2>&1; then
    node -e 'const s = require("net").connect(+process.argv[2], process.argv[1], () => process.exit(0)); s.on("error", () => process.exit(1)); s.setTimeout(3000, () => process.exit(1));' "$1" "$2"
  elif command -v bash >/dev/null 2>&1; then
    bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
  else
    nc -z -w 3 "$1" "$2"
  fi
}

ready() {
  case $1 in
    tcp:*)
      target=${1#tcp:}
      port_open "${target%:*}" "${target##*:}"
      ;;
    run:*)
      sh -c "${1#run:}" >/dev/null 2>&1
      ;;
    *)
      echo "wait-for.sh: unknown condition $1 (tcp:<host>:<port> or run:<command>)" >&2
      exit 2
      ;;
  esac
}

while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do
  waited=0
  until ready "$1"; do
    if [ "$waited" -ge "$timeout" ]; then
      echo "wait-for.sh: $1 not ready after ${timeout}s" >&2
      exit 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  echo "wait-for.sh: $1 ready" >&2
  shift
done
if [ "$#" -eq 0 ]; then
  echo "wait-for.sh: no -- before the command" >&2
  exit 2
fi
shift
exec "$@"
