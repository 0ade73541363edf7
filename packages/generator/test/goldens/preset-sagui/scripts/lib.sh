#!/usr/bin/env bash
# Shared helpers of the scripts in this folder (managed by generator-portal). Sourced, not run.
# shellcheck disable=SC2034 # ENV_FILE, SECRETS_DIR, PORTAL_ENV and the guards' results are read by the scripts that source it

# run from the repository root, whatever the caller's folder
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
# the repository, links resolved: .env, instances/ and secrets/ are written only below it
REPO_DIR=$(pwd -P)

PROJECT_FILES=(-f docker-compose.yml)
ENV_FILE=.env
SECRETS_DIR=secrets
# the instance's name, empty for dev and prod; backups of each instance go to their own folder
INSTANCE=
PORTAL_INSTANCE=${PORTAL_INSTANCE:-}

# deployments: name:domain; dev and prod are the main ones (.env, secrets/)
INSTANCES=(dev:localhost prod:sagui.localhost)

# the instance whose name or domain is $1; fails for an unknown one
instance_named() {
  local pair
  for pair in "${INSTANCES[@]}"; do
    if [ "$1" = "${pair%%:*}" ] || [ "$1" = "${pair#*:}" ]; then
      printf '%s' "${pair%%:*}"
      return 0
    fi
  done
  return 1
}

# picks the compose files, env file and secrets folder: PORTAL_INSTANCE names a deployment
# by name or domain and wins over PORTAL_ENV; otherwise PORTAL_ENV (dev or prod) picks the override file
select_environment() {
  if [ -n "$PORTAL_INSTANCE" ]; then
    local instance
    if ! instance=$(instance_named "$PORTAL_INSTANCE"); then
      echo "unknown instance '$PORTAL_INSTANCE': use one of ${INSTANCES[*]} (name or domain)" >&2
      exit 2
    fi
    case "$instance" in
      dev | prod) PORTAL_ENV=$instance ;;
      *)
        PORTAL_ENV=prod
        INSTANCE=$instance
        ENV_FILE=instances/$instance.env
        SECRETS_DIR=secrets/$instance
        PROJECT_FILES=(-f docker-compose.yml -f docker-compose.prod.yml -f "instances/$instance.yml")
        return
        ;;
    esac
  fi
  PORTAL_ENV=${PORTAL_ENV:-dev}
  case "$PORTAL_ENV" in
    dev) PROJECT_FILES=(-f docker-compose.yml -f docker-compose.override.yml) ;;
    prod) PROJECT_FILES=(-f docker-compose.yml -f docker-compose.prod.yml) ;;
    *)
      echo "unknown PORTAL_ENV '$PORTAL_ENV': use dev or prod" >&2
      exit 2
      ;;
  esac
}

# Before a script talks to the engine it checks, once, that the engine answers (require_engine) and that a
# compose tool is there (require_compose): otherwise docker-compose prints a page of traceback, or a
# command substitution fails under set -e and the script stops without a word. One line, exit 1.
engine_down() {
  echo "$*" >&2
  exit 1
}

require_engine() {
  local said host socket
  command -v docker >/dev/null 2>&1 || engine_down "docker is not installed: install Docker Engine (https://docs.docker.com/engine/install/), then run $0 again"
  # the CLI names the address it tried (DOCKER_HOST, the current context, or the default socket)
  said=$(docker version --format '{{.Server.Version}}' 2>&1 >/dev/null) && return 0
  host=$(sed -nE 's|^[^:]* at ([a-z]+://[^ ]*[^ .:]).*|\1|p' <<<"$said" | head -n 1)
  host=${host:-${DOCKER_HOST:-the default socket}}
  socket=${XDG_RUNTIME_DIR:-/run/user/$(id -u)}/docker.sock
  case "$said" in
    *"permission denied"*)
      engine_down "no permission on the Docker socket $host: add your user to the docker group (sudo usermod -aG docker \$USER, then log in again) or run as root" ;;
    *"Cannot connect to the Docker daemon"* | *"Is the docker daemon running"*)
      if [ -z "${DOCKER_HOST:-}" ] && [ -S "$socket" ]; then
        engine_down "the Docker engine is not running at $host, but a rootless one listens at $socket: export DOCKER_HOST=unix://$socket"
      fi
      engine_down "the Docker engine is not running at $host: start it (sudo systemctl start docker; rootless: systemctl --user start docker), or set DOCKER_HOST to where it listens" ;;
    *) engine_down "docker cannot reach the engine at $host: $(head -n 1 <<<"$said")" ;;
  esac
}

# docker compose v2 when present, else docker-compose v1: chosen by require_compose
COMPOSE=()
require_compose() {
  if docker compose version >/dev/null 2>&1; then
    COMPOSE=(docker compose)
  elif command -v docker-compose >/dev/null 2>&1; then
    COMPOSE=(docker-compose)
  else
    engine_down "docker compose is missing (neither the docker compose plugin nor docker-compose): install the Compose plugin (docker-compose-plugin, from Docker's apt repository) or docker-compose"
  fi
}

