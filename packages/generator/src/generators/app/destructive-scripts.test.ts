/**
 * Every generated script that deletes or overwrites, run against a missing and a hostile environment in a
 * private mount namespace: tmpfs over /media, /mnt, /srv, /var/backups, /opt and /tmp, the rest of the
 * disk read-only (for this namespace only), canary files in each and in the repository's parent. The
 * stand-in docker runs each `docker run` on the host with its mounts mapped to the real host paths, so a
 * `find /data -delete` it is given reaches the folder named on the command line: only the scripts' guards
 * keep the canaries. Each refusal must exit non-zero with one line on stderr naming the culprit, every
 * canary byte-identical (owner and mode too), and no docker call made. The legitimate paths run in the
 * same setting and must still work.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../../testing/generate.js';

/**
 * `docker`: `run --rm -v SRC:DST... IMAGE CMD...` runs CMD on the host, each mount target in its arguments
 * replaced by the host folder (a named volume is a folder under STANDIN_VOLUMES, a path is the host's own,
 * as docker binds it); `volume inspect/create` on those folders; compose v2 and containers are absent.
 */
const FAKE_DOCKER = String.raw`#!/usr/bin/env python3
import os, re, subprocess, sys
args = sys.argv[1:]
if args[:1] == ['version']:  # lib.sh's check that the engine answers
    sys.exit(0)
with open(os.environ['STANDIN_LOG'], 'a') as log:
    log.write('docker ' + ' '.join(args) + '\n')
volumes = os.environ['STANDIN_VOLUMES']
if args[:2] in (['compose', 'version'], ['container', 'inspect']):
    sys.exit(1)
if args[:2] == ['volume', 'inspect']:
    sys.exit(0 if os.path.isdir(os.path.join(volumes, args[2])) else 1)
if args[:2] == ['volume', 'create']:
    os.makedirs(os.path.join(volumes, args[2]), exist_ok=True)
    sys.exit(0)
assert args[0] == 'run', args
args = args[1:]
mounts = {}
while args and args[0].startswith('-'):
    flag = args.pop(0)
    if flag in ('-v', '--volume'):
        source, target = args.pop(0).split(':')[:2]
        host = source if source.startswith('/') else os.path.join(volumes, source)
        os.makedirs(host, exist_ok=True)
        mounts[target] = host
    elif flag != '--rm':
        sys.exit('stand-in docker: unexpected ' + flag)
args = args[1:]
def mapped(text):
    for target in sorted(mounts, key=len, reverse=True):
        text = re.sub(r'(?<![\w./-])' + re.escape(target) + r'(?=/|$|[\s"\';&|)])', lambda m: mounts[target], text)
    return text
sys.exit(subprocess.run([mapped(a) for a in args]).returncode)
`;

/** `docker-compose`: records its arguments; a dump prints a few bytes, anything else reads its input. */
const FAKE_COMPOSE = `#!/bin/sh
echo "docker-compose $*" >>"$STANDIN_LOG"
case "$*" in
  *pg_dump*) echo PGDUMP ;;
  *mongodump*) echo MONGODUMP ;;
  *" ps"*) ;;
  *) [ -t 0 ] || cat >/dev/null ;;
esac
`;

/**
 * Runs inside `unshare -m --propagation private` as root. KIND picks the legitimate preparation (storage
 * made by create-storage.sh, a canary in the media item); SETUP then spoils the environment, CMD runs, and
 * the lines printed tell the status, the output, docker's calls and each canary before and after.
 */
