#!/bin/sh
# shellcheck disable=SC1090 # the sourced *.envsh files are the user's
# Stand-in for the nginx images' /docker-entrypoint.sh (our own words): before nginx (or nginx-debug) starts,
# the files in /docker-entrypoint.d run in version order, *.envsh sourced and *.sh executed when executable,
# others ignored; NGINX_ENTRYPOINT_QUIET_LOGS silences its messages. The stand-in ships no scripts there.
set -e
say() {
  if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then echo "$@"; fi
}
if [ "$1" = nginx ] || [ "$1" = nginx-debug ]; then
  if find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | read -r _; then
    say "$0: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
    for f in $(find /docker-entrypoint.d/ -follow -type f -print | sort -V); do
      case "$f" in
        *.envsh)
          if [ -x "$f" ]; then say "$0: Sourcing $f"; . "$f"; else say "$0: Ignoring $f, not executable"; fi ;;
        *.sh)
          if [ -x "$f" ]; then say "$0: Launching $f"; "$f"; else say "$0: Ignoring $f, not executable"; fi ;;
        *) say "$0: Ignoring $f" ;;
      esac
    done
    say "$0: Configuration complete; ready for start up"
  else
    say "$0: No files found in /docker-entrypoint.d/, skipping configuration"
  fi
fi
exec "$@"
