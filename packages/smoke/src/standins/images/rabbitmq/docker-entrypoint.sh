#!/bin/bash
# Stand-in for the docker-library rabbitmq entrypoint (our own words): a rabbitmq* command started as root
# gives the data folder to rabbitmq and drops to it (gosu for the image's su-exec); the variables the image
# dropped in 3.9 stop the start with their names; long host names turn on RABBITMQ_USE_LONGNAME.
# RABBITMQ_DEFAULT_USER, _PASS and _VHOST are read by the server itself, as in the image.
set -euo pipefail
if [[ "$1" == rabbitmq* ]] && [ "$(id -u)" = 0 ]; then
  if [ "$1" = rabbitmq-server ]; then
    find /var/lib/rabbitmq \! -user rabbitmq -exec chown rabbitmq '{}' +
  fi
  exec gosu rabbitmq "${BASH_SOURCE[0]}" "$@"
fi

dropped=0
for name in RABBITMQ_DEFAULT_PASS_FILE RABBITMQ_DEFAULT_USER_FILE RABBITMQ_MANAGEMENT_SSL_CACERTFILE \
  RABBITMQ_MANAGEMENT_SSL_CERTFILE RABBITMQ_MANAGEMENT_SSL_DEPTH RABBITMQ_MANAGEMENT_SSL_FAIL_IF_NO_PEER_CERT \
  RABBITMQ_MANAGEMENT_SSL_KEYFILE RABBITMQ_MANAGEMENT_SSL_VERIFY RABBITMQ_SSL_CACERTFILE RABBITMQ_SSL_CERTFILE \
  RABBITMQ_SSL_DEPTH RABBITMQ_SSL_FAIL_IF_NO_PEER_CERT RABBITMQ_SSL_KEYFILE RABBITMQ_SSL_VERIFY \
  RABBITMQ_VM_MEMORY_HIGH_WATERMARK; do
  if [ -n "${!name:-}" ]; then
    echo >&2 "error: $name is set but no longer supported: use a configuration file"
    dropped=1
  fi
done
if [ "$dropped" = 1 ]; then exit 1; fi

if [ -z "${RABBITMQ_USE_LONGNAME:-}" ] && [ "$(hostname)" != "$(hostname -s)" ]; then
  export RABBITMQ_USE_LONGNAME=true
fi
exec "$@"