const RUNNER = `set -euo pipefail
for d in /srv /media /mnt /var/backups /opt; do mount -t tmpfs -o mode=755 tmpfs "$d"; done
work=/srv/work
mkdir -p "$work"
cp -a "$REPO_SRC" "$work/repo"
cp -a "$BIN_SRC" "$work/bin"
mount -t tmpfs -o mode=1777 tmpfs /tmp
# whatever a broken guard reaches beyond these folders is read-only, in this namespace only
mount -o remount,bind,ro /
export PATH="$work/bin:$PATH" STANDIN_LOG=$work/calls STANDIN_VOLUMES=$work/volumes
mkdir -p "$STANDIN_VOLUMES"
CANARIES=()
canary() { mkdir -p "$(dirname "$1")"; printf 'canary %s\\n' "$1" >"$1"; CANARIES+=("$1"); }
state() {
  if [ -e "$1" ]; then
    echo "$(sha256sum <"$1" | cut -c1-16) $(stat -c '%a:%u:%g' "$1") in $(stat -c '%a:%u:%g' "$(dirname "$1")")"
  else
    echo missing
  fi
}
set_env() {
  local file=\${3:-.env}
  if grep -q "^$1=" "$file"; then sed -i "s|^$1=.*|$1=$2|" "$file"; else echo "$1=$2" >>"$file"; fi
}
drop_env() { sed -i "/^$1=/d" "\${2:-.env}"; }
# an archive with one harmless member and one that would land outside: ../, absolute or through a link
evil_archive() {
  python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
out, kind = sys.argv[1], sys.argv[2]
with tarfile.open(out, 'w:gz') as archive:
    def add(name, kind=tarfile.REGTYPE, link=''):
        info = tarfile.TarInfo(name)
        info.type, info.linkname = kind, link
        data = b'evil\\n' if kind == tarfile.REGTYPE else b''
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    add('./ok.txt')
    if kind == 'dotdot': add('../../../media/canary')
    if kind == 'absolute': add('/media/canary')
    if kind == 'symlink': add('./link', tarfile.SYMTYPE, '/media'); add('./link/canary')
    if kind == 'hardlink': add('./hard', tarfile.LNKTYPE, '../../../media/canary')
PY
}
for d in /media /media/media /mnt /srv /srv/work /var/backups /opt; do canary "$d/canary"; done
mkdir -p "$work/in/sub"
echo new >"$work/in/new.txt"
echo nested >"$work/in/sub/nested.txt"
tar -czf "$work/media.tgz" -C "$work/in" .
cd "$work/repo"
case "$KIND" in
  bind)
    bash scripts/create-storage.sh >/dev/null
    canary /mnt/data/x/media/keep
    ;;
  hp)
    bash scripts/create-storage.sh >/dev/null
    PORTAL_INSTANCE=staging bash scripts/create-storage.sh >/dev/null
    canary /mnt/data/media/keep
    canary /mnt/data/instances/staging/media/keep
    ;;
  vol) canary "$STANDIN_VOLUMES/$(sed -n 's/^COMPOSE_PROJECT_NAME=//p' .env)_media/keep" ;;
esac
: >"$STANDIN_LOG"
eval "$SETUP"
before=()
for c in "\${CANARIES[@]}"; do before+=("$(state "$c")"); done
set +e
(eval "$CMD") >"$work/out" 2>"$work/err" </dev/null
status=$?
set -e
echo "status $status"
echo "stdout $(base64 -w0 <"$work/out")"
echo "stderr $(base64 -w0 <"$work/err")"
echo "calls $(grep -v '^docker compose version$' "$STANDIN_LOG" | base64 -w0)"
for i in "\${!CANARIES[@]}"; do echo "canary \${CANARIES[$i]}|\${before[$i]}|$(state "\${CANARIES[$i]}")"; done
for p in $ABSENT; do if [ -e "$p" ] || [ -L "$p" ]; then echo "present $p"; fi; done
eval "\${FACTS:-}" | sed 's/^/fact /'
`;

type Kind = 'bind' | 'vol' | 'hp';

interface Case {
  readonly kind: Kind;
  readonly name: string;
  readonly setup?: string;
  readonly cmd: string;
  /** Default: a refusal, exit 2 (or 1 where noted), one line on stderr matching this. */
  readonly stderr?: RegExp;
  readonly status?: number;
  /** Paths that must not exist afterwards. */
  readonly absent?: readonly string[];
  /** A legitimate run: exit 0; these canaries may go (the item replaced), the rest must stay. */
  readonly replaced?: readonly string[];
  readonly facts?: string;
  readonly factsMatch?: readonly RegExp[];
  readonly stdout?: RegExp;
}

interface Outcome {
  status: number;
  stdout: string;
  stderr: string;
  calls: string;
  canaries: { path: string; before: string; after: string }[];
  facts: string[];
  present: string[];
}

const decode = (text: string) => Buffer.from(text, 'base64').toString('utf8');

function parse(output: string): Outcome {
  const outcome: Outcome = { status: -1, stdout: '', stderr: '', calls: '', canaries: [], facts: [], present: [] };
  for (const line of output.split('\n')) {
    const [key, ...rest] = line.split(' ');
    const value = rest.join(' ');
    if (key === 'status') outcome.status = Number(value);
    else if (key === 'stdout' || key === 'stderr' || key === 'calls') outcome[key] = decode(value);
    else if (key === 'canary') {
      const [path, before, after] = value.split('|');
      outcome.canaries.push({ path: path!, before: before!, after: after! });
    } else if (key === 'fact') outcome.facts.push(value);
    else if (key === 'present') outcome.present.push(value);
  }
  return outcome;
}

