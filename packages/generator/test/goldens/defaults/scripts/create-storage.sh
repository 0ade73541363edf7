#!/usr/bin/env bash
# Prepares persistent storage (managed by generator-portal).
# Storage kind "volumes": docker-compose creates the named volumes on first start; this lists them.
set -Eeuo pipefail
# shellcheck source-path=SCRIPTDIR
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

select_environment
require_env_file
require_project
require_engine
project=$PROJECT
NAMES=(static media pgdata redis-data backups)
for name in "${NAMES[@]}"; do
  if docker volume inspect "${project}_$name" >/dev/null 2>&1; then
    echo "exists: ${project}_$name"
  else
    echo "created on first start: ${project}_$name"
  fi
done
