#!/bin/sh
# Stand-in for the node image's entrypoint (our own words): flags, a first word that is no command, or a
# file that is not executable (a script's name) mean `node` with those arguments.
set -e
if [ "${1#-}" != "$1" ] || [ -z "$(command -v "$1")" ] || { [ -f "$1" ] && ! [ -x "$1" ]; }; then
  set -- node "$@"
fi
exec "$@"