const ALL = 'postgis,redis,celery,rabbitmq,tileserver,varnish,nginx,traefik,prometheus,grafana,backup,pgbouncer,mongodb';
// nginx terminates TLS without traefik: create-secrets.sh then writes a certificate
const ALL_BUT_TRAEFIK = ALL.replace('traefik,', '');
const OUTER = ['/media/canary', '/media/media/canary', '/mnt/canary', '/srv/canary', '/srv/work/canary', '/var/backups/canary', '/opt/canary'];

/** The variants of a missing or hostile DATA_ROOT, each for every bind-storage script below. */
const DATA_ROOT_VARIANTS: { name: string; setup: string; stderr: RegExp; status?: number }[] = [
  { name: 'no .env', setup: 'rm .env', stderr: /^\.env is missing: run scripts\/create-secrets\.sh first$/, status: 1 },
  { name: '.env without DATA_ROOT', setup: 'drop_env DATA_ROOT', stderr: /^DATA_ROOT in \.env is missing or empty: set it to the absolute folder/ },
  { name: 'an empty DATA_ROOT', setup: 'set_env DATA_ROOT ""', stderr: /^DATA_ROOT in \.env is missing or empty: / },
  { name: 'DATA_ROOT=/', setup: 'set_env DATA_ROOT /', stderr: /^DATA_ROOT in \.env is '\/', which is \/: / },
  {
    name: 'DATA_ROOT=/media',
    setup: 'set_env DATA_ROOT /media',
    stderr: /^DATA_ROOT \/media \(\.env\) (is not marked as the data of portal|holds 'canary', which is no storage item of portal)/,
  },
  { name: 'a relative DATA_ROOT', setup: 'set_env DATA_ROOT mnt/data/x', stderr: /^DATA_ROOT in \.env is 'mnt\/data\/x', a relative path: / },
  {
    name: 'DATA_ROOT with ..',
    setup: 'set_env DATA_ROOT /mnt/data/x/../../../media',
    stderr: /^DATA_ROOT in \.env is '\/mnt\/data\/x\/\.\.\/\.\.\/\.\.\/media', which holds \.\.: /,
  },
  {
    name: 'the media folder a link to /media',
    setup: 'rm -rf /mnt/data/x/media && ln -s /media /mnt/data/x/media',
    stderr: /^\/mnt\/data\/x\/media resolves to \/media, outside DATA_ROOT \(\/mnt\/data\/x\): remove the link/,
  },
  {
    name: 'the data root a link to /media',
    setup: 'mv /mnt/data/x /mnt/data/x.real && ln -s /media /mnt/data/x',
    stderr: /^DATA_ROOT \/media \(\.env\) (is not marked as the data of portal|holds 'canary')/,
  },
  {
    name: 'another DATA_ROOT exported',
    setup: 'export DATA_ROOT=/media',
    stderr: /^DATA_ROOT is '\/media' in your shell but '\/mnt\/data\/x' in \.env: docker-compose would take the shell's; unset DATA_ROOT$/,
  },
  {
    name: 'a data root marked by another project',
    setup: 'echo other >/mnt/data/x/.portal-data-root',
    stderr: /^DATA_ROOT \/mnt\/data\/x \(\.env\) (is not marked as the data of portal|holds the data of other)/,
  },
  {
    name: '.env without COMPOSE_PROJECT_NAME',
    setup: 'drop_env COMPOSE_PROJECT_NAME',
    stderr: /^COMPOSE_PROJECT_NAME in \.env is missing or not a project name \(''\)/,
  },
];

const BIND_COMMANDS: Record<string, string> = {
  'restore.sh files': 'bash scripts/restore.sh files media /srv/work/media.tgz --yes',
  'backup.sh': 'bash scripts/backup.sh',
  'migrate-storage.sh': 'bash scripts/migrate-storage.sh /srv/work/in media --yes',
  'create-storage.sh': 'bash scripts/create-storage.sh',
  'restart.sh up': 'bash scripts/restart.sh up',
  'apply-secrets.sh': 'bash scripts/apply-secrets.sh db',
};

