/** The generated scripts, run for real against a stand-in docker-compose that only records its arguments. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../../testing/generate.js';

let repo = '';
let fakeBin = '';
const script = (name: string, env: Record<string, string> = {}, args: string[] = []) =>
  spawnSync('bash', [join(repo, 'scripts', name), ...args], {
    cwd: '/',
    encoding: 'utf8',
    env: { ...process.env, PATH: `${fakeBin}:${process.env.PATH}`, ...env },
  });

describe('generated scripts', () => {
  before(async () => {
    repo = await generate({ services: 'postgis,redis,nginx,backup' });
    fakeBin = freshFolder('bin');
    // `docker compose` must look absent, so the scripts fall back to this docker-compose
    writeFileSync(
      join(fakeBin, 'docker'),
      '#!/bin/sh\n# the engine answers (lib.sh asks `docker version`); no compose plugin\n[ "$1" = version ] && exit 0\nexit 1\n',
    );
    writeFileSync(join(fakeBin, 'docker-compose'), '#!/bin/sh\necho "docker-compose $*"\n');
    for (const tool of ['docker', 'docker-compose']) chmodSync(join(fakeBin, tool), 0o755);
  });

  it('create-secrets.sh rebuilds .env and secrets/ on a fresh clone, and keeps them on a second run', () => {
    rmSync(join(repo, '.env'));
    rmSync(join(repo, 'secrets'), { recursive: true });
    const first = script('create-secrets.sh');
    assert.equal(first.status, 0, first.stderr);
    const env = readFileSync(join(repo, '.env'), 'utf8');
    const password = /^POSTGRES_PASSWORD=([A-Za-z0-9]{32})$/m.exec(env)?.[1];
    assert.ok(password, env);
    assert.equal(readFileSync(join(repo, 'secrets/postgres_password'), 'utf8'), password);
    assert.equal(statSync(join(repo, '.env')).mode & 0o777, 0o600);
    assert.equal(statSync(join(repo, 'secrets')).mode & 0o777, 0o700);
    // nginx (uid 101) reads the key through a bind mount; secrets/ (0700) keeps others out on the host
    assert.equal(statSync(join(repo, 'secrets/tls/privkey.pem')).mode & 0o777, 0o644);
    assert.equal(script('create-secrets.sh').status, 0);
    assert.equal(readFileSync(join(repo, '.env'), 'utf8'), env);
  });

  it('restart.sh picks the compose files from PORTAL_ENV and refuses an unknown one', () => {
    assert.match(script('restart.sh').stdout, /-f docker-compose\.yml -f docker-compose\.override\.yml up -d --build --remove-orphans/);
    assert.match(script('restart.sh', { PORTAL_ENV: 'prod' }).stdout, /-f docker-compose\.yml -f docker-compose\.prod\.yml up -d/);
    const unknown = script('restart.sh', { PORTAL_ENV: 'staging' });
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown PORTAL_ENV 'staging'/);
  });

  it('restart.sh restarts the proxies only when `up` recreated an upstream (they resolve addresses once)', () => {
    // a docker-compose whose `ps -q` prints an id that `up` changes when RECREATE is set
    const bin = freshFolder('bin');
    const state = join(bin, 'id');
    writeFileSync(state, '1\n');
    writeFileSync(
      join(bin, 'docker'),
      '#!/bin/sh\n# the engine answers (lib.sh asks `docker version`); no compose plugin\n[ "$1" = version ] && exit 0\nexit 1\n',
    );
    writeFileSync(
      join(bin, 'docker-compose'),
      [
        '#!/bin/sh',
        `case "$*" in *" up "*) [ -n "$RECREATE" ] && echo $(( $(cat ${state}) + 1 )) > ${state};; esac`,
        `case "$*" in *" ps -q "*) cat ${state}; exit 0;; esac`,
        'echo "docker-compose $*"',
      ].join('\n'),
    );
    for (const tool of ['docker', 'docker-compose']) chmodSync(join(bin, tool), 0o755);
    const run = (env: Record<string, string>) =>
      spawnSync('bash', [join(repo, 'scripts', 'restart.sh')], {
        cwd: '/',
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...env },
      });
    const unchanged = run({});
    assert.equal(unchanged.status, 0, unchanged.stderr);
    assert.doesNotMatch(unchanged.stdout, / restart /);
    assert.match(run({ RECREATE: '1' }).stdout, / restart nginx\n/);
  });

  it('restart.sh refuses to start prod with a weak or well-known secret', () => {
    const file = join(repo, 'secrets/redis_password');
    const real = readFileSync(file, 'utf8');
    writeFileSync(file, 'changeme');
    const result = script('restart.sh', { PORTAL_ENV: 'prod' });
    writeFileSync(file, real);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /secrets\/redis_password is missing, too short or a placeholder/);
    assert.doesNotMatch(result.stdout, /up -d/);
  });

  it(
    'create-storage.sh makes bind folders owned by their container user, shared ones readable by nginx',
    { skip: process.getuid?.() !== 0 && 'chown needs root' },
    async () => {
      const dataRoot = freshFolder('data');
      const bindRepo = await generate({ services: 'postgis,nginx', storage: 'bind', dataRoot });
      const result = spawnSync('bash', [join(bindRepo, 'scripts/create-storage.sh')], { encoding: 'utf8' });
      assert.equal(result.status, 0, result.stderr);
      const pgdata = statSync(join(dataRoot, 'pgdata'));
      assert.deepEqual([pgdata.uid, pgdata.mode & 0o777], [999, 0o750]);
      // nginx (uid 101) serves static files written by the backend (uid 10001)
      const media = statSync(join(dataRoot, 'media'));
      assert.deepEqual([media.uid, media.gid, media.mode & 0o777], [10001, 10001, 0o755]);
    },
  );

  it('postgres/initdb/02-roles.sh stops before creating a role when its password secret is unreadable', async () => {
    const withRoles = await generate({ services: 'postgis,tileserver,prometheus' });
    const bin = freshFolder('bin');
    writeFileSync(join(bin, 'psql'), '#!/bin/sh\ncat >/dev/null\necho "psql $*"\n', { mode: 0o755 });
    const secret = join(bin, 'secret');
    writeFileSync(secret, 'tile-password');
    const run = (tileserverFile: string) =>
      spawnSync('bash', [join(withRoles, 'postgres/initdb/02-roles.sh')], {
        encoding: 'utf8',
        env: {
          PATH: `${bin}:/usr/bin:/bin`,
          POSTGRES_USER: 'u',
          POSTGRES_DB: 'd',
          TILESERVER_DB_PASSWORD_FILE: tileserverFile,
          EXPORTER_DB_PASSWORD_FILE: secret,
        },
      });
    const broken = run(join(bin, 'missing'));
    assert.notEqual(broken.status, 0);
    assert.doesNotMatch(broken.stdout, /psql/);
    assert.match(run(secret).stdout, /psql .*password=tile-password/);
  });

  it('restart.sh refuses to start prod when nginx could not read the TLS key', () => {
    const key = join(repo, 'secrets/tls/privkey.pem');
    chmodSync(key, 0o600);
    const result = script('restart.sh', { PORTAL_ENV: 'prod' });
    chmodSync(key, 0o644);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /privkey\.pem is not readable by nginx/);
    assert.doesNotMatch(result.stdout, /up -d/);
  });

  it('restore.sh names the storage items it knows', () => {
    mkdirSync(join(repo, 'backups'), { recursive: true });
    writeFileSync(join(repo, 'backups/x.tar.gz'), '');
    const result = script('restore.sh', {}, ['files', 'pgdata', join(repo, 'backups/x.tar.gz'), '--yes']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown storage item 'pgdata': use one of: media/);
  });
});
