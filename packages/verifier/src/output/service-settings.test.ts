/**
 * Services shaped to the deployment, checked by the tools that run them: compose profiles by docker-compose
 * 1.29 (its config and its project model), PgBouncer's port and pool mode by pgbouncer loading the file,
 * Grafana's PostgreSQL data source by the PostgreSQL boot of the init files and the checklist.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from 'generator-portal/testing/generate.js';
import { composeProfilesCheck } from '../verify/profile-checks.js';
import { postgresInitCheck } from '../verify/data-checks.js';
import { checklistCheck } from '../checklist/index.js';
import { findExecutable } from '../checks/run-tool.js';
import type { CheckResult } from '../checks/check.js';
import { portalSync } from 'generator-portal/testing/bin.js';

type Compose = {
  services: Record<
    string,
    { profiles?: string[]; depends_on?: Record<string, unknown>; environment?: Record<string, string>; healthcheck?: { test: string[] } }
  >;
};
const read = (root: string, path: string) => readFileSync(join(root, path), 'utf8');
const compose = (root: string): Compose => parse(read(root, 'docker-compose.yml'));
const results = async (run: Promise<CheckResult | CheckResult[]>) => [await run].flat();

/** docker-compose 1.29 `config -q` on base + prod, with the given extra arguments. */
const composeConfig = (root: string, ...extra: string[]) =>
  spawnSync('docker-compose', ['--env-file', '.env', '-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', ...extra, 'config', '-q'], {
    cwd: root,
    encoding: 'utf8',
  });