/** The same for a missing or hostile project name, with volumes storage. */
const PROJECT_VARIANTS: { name: string; setup: string; stderr: RegExp; status?: number }[] = [
  { name: 'no .env', setup: 'rm .env', stderr: /^\.env is missing: run scripts\/create-secrets\.sh first$/, status: 1 },
  {
    name: '.env without COMPOSE_PROJECT_NAME',
    setup: 'drop_env COMPOSE_PROJECT_NAME',
    stderr: /^COMPOSE_PROJECT_NAME in \.env is missing or not a project name \(''\)/,
  },
  {
    name: 'COMPOSE_PROJECT_NAME=/media',
    setup: 'set_env COMPOSE_PROJECT_NAME /media',
    stderr: /^COMPOSE_PROJECT_NAME in \.env is missing or not a project name \('\/media'\)/,
  },
  {
    name: 'COMPOSE_PROJECT_NAME=../../media',
    setup: 'set_env COMPOSE_PROJECT_NAME ../../media',
    stderr: /^COMPOSE_PROJECT_NAME in \.env is missing or not a project name \('\.\.\/\.\.\/media'\)/,
  },
  {
    name: 'another COMPOSE_PROJECT_NAME exported',
    setup: 'export COMPOSE_PROJECT_NAME=other',
    stderr: /^COMPOSE_PROJECT_NAME is 'other' in your shell but 'portal' in \.env: docker-compose would take the shell's/,
  },
];

const VOLUME_COMMANDS: Record<string, string> = {
  'restore.sh files': 'bash scripts/restore.sh files media /srv/work/media.tgz --yes',
  'backup.sh': 'bash scripts/backup.sh',
  'migrate-storage.sh': 'bash scripts/migrate-storage.sh /srv/work/in media --yes',
  'restart.sh up': 'bash scripts/restart.sh up',
};

const ARCHIVES: { kind: string; label: string; stderr: RegExp }[] = [
  {
    kind: 'dotdot',
    label: 'a ../ member',
    stderr: /^\/srv\/work\/evil\.tgz holds the member '\.\.\/\.\.\/\.\.\/media\/canary', absolute or with \.\.: not restored/,
  },
  { kind: 'absolute', label: 'an absolute member', stderr: /^\/srv\/work\/evil\.tgz holds the member '\/media\/canary', absolute or with \.\.: not restored/ },
  {
    kind: 'symlink',
    label: 'a symbolic link out',
    stderr: /^\/srv\/work\/evil\.tgz holds a link out of the storage item \(\.\/link -> \/media\): not restored$/,
  },
  {
    kind: 'hardlink',
    label: 'a hard link out',
    stderr: /^\/srv\/work\/evil\.tgz holds a link out of the storage item \(\.\/hard link to \.\.\/\.\.\/\.\.\/media\/canary\): not restored$/,
  },
];

const ITEM_NAMES = ['../../media', '/media', 'media/../../../media', 'pgdata'];
const BACKUP_VARIANTS: { name: string; setup: string; stderr: RegExp }[] = [
  {
    name: 'BACKUP_DIR=/ exported',
    setup: 'export BACKUP_DIR=/',
    stderr: /^BACKUP_DIR in your shell is '\/', which is \/: set BACKUP_DIR to an absolute folder/,
  },
  { name: 'BACKUP_DIR=/ in .env', setup: 'set_env BACKUP_DIR /', stderr: /^BACKUP_DIR in \.env is '\/', which is \/: / },
  { name: 'an empty BACKUP_DIR exported', setup: 'export BACKUP_DIR=', stderr: /^BACKUP_DIR in your shell is missing or empty: / },
  { name: 'an empty BACKUP_DIR in .env', setup: 'set_env BACKUP_DIR ""', stderr: /^BACKUP_DIR in \.env is missing or empty: / },
  { name: 'a relative BACKUP_DIR', setup: 'export BACKUP_DIR=../../media', stderr: /^BACKUP_DIR in your shell is '\.\.\/\.\.\/media', a relative path: / },
  {
    name: 'BACKUP_DIR with ..',
    setup: 'export BACKUP_DIR=/srv/work/repo/../../../media',
    stderr: /^BACKUP_DIR in your shell is '\/srv\/work\/repo\/\.\.\/\.\.\/\.\.\/media', which holds \.\.: /,
  },
  {
    name: 'backups/files a link to /media',
    setup: 'mkdir -p backups && ln -s /media backups/files',
    stderr: /^\/srv\/work\/repo\/backups\/files resolves to \/media, outside BACKUP_DIR \(\/srv\/work\/repo\/backups\)/,
  },
  { name: 'BACKUP_KEEP=0', setup: 'set_env BACKUP_KEEP 0', stderr: /^BACKUP_KEEP is '0': set a number of backups to keep, 1 or more$/ },
  { name: 'BACKUP_KEEP not a number', setup: 'export BACKUP_KEEP="1; rm -rf /media"', stderr: /^BACKUP_KEEP is '1; rm -rf \/media': / },
  {
    name: 'POSTGRES_DB a path',
    setup: 'set_env POSTGRES_DB ../../../media/x',
    stderr: /^POSTGRES_DB in \.env is '\.\.\/\.\.\/\.\.\/media\/x': set the database name/,
  },
];

