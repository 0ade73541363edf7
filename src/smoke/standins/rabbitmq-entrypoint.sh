#!/bin/sh
# Stand-in for the rabbitmq image's entrypoint (the smoke run's own file, not generated):
# RABBITMQ_DEFAULT_USER, _PASS and _VHOST become the default user and vhost, as in the image, and
# Debian's rabbitmq-server runs as the rabbitmq user with /etc/rabbitmq/conf.d. Other commands run as given,
# as root, like the image's.
set -eu
if [ "${1:-}" != rabbitmq-server ]; then exec "$@"; fi
mkdir -p /etc/rabbitmq/conf.d /var/lib/rabbitmq
{
  if [ -n "${RABBITMQ_DEFAULT_USER:-}" ]; then echo "default_user = $RABBITMQ_DEFAULT_USER"; fi
  if [ -n "${RABBITMQ_DEFAULT_PASS:-}" ]; then echo "default_pass = $RABBITMQ_DEFAULT_PASS"; fi
  if [ -n "${RABBITMQ_DEFAULT_VHOST:-}" ]; then echo "default_vhost = $RABBITMQ_DEFAULT_VHOST"; fi
} >/etc/rabbitmq/conf.d/10-defaults.conf
chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
export HOME=/var/lib/rabbitmq RABBITMQ_CONFIG_FILES=/etc/rabbitmq/conf.d
unset RABBITMQ_DEFAULT_PASS
exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups "$@"