describe('alternatives under compose profiles', () => {
  it('kafka kept aside: its containers under the profile, nothing started by default waits for it, compose agrees', async () => {
    const root = await generate({ services: 'postgis,redis,nginx,kafka', alternatives: 'kafka' });
    const base = compose(root);
    assert.deepEqual([base.services.kafka!.profiles, base.services.zookeeper!.profiles], [['kafka'], ['kafka']]);
    assert.ok(!('kafka' in (base.services.backend!.depends_on ?? {})), 'the backend does not wait for kafka');
    assert.equal(base.services.backend!.profiles, undefined);
    for (const extra of [[], ['--profile', 'kafka']]) {
      const run = composeConfig(root, ...extra);
      assert.equal(run.status, 0, `config ${extra.join(' ')}: ${run.stderr}`);
    }
    const checks = await results(composeProfilesCheck.run(root));
    assert.deepEqual(
      checks.map(check => check.status),
      ['passed', 'passed'],
      JSON.stringify(checks),
    );
    assert.match(checks[1]!.detail, /--profile kafka adds kafka, zookeeper|--profile kafka adds zookeeper, kafka/);
    assert.match(read(root, 'scripts/restart.sh'), /^# +COMPOSE_PROFILES=kafka scripts\/restart\.sh/m);
    assert.match(read(root, 'docs/architecture.md'), /Kept as an alternative, not started by default: `zookeeper`, `kafka` \(compose profile\n`kafka`\)/);
    // the check is real: a started service that waits for the profiled one is what compose refuses
    const planted = compose(root);
    planted.services.backend!.depends_on = { ...planted.services.backend!.depends_on, kafka: { condition: 'service_healthy' } };
    writeFileSync(join(root, 'docker-compose.yml'), JSON.stringify(planted));
    const broken = await results(composeProfilesCheck.run(root));
    assert.equal(broken[0]!.status, 'failed');
    assert.match(
      broken[0]!.detail,
      /Service "(kafka|zookeeper)" was pulled in as a dependency of service "(backend|kafka)" but is not enabled by the active profiles/,
    );
  });

  it('without alternatives nothing is profiled and the apps wait for kafka as before', async () => {
    const root = await generate({ services: 'postgis,redis,nginx,kafka' });
    assert.equal(composeProfilesCheck.applies(root), false);
    assert.ok('kafka' in (compose(root).services.backend!.depends_on ?? {}));
  });
});

/** pgbouncer itself loads the generated file (as nobody: it refuses root) and listens where it says. */
async function pgbouncerLoads(ini: string): Promise<string> {
  const folder = mkdtempSync(join(tmpdir(), 'pgbouncer-'));
  chmodSync(folder, 0o755);
  const port = 20000 + (process.pid % 20000);
  writeFileSync(join(folder, 'users.txt'), '"u" "p"\n');
  const local = ini
    .replace(/^auth_file = .*$/m, `auth_file = ${folder}/users.txt`)
    .replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
    .replace(/^listen_port = .*$/m, `listen_port = ${port}`);
  writeFileSync(join(folder, 'pgbouncer.ini'), local, { mode: 0o644 });
  return new Promise(resolve => {
    const child = spawn('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'pgbouncer', join(folder, 'pgbouncer.ini')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const done = () => {
      child.kill('SIGTERM');
      resolve(log);
    };
    const timer = setTimeout(done, 5000);
    const take = (chunk: Buffer) => {
      log += chunk;
      if (/listening on|FATAL/.test(log)) {
        clearTimeout(timer);
        done();
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
  });
}

describe('PgBouncer listen port, pool mode and client logins', () => {
  it(
    'the apps dial it on the port given; pgbouncer loads the file and listens; a wrong pool mode is what it refuses',
    { skip: !findExecutable('pgbouncer') && 'pgbouncer not installed' },
    async () => {
      const root = await generate({ services: 'postgis,pgbouncer,nginx', pgbouncerPort: '6432', pgbouncerPoolMode: 'transaction', pgbouncerClientAuth: 'md5' });
      const ini = read(root, 'pgbouncer/pgbouncer.ini');
      assert.match(ini, /^listen_port = 6432$/m);
      assert.match(ini, /^pool_mode = transaction$/m);
      assert.match(ini, /^auth_type = md5$/m);
      const services = compose(root).services;
      assert.equal(services.backend!.environment!.POSTGRES_HOST, 'pgbouncer');
      assert.equal(services.backend!.environment!.POSTGRES_PORT, '6432');
      assert.match(services.pgbouncer!.healthcheck!.test.join(' '), /pg_isready -q -h 127\.0\.0\.1 -p 6432 /);
      const stored = JSON.parse(read(root, '.yo-rc.json'))['generator-portal'];
      assert.deepEqual([stored.pgbouncerPort, stored.pgbouncerPoolMode, stored.pgbouncerClientAuth], [6432, 'transaction', 'md5']);
      assert.match(await pgbouncerLoads(ini), /LOG listening on 127\.0\.0\.1:\d+/);
      assert.match(await pgbouncerLoads(ini.replace('pool_mode = transaction', 'pool_mode = pooled')), /invalid value "pooled" for parameter pool_mode/);
    },
  );

  it('by default: port 5432, session pooling, scram-sha-256, nothing more stored', async () => {
    const root = await generate({ services: 'postgis,pgbouncer,nginx' });
    const ini = read(root, 'pgbouncer/pgbouncer.ini');
    assert.match(ini, /^listen_port = 5432$/m);
    assert.match(ini, /^pool_mode = session$/m);
    assert.match(ini, /^auth_type = scram-sha-256$/m);
    const stored = JSON.parse(read(root, '.yo-rc.json'))['generator-portal'];
    assert.deepEqual([stored.pgbouncerPort, stored.pgbouncerPoolMode, stored.pgbouncerClientAuth], [undefined, undefined, undefined]);
  });
});

describe('Grafana PostgreSQL data source', () => {
  it('readonly: a role of its own that PostgreSQL creates at init, its password only in secrets/', async () => {
    const root = await generate({ services: 'postgis,grafana,nginx', grafanaPostgres: 'readonly' });
    const source = (parse(read(root, 'grafana/provisioning/datasources/postgres.yml')) as { datasources: Record<string, unknown>[] }).datasources[0]!;
    assert.deepEqual([source.type, source.uid, source.url, source.user, source.editable], ['postgres', 'postgres', 'db:5432', '${PG_DATASOURCE_USER}', false]);
    const grafana = compose(root).services.grafana!;
    assert.equal(grafana.environment!.PG_DATASOURCE_USER, 'grafana_reader');
    const secret = read(root, 'secrets/grafana_db_password').trim();
    assert.ok(secret.length >= 16);
    for (const tracked of [
      'grafana/provisioning/datasources/postgres.yml',
      'docker-compose.yml',
      'docker-compose.override.yml',
      'docker-compose.prod.yml',
      '.yo-rc.json',
      '.env.example',
      'postgres/initdb/02-roles.sh',
    ]) {
      assert.ok(!read(root, tracked).includes(secret), `${tracked} holds no password`);
    }
    assert.match(
      read(root, 'postgres/initdb/02-roles.sh'),
      /CREATE ROLE grafana_reader LOGIN[^;]*;[\s\S]*ALTER ROLE grafana_reader SET default_transaction_read_only = on;/,
    );
    // PostgreSQL runs the init files with the role; the checklist reads the provisioning (MON-04)
    const booted = await results(postgresInitCheck.run(root));
    assert.ok(
      booted.every(check => check.status !== 'failed'),
      JSON.stringify(booted),
    );
    const checklist = await results(checklistCheck.run(root));
    assert.deepEqual(
      checklist.filter(check => check.status === 'failed').map(check => `${check.name}: ${check.detail}`),
      [],
    );
  });

  it('owner: the app user and the database password, no role of its own', async () => {
    const root = await generate({ services: 'postgis,grafana,nginx', grafanaPostgres: 'owner', grafanaPostgresUid: 'zNqkUPk4k' });
    const source = (parse(read(root, 'grafana/provisioning/datasources/postgres.yml')) as { datasources: Record<string, unknown>[] }).datasources[0]!;
    assert.equal(source.uid, 'zNqkUPk4k');
    assert.deepEqual(source.secureJsonData, { password: '$__file{/run/secrets/postgres_password}' });
    assert.equal(compose(root).services.grafana!.environment!.PG_DATASOURCE_USER, '${POSTGRES_USER}');
    assert.doesNotMatch(read(root, '.env.example'), /GRAFANA_DB_PASSWORD/);
  });
});

describe('the schema agrees on the service settings', () => {
  it('refuses what the generator refuses, accepts what it stores', async () => {
    const { Ajv } = await import('ajv');
    const { PACKAGE_ROOT } = await import('generator-portal/shared/package-root.js');
    const { validateAnswers } = await import('generator-portal/answers/answers.js');
    const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schema', 'yo-rc.schema.json'), 'utf8'));
    delete schema.$schema;
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const good = {
      schemaVersion: 1,
      name: 'city-maps',
      domain: 'maps.example.org',
      backend: 'django',
      backendPort: 8000,
      services: ['postgis', 'pgbouncer', 'grafana', 'kafka'],
      storage: 'volumes',
    };
    const stored = {
      ...good,
      alternatives: ['kafka'],
      pgbouncerPort: 6432,
      pgbouncerPoolMode: 'transaction',
      pgbouncerClientAuth: 'md5',
      grafanaPostgres: 'readonly',
      grafanaPostgresUid: 'zNqkUPk4k',
    };
    assert.ok(validate({ 'generator-portal': stored }), JSON.stringify(validate.errors));
    assert.deepEqual(validateAnswers(stored).alternatives, ['kafka']);
    for (const change of [
      { pgbouncerPort: 80 },
      { pgbouncerPoolMode: 'pooled' },
      { pgbouncerClientAuth: 'plain' },
      { grafanaPostgres: 'rw' },
      { grafanaPostgresUid: 'a b' },
      { alternatives: ['mysql'] },
      { alternatives: ['kafka', 'kafka'] },
    ]) {
      const answers = { ...stored, ...change };
      assert.equal(validate({ 'generator-portal': answers }), false, `schema accepts ${JSON.stringify(change)}`);
      assert.throws(() => validateAnswers(answers), `generator accepts ${JSON.stringify(change)}`);
    }
  });
});

describe('alternatives and portal remove', () => {
  it('removing a service kept as an alternative drops it from the alternatives', async () => {
    const root = await generate({ services: 'postgis,redis,nginx,kafka', alternatives: 'kafka' });
    const run = portalSync(['remove', 'kafka', '--secret-seed', 'test-seed'], { cwd: root });
    assert.equal(run.status, 0, run.stderr);
    const stored = JSON.parse(read(root, '.yo-rc.json'))['generator-portal'];
    assert.equal(stored.alternatives, undefined);
    assert.equal(compose(root).services.kafka, undefined);
  });
});