const CASES: Case[] = [
  ...Object.entries(BIND_COMMANDS).flatMap(([script, cmd]) =>
    DATA_ROOT_VARIANTS.map(v => ({
      kind: 'bind' as const,
      name: `${script} with ${v.name}`,
      setup: v.setup,
      cmd,
      stderr: v.stderr,
      ...(v.status ? { status: v.status } : {}),
    })),
  ),
  ...Object.entries(VOLUME_COMMANDS).flatMap(([script, cmd]) =>
    PROJECT_VARIANTS.map(v => ({
      kind: 'vol' as const,
      name: `${script} (volumes) with ${v.name}`,
      setup: v.setup,
      cmd,
      stderr: v.stderr,
      ...(v.status ? { status: v.status } : {}),
    })),
  ),
  ...(['bind', 'vol'] as const).flatMap(kind => [
    ...ITEM_NAMES.map(item => ({
      kind,
      name: `restore.sh files (${kind}) refuses the item name ${item}`,
      cmd: `bash scripts/restore.sh files '${item}' /srv/work/media.tgz --yes`,
      stderr: new RegExp(`^unknown storage item '${item.replace(/[./]/g, c => `\\${c}`)}': use one of: media `),
    })),
    ...ARCHIVES.map(a => ({
      kind,
      name: `restore.sh files (${kind}) refuses an archive with ${a.label}`,
      setup: `evil_archive /srv/work/evil.tgz ${a.kind}`,
      cmd: 'bash scripts/restore.sh files media /srv/work/evil.tgz --yes',
      stderr: a.stderr,
      absent: [kind === 'bind' ? '/mnt/data/x/media/ok.txt' : '/srv/work/volumes/portal_media/ok.txt'],
    })),
    ...BACKUP_VARIANTS.map(v => ({
      kind,
      name: `backup.sh (${kind}) with ${v.name}`,
      setup: v.setup,
      cmd: 'bash scripts/backup.sh',
      stderr: v.stderr,
      absent: ['/db', '/files', '/media/db', '/media/files'],
    })),
    {
      kind,
      name: `migrate-storage.sh (${kind}) refuses --path with ..`,
      cmd: 'bash scripts/migrate-storage.sh /srv/work/in media --path ../../../media --yes',
      stderr: /^--path '\.\.\/\.\.\/\.\.\/media' holds \.\.: name the folder inside SOURCE/,
    },
    ...ITEM_NAMES.slice(0, 3).map(item => ({
      kind,
      name: `migrate-storage.sh (${kind}) refuses the item name ${item}`,
      cmd: `bash scripts/migrate-storage.sh /srv/work/in '${item}' --yes`,
      stderr: new RegExp(`^unknown storage item '${item.replace(/[./]/g, c => `\\${c}`)}': use one of: static media pgdata `),
    })),
  ]),
  // the preset with an instance and old stores: --legacy, and an instance's own env file
  {
    kind: 'hp',
    name: 'migrate-storage.sh --legacy with DATA_ROOT=/',
    setup: 'set_env DATA_ROOT /',
    cmd: 'bash scripts/migrate-storage.sh --legacy --yes',
    stderr: /^DATA_ROOT in \.env is '\/', which is \/: /,
  },
  {
    kind: 'hp',
    name: 'migrate-storage.sh --legacy with the images folder a link to /media',
    setup: 'rm -rf /mnt/data/images && ln -s /media /mnt/data/images && mkdir -p /srv/work/images && echo old >/srv/work/images/old.txt',
    cmd: 'bash scripts/migrate-storage.sh --legacy --yes',
    stderr: /^\/mnt\/data\/images resolves to \/media, outside DATA_ROOT \(\/mnt\/data\)/,
    absent: ['/media/old.txt'],
  },
  {
    kind: 'hp',
    name: 'restore.sh files of an instance whose env file lacks DATA_ROOT',
    setup: 'drop_env DATA_ROOT instances/staging.env',
    cmd: 'PORTAL_INSTANCE=staging bash scripts/restore.sh files media /srv/work/media.tgz --yes',
    stderr:
      /^DATA_ROOT in instances\/staging\.env is missing or empty: set it to the absolute folder holding this deployment's data, as in instances\/staging\.env\.example$/,
  },
  {
    kind: 'hp',
    name: 'create-storage.sh of an instance whose DATA_ROOT is the main one',
    setup: 'set_env DATA_ROOT /mnt/data instances/staging.env',
    cmd: 'PORTAL_INSTANCE=staging bash scripts/create-storage.sh',
    stderr: /^DATA_ROOT \/mnt\/data \(instances\/staging\.env\) holds the data of housing-portal \(\.portal-data-root\), not of housing-portal-staging/,
  },
  {
    kind: 'hp',
    name: 'restore.sh with an instance named as a path',
    cmd: 'PORTAL_INSTANCE=../../media bash scripts/restore.sh files media /srv/work/media.tgz --yes',
    stderr: /^unknown instance '\.\.\/\.\.\/media': use one of /,
  },
  // create-secrets.sh writes .env and secrets/ only inside the repository
  {
    kind: 'vol',
    name: 'create-secrets.sh with .env a link to /media/canary',
    setup: 'rm .env && ln -s /media/canary .env',
    cmd: 'bash scripts/create-secrets.sh',
    stderr: /^\.env resolves to \/media\/canary, outside the repository \(\/srv\/work\/repo\): replace the link/,
  },
  {
    kind: 'vol',
    name: 'create-secrets.sh with secrets/ a link to /media',
    setup: 'rm -rf secrets && ln -s /media secrets',
    cmd: 'bash scripts/create-secrets.sh',
    stderr: /^secrets resolves to \/media, outside the repository/,
  },
  {
    kind: 'vol',
    name: 'create-secrets.sh with an emptied secret file a link to /media/canary',
    setup: 'rm secrets/postgres_password && ln -s /media/canary secrets/postgres_password',
    cmd: 'bash scripts/create-secrets.sh',
    stderr: /^secrets\/postgres_password resolves to \/media\/canary, outside the repository/,
  },
  {
    kind: 'vol',
    name: 'create-secrets.sh leaves a TLS_CERT_DIR outside the repository alone',
    setup: 'set_env TLS_CERT_DIR /media',
    cmd: 'bash scripts/create-secrets.sh',
    status: 0,
    stdout: /TLS_CERT_DIR \/media is outside the repository, left as it is/,
    absent: ['/media/privkey.pem', '/media/fullchain.pem'],
  },
  {
    kind: 'vol',
    name: 'create-secrets.sh leaves secrets/tls alone when it is a link to /media',
    setup: 'rm -rf secrets/tls && ln -s /media secrets/tls',
    cmd: 'bash scripts/create-secrets.sh',
    status: 0,
    stdout: /TLS_CERT_DIR \.\/secrets\/tls is outside the repository, left as it is/,
    absent: ['/media/privkey.pem', '/media/fullchain.pem'],
  },
  // restart.sh and apply-secrets.sh pass nothing destructive on to compose
  {
    kind: 'bind',
    name: 'restart.sh config refuses --output',
    cmd: 'bash scripts/restart.sh config -o /media/canary',
    stderr: /^restart\.sh config prints the configuration, it does not write it: drop -o/,
  },
  {
    kind: 'bind',
    name: 'restart.sh config refuses --output=FILE',
    cmd: 'bash scripts/restart.sh config --output=/media/canary',
    stderr: /^restart\.sh config prints the configuration, it does not write it: drop --output=\/media\/canary/,
  },
  {
    kind: 'vol',
    name: 'apply-secrets.sh refuses an option for compose up',
    cmd: 'bash scripts/apply-secrets.sh --renew-anon-volumes db',
    stderr: /^unknown service '--renew-anon-volumes': use one of: backend backup /,
  },
  { kind: 'vol', name: 'apply-secrets.sh refuses -V', cmd: 'bash scripts/apply-secrets.sh db -V', stderr: /^unknown service '-V': use one of: / },

  // the legitimate paths, in the same setting
  {
    kind: 'bind',
    name: 'restore.sh files replaces the media folder with the archive, its owner and mode kept',
    setup: 'echo old >/mnt/data/x/media/old.txt',
    cmd: 'bash scripts/restore.sh files media /srv/work/media.tgz --yes',
    status: 0,
    replaced: ['/mnt/data/x/media/keep'],
    facts: "(cd /mnt/data/x/media && find . | sort | tr '\\n' ' '; echo); stat -c '%a:%u:%g' /mnt/data/x/media",
    factsMatch: [/^\. \.\/new\.txt \.\/sub \.\/sub\/nested\.txt $/, /^755:10001:10001$/],
  },
  {
    kind: 'bind',
    name: 'backup.sh then restore.sh files bring the media folder back',
    setup: 'echo before >/mnt/data/x/media/data.txt',
    cmd: 'bash scripts/backup.sh && rm /mnt/data/x/media/data.txt && echo stray >/mnt/data/x/media/stray.txt && bash scripts/restore.sh files media backups/files/media-*.tar.gz --yes',
    status: 0,
    facts:
      "ls -A /mnt/data/x/media | tr '\\n' ' '; echo; cat /mnt/data/x/media/data.txt; ls backups/db backups/mongo | grep -c -E '^(portal-|mongo-)[0-9]{8}T[0-9]{6}Z'",
    factsMatch: [/^data\.txt keep $/, /^before$/, /^2$/],
  },
  {
    kind: 'bind',
    name: 'backup.sh rotation deletes only its own older archives',
    setup:
      'set_env BACKUP_KEEP 2; mkdir -p backups/files; for n in media-20200101T000000Z.tar.gz media-20200102T000000Z.tar.gz media-cache-20200101T000000Z.tar.gz media-notes.txt; do echo x >backups/files/$n; done',
    cmd: 'bash scripts/backup.sh',
    status: 0,
    // the archive written now is named NEW: of the two from 2020 the newer stays, the rest are not ours
    facts: "ls backups/files | grep -E '^media' | sed -E 's/-20(2[1-9]|[3-9][0-9])[0-9]{4}T[0-9]{6}Z/-NEW/' | tr '\\n' ' '",
    factsMatch: [/^media-20200102T000000Z\.tar\.gz media-NEW\.tar\.gz media-cache-20200101T000000Z\.tar\.gz media-notes\.txt $/],
  },
  {
    kind: 'bind',
    name: 'create-storage.sh adopts a data root that holds only its items and lost+found',
    setup: 'rm /mnt/data/x/.portal-data-root && mkdir /mnt/data/x/lost+found',
    cmd: 'bash scripts/create-storage.sh',
    status: 0,
    stdout: /^marked \/mnt\/data\/x as the data root of portal \(\.portal-data-root\)$/m,
    facts: 'cat /mnt/data/x/.portal-data-root',
    factsMatch: [/^portal$/],
  },
  {
    kind: 'bind',
    name: 'create-storage.sh makes and marks a new data root',
    setup: 'set_env DATA_ROOT /opt/new/data',
    cmd: 'bash scripts/create-storage.sh',
    status: 0,
    facts: "cat /opt/new/data/.portal-data-root; stat -c '%a:%u:%g' /opt/new/data/media",
    factsMatch: [/^portal$/, /^755:10001:10001$/],
  },
  {
    kind: 'hp',
    name: 'migrate-storage.sh --legacy copies the old folders into the items, owned by the app user',
    setup: 'for d in images imports drone tiles; do mkdir -p /srv/work/$d && echo $d >/srv/work/$d/$d.txt; done; mkdir -p exports && echo e >exports/e.txt',
    cmd: 'bash scripts/migrate-storage.sh --legacy --yes',
    status: 0,
    facts: "cat /mnt/data/images/images.txt; stat -c '%u' /mnt/data/tiles/tiles.txt",
    factsMatch: [/^images$/, /^10001$/],
  },
  {
    kind: 'hp',
    name: 'restore.sh files of an instance goes to its own data root',
    cmd: 'PORTAL_INSTANCE=staging bash scripts/restore.sh files media /srv/work/media.tgz --yes',
    status: 0,
    replaced: ['/mnt/data/instances/staging/media/keep'],
    facts: 'ls -A /mnt/data/instances/staging/media | tr "\\n" " "; echo; ls -A /mnt/data/media | tr "\\n" " "',
    factsMatch: [/^new\.txt sub $/, /^keep $/],
  },
  {
    kind: 'vol',
    name: 'restore.sh files (volumes) replaces the volume through docker run',
    setup: 'echo old >/srv/work/volumes/portal_media/old.txt',
    cmd: 'bash scripts/restore.sh files media /srv/work/media.tgz --yes',
    status: 0,
    replaced: ['/srv/work/volumes/portal_media/keep'],
    facts: "ls -A /srv/work/volumes/portal_media | tr '\\n' ' '",
    factsMatch: [/^new\.txt sub $/],
  },
  {
    kind: 'vol',
    name: 'backup.sh (volumes) with BACKUP_DIR=/var/backups writes only below it',
    setup: 'export BACKUP_DIR=/var/backups',
    cmd: 'bash scripts/backup.sh',
    status: 0,
    facts: "ls /var/backups | tr '\\n' ' '; echo; ls /var/backups/files | sed -E 's/[0-9]{8}T[0-9]{6}Z/STAMP/' | tr '\\n' ' '",
    factsMatch: [/^canary db files mongo $/, /(^| )media-STAMP\.tar\.gz /],
  },
];

