/** `portal secrets`: fills and rotates secrets in .env and secrets/ together, and says what to recreate. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { envValues } from '../../secrets/env-line.js';
import { freshFolder, generate } from '../../testing/generate.js';
import { portalSync } from '../../testing/bin.js';

const portal = (args: string[], cwd: string) => portalSync(args, { cwd, timeout: 60_000 });

describe('portal secrets', () => {
  let repo = '';
  const env = () => envValues(readFileSync(join(repo, '.env'), 'utf8'));
  const file = (name: string) => readFileSync(join(repo, 'secrets', name), 'utf8');

  before(async () => {
    repo = await generate({ services: 'postgis,redis,rabbitmq,celery,grafana' });
  });

  it('changes nothing when every secret is set', () => {
    const before = readFileSync(join(repo, '.env'), 'utf8');
    const run = portal(['secrets'], repo);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /nothing changed/);
    assert.equal(readFileSync(join(repo, '.env'), 'utf8'), before);
  });

  it("rotates the chosen secrets in .env and secrets/, keeps the others and the user's lines, names the containers", () => {
    appendFileSync(join(repo, '.env'), '# my note\nMY_SETTING=1\n');
    const old = env();
    const run = portal(['secrets', '--rotate', '--only', 'postgres_password,redis_password'], repo);
    assert.equal(run.status, 0, run.stderr);
    const now = env();
    assert.notEqual(now.get('POSTGRES_PASSWORD'), old.get('POSTGRES_PASSWORD'));
    assert.match(now.get('POSTGRES_PASSWORD')!, /^[A-Za-z0-9]{32}$/);
    assert.equal(file('postgres_password'), now.get('POSTGRES_PASSWORD'));
    assert.equal(file('redis_password'), now.get('REDIS_PASSWORD'));
    assert.equal(now.get('RABBITMQ_PASSWORD'), old.get('RABBITMQ_PASSWORD'));
    assert.equal(now.get('MY_SETTING'), '1');
    assert.equal(statSync(join(repo, '.env')).mode & 0o777, 0o600);
    assert.match(run.stdout, /scripts\/apply-secrets\.sh backend celery-beat celery-worker db migrate redis redis-exporter\n/);
    // values are never printed, and never reach .yo-rc.json
    assert.doesNotMatch(run.stdout + run.stderr, new RegExp(now.get('POSTGRES_PASSWORD')!));
    assert.doesNotMatch(readFileSync(join(repo, '.yo-rc.json'), 'utf8'), new RegExp(now.get('POSTGRES_PASSWORD')!));
  });

  it('fills a secret lost from .env from its prod file, and one lost everywhere with a new value', () => {
    const before = env();
    const text = readFileSync(join(repo, '.env'), 'utf8')
      .replace(/^REDIS_PASSWORD=.*$/m, 'REDIS_PASSWORD=')
      .replace(/^RABBITMQ_PASSWORD=.*$/m, 'RABBITMQ_PASSWORD=');
    writeFileSync(join(repo, '.env'), text);
    rmSync(join(repo, 'secrets', 'rabbitmq_password'));
    const run = portal(['secrets'], repo);
    assert.equal(run.status, 0, run.stderr);
    assert.equal(env().get('REDIS_PASSWORD'), before.get('REDIS_PASSWORD'));
    assert.match(env().get('RABBITMQ_PASSWORD')!, /^[A-Za-z0-9]{32}$/);
    assert.equal(file('rabbitmq_password'), env().get('RABBITMQ_PASSWORD'));
  });

  it('refuses an unknown secret name and a folder without a portal, changing nothing', () => {
    const before = readFileSync(join(repo, '.env'), 'utf8');
    const unknown = portal(['secrets', '--rotate', '--only', 'nope'], repo);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Invalid --only "nope": expected secret names of this portal: .*postgres_password/);
    assert.equal(readFileSync(join(repo, '.env'), 'utf8'), before);
    const empty = portal(['secrets'], freshFolder('empty'));
    assert.equal(empty.status, 2);
    assert.match(empty.stderr, /no \.yo-rc\.json/);
  });

  it("writes a deleted secrets/ again from .env, private as a fresh run makes it, and verify's ENV-01 passes", () => {
    const values = env();
    const fresh = { folder: statSync(join(repo, 'secrets')).mode & 0o777, file: statSync(join(repo, 'secrets', 'postgres_password')).mode & 0o777 };
    rmSync(join(repo, 'secrets'), { recursive: true });
    const run = portal(['secrets'], repo);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Wrote secrets\/ again from \.env: .*postgres_password/);
    assert.doesNotMatch(run.stdout, /nothing changed/);
    assert.equal(statSync(join(repo, 'secrets')).mode & 0o777, 0o700);
    assert.equal(fresh.folder, 0o700);
    assert.equal(statSync(join(repo, 'secrets', 'postgres_password')).mode & 0o777, fresh.file);
    assert.equal(file('postgres_password'), values.get('POSTGRES_PASSWORD'));
    const verify = portal(['verify', '--checklist-only'], repo);
    assert.match(verify.stdout, /passed\s+ENV-01/, verify.stdout + verify.stderr);
  });

  it('apply-secrets.sh changes the role passwords inside PostgreSQL (on stdin), then recreates the containers', () => {
    const bin = freshFolder('bin');
    const log = join(bin, 'log');
    writeFileSync(
      join(bin, 'docker'),
      '#!/bin/sh\n# the engine answers (lib.sh asks `docker version`); no compose plugin\n[ "$1" = version ] && exit 0\nexit 1\n',
    );
    writeFileSync(join(bin, 'docker-compose'), `#!/bin/sh\necho "ARGS $*" >> ${log}\n[ -t 0 ] || cat >> ${log}\n`);
    for (const tool of ['docker', 'docker-compose']) chmodSync(join(bin, tool), 0o755);
    const run = spawnSync('bash', [join(repo, 'scripts/apply-secrets.sh'), 'db', 'backend'], {
      encoding: 'utf8',
      input: '',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PORTAL_ENV: 'prod' },
    });
    assert.equal(run.status, 0, run.stderr);
    const calls = readFileSync(log, 'utf8');
    assert.match(calls, /exec -T db sh -c psql/);
    assert.ok(calls.includes(`ALTER ROLE "portal" PASSWORD '${file('postgres_password')}';`), calls);
    assert.match(calls, /up -d --force-recreate --no-deps db backend/);
  });

  it('apply-secrets.sh stops before touching the database when a secret file is unreadable', () => {
    const path = join(repo, 'secrets', 'postgres_password');
    const value = readFileSync(path, 'utf8');
    rmSync(path);
    const run = spawnSync('bash', [join(repo, 'scripts/apply-secrets.sh'), 'db'], {
      encoding: 'utf8',
      env: { ...process.env, PORTAL_ENV: 'prod', PATH: '/nonexistent:/usr/bin:/bin' },
    });
    writeFileSync(path, value);
    assert.notEqual(run.status, 0);
    assert.doesNotMatch(run.stdout, /role passwords changed/);
  });

  it("--instance rotates the instance's own env file and secret folder, and leaves .env alone", () => {
    const added = portal(['instance', 'add', 'staging', '--domain', 'staging.example.org', '--secret-seed', 's'], repo);
    assert.equal(added.status, 0, added.stderr);
    const mainEnv = readFileSync(join(repo, '.env'), 'utf8');
    const instanceEnv = () => envValues(readFileSync(join(repo, 'instances/staging.env'), 'utf8'));
    const old = instanceEnv().get('POSTGRES_PASSWORD');
    const run = portal(['secrets', '--rotate', '--instance', 'staging', '--only', 'postgres_password'], repo);
    assert.equal(run.status, 0, run.stderr);
    const now = instanceEnv().get('POSTGRES_PASSWORD');
    assert.notEqual(now, old);
    assert.equal(readFileSync(join(repo, 'secrets/staging/postgres_password'), 'utf8'), now);
    assert.equal(readFileSync(join(repo, '.env'), 'utf8'), mainEnv);
    assert.match(run.stdout, /PORTAL_INSTANCE=staging scripts\/apply-secrets\.sh .*db/);
    const unknown = portal(['secrets', '--instance', 'nope'], repo);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /Invalid --instance "nope": the instances of this portal are: staging/);
  });
});
