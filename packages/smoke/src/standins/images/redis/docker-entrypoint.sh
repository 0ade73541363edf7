#!/bin/sh
# Stand-in for the docker-library redis entrypoint (our own words): flags or a *.conf as first argument mean
# redis-server with them; redis-server started as root gives /data to redis and drops to it with gosu;
# a umask of 0022 becomes 0077, so the dumps are private.
set -e
if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
  set -- redis-server "$@"
fi
if [ "$1" = redis-server ] && [ "$(id -u)" = 0 ]; then
  find . \! -user redis -exec chown redis '{}' +
  exec gosu redis "$0" "$@"
fi
if [ "$(umask)" = 0022 ]; then
  umask 0077
fi
exec "$@"