const root = process.getuid?.() === 0 && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;

describe('destructive scripts against a missing or hostile environment', { skip: !root && 'needs root and unshare for a private mount namespace' }, () => {
  const repos: Partial<Record<Kind, string>> = {};
  let bin = '';

  before(async () => {
    repos.bind = await generate({ services: ALL, storage: 'bind', dataRoot: '/mnt/data/x' });
    repos.vol = await generate({ services: ALL_BUT_TRAEFIK });
    repos.hp = await generate({ preset: 'housing-portal', imageTag: '2.3.1' });
    bin = freshFolder('bin');
    writeFileSync(join(bin, 'docker'), FAKE_DOCKER, { mode: 0o755 });
    writeFileSync(join(bin, 'docker-compose'), FAKE_COMPOSE, { mode: 0o755 });
    // the repositories are copied into the namespace's tmpfs: keep the originals out of its reach
    for (const kind of Object.keys(repos) as Kind[]) {
      const copy = freshFolder(kind);
      cpSync(repos[kind]!, copy, { recursive: true });
      repos[kind] = copy;
    }
  });

  const run = (c: Case): Outcome => {
    const result = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', RUNNER], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: '/tmp',
        LANG: 'C.UTF-8',
        KIND: c.kind,
        REPO_SRC: repos[c.kind]!,
        BIN_SRC: bin,
        SETUP: c.setup ?? ':',
        CMD: c.cmd,
        FACTS: c.facts ?? '',
        ABSENT: (c.absent ?? []).join(' '),
      },
    });
    assert.equal(result.status, 0, `the namespace runner failed: ${result.stderr}`);
    return parse(result.stdout);
  };

  for (const c of CASES) {
    it(c.name, () => {
      const outcome = run(c);
      const context = `stdout: ${outcome.stdout}\nstderr: ${outcome.stderr}\ncalls: ${outcome.calls}`;
      for (const path of OUTER)
        assert.ok(
          outcome.canaries.some(k => k.path === path && k.before !== 'missing'),
          `canary ${path} was not set up`,
        );
      for (const canary of outcome.canaries) {
        if (c.replaced?.includes(canary.path)) continue;
        assert.equal(canary.after, canary.before, `canary ${canary.path} changed\n${context}`);
      }
      assert.deepEqual(outcome.present, [], `must not exist afterwards\n${context}`);
      if (c.status === 0) {
        assert.equal(outcome.status, 0, context);
        if (c.stdout) assert.match(outcome.stdout, c.stdout);
        assert.deepEqual(outcome.facts.length, c.factsMatch?.length ?? 0, context + `\nfacts: ${outcome.facts.join('\n')}`);
        c.factsMatch?.forEach((pattern, i) => assert.match(outcome.facts[i]!, pattern, context));
        return;
      }
      assert.equal(outcome.status, c.status ?? 2, context);
      const lines = outcome.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, `one line on stderr, not:\n${outcome.stderr}`);
      assert.match(lines[0]!, c.stderr!);
      // refused before docker was asked for anything
      assert.equal(outcome.calls, '', context);
    });
  }
});
