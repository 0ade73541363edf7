#!/bin/sh
# The grafana image's entrypoint, here starting the stand-in (see grafana-standin), not grafana.
exec /usr/bin/python3 /usr/share/grafana/bin/grafana-standin "$@"