compose() {
  if [ "${#COMPOSE[@]}" -eq 0 ]; then require_compose; fi
  "${COMPOSE[@]}" --env-file "$ENV_FILE" "${PROJECT_FILES[@]}" "$@"
}

# value of NAME in the environment's env file (empty when absent)
env_value() {
  local line
  line=$(grep -E "^$1=" "$ENV_FILE" 2>/dev/null | tail -n 1) || true
  printf '%s' "${line#*=}"
}

require_env_file() {
  if [ ! -f "$ENV_FILE" ]; then
    echo "$ENV_FILE is missing: run ${INSTANCE:+PORTAL_INSTANCE=$INSTANCE }scripts/create-secrets.sh first" >&2
    exit 1
  fi
}

confirm() {
  local answer
  if [ "${ASSUME_YES:-0}" = 1 ]; then return 0; fi
  read -r -p "$1 [y/N] " answer
  [ "$answer" = y ] || [ "$answer" = Y ]
}

# Guards. A script that deletes or overwrites checks its target with these first: a refusal is one line
# on stderr naming the variable or path and the fix, exit 2, before anything is changed.
refuse() {
  echo "$*" >&2
  exit 2
}

# true when PATH lies strictly below ROOT, both resolved (links of their existing part followed)
is_inside() {
  local path root
  path=$(realpath -m -- "$1")
  root=$(realpath -m -- "$2")
  [ "$root" != / ] && [[ "$path" == "$root"/?* ]]
}

# refuses a ROOT (NAME says where it comes from) that is empty, relative, / or holds a .. component
check_root() {
  local name=$1 value=$2 fix=$3
  case "$value" in
    '') refuse "$name is missing or empty: $fix" ;;
    /*) ;;
    *) refuse "$name is '$value', a relative path: $fix" ;;
  esac
  case "$value/" in
    */../*) refuse "$name is '$value', which holds ..: $fix" ;;
  esac
  if [ "$(realpath -m -- "$value")" = / ]; then refuse "$name is '$value', which is /: $fix"; fi
}

# refuses PATH unless it lies strictly below ROOT (NAME tells the user which root, FIX what to do): a
# link that leads elsewhere is caught here, since the path is resolved first
require_inside() {
  local path=$1 root=$2 name=$3 fix=${4:-"remove the link that leads there, or fix $3"}
  check_root "$name" "$root" "$fix"
  if ! is_inside "$path" "$root"; then
    refuse "$path resolves to $(realpath -m -- "$path"), outside $name ($(realpath -m -- "$root")): $fix"
  fi
}

# refuses PATH unless it lies in the repository: .env, instances/ and secrets/ are written only there
require_in_repo() {
  require_inside "$1" "$REPO_DIR" "the repository" "replace the link with a file or folder of its own"
}

# COMPOSE_PROJECT_NAME of the env file (volume names, the data root's mark); sets PROJECT. docker-compose
# takes an exported value over the file's, so one that differs is refused.
require_project() {
  PROJECT=$(env_value COMPOSE_PROJECT_NAME)
  if [[ ! "$PROJECT" =~ ^[a-z0-9][a-z0-9_-]*$ ]]; then
    refuse "COMPOSE_PROJECT_NAME in $ENV_FILE is missing or not a project name ('$PROJECT'): set it to lowercase letters, digits, - and _ as in ${ENV_FILE%.env}.env.example"
  fi
  if [ -n "${COMPOSE_PROJECT_NAME+set}" ] && [ "$COMPOSE_PROJECT_NAME" != "$PROJECT" ]; then
    refuse "COMPOSE_PROJECT_NAME is '$COMPOSE_PROJECT_NAME' in your shell but '$PROJECT' in $ENV_FILE: docker-compose would take the shell's; unset COMPOSE_PROJECT_NAME"
  fi
}

# where backups go: BACKUP_DIR from the shell, else from the env file, else backups/ in the repository;
# an instance's go to its own folder below. Sets BACKUP_ROOT and BACKUP_DEST (resolved).
require_backup_dir() {
  local value where
  if [ -n "${BACKUP_DIR+set}" ]; then
    value=$BACKUP_DIR
    where="BACKUP_DIR in your shell"
  elif grep -qE '^BACKUP_DIR=' "$ENV_FILE" 2>/dev/null; then
    value=$(env_value BACKUP_DIR)
    where="BACKUP_DIR in $ENV_FILE"
  else
    value=$REPO_DIR/backups
    where="the default BACKUP_DIR"
  fi
  check_root "$where" "$value" "set BACKUP_DIR to an absolute folder, or unset it for backups/ in the repository"
  BACKUP_ROOT=$(realpath -m -- "$value")
  BACKUP_DEST=$BACKUP_ROOT${INSTANCE:+/$INSTANCE}
}

# refuses NAME unless it is one of the following words (storage items, services): never a path
require_known() {
  local what=$1 name=$2 known
  shift 2
  for known in "$@"; do
    if [ "$known" = "$name" ]; then return 0; fi
  done
  refuse "unknown $what '$name': use one of: ${*:-none}"
}
