/**
 * `portal import` on fixtures written from each upstream repository's own compose files, then
 * `portal --yes`: every old container, variable name, port, mount path and route is found in the generated
 * repo (the compose files, nginx routes), the report says what became what, no literal secret of the old
 * files reaches .yo-rc.json, and two of the repos pass `portal verify`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'import', 'fixtures');

/** What one old container must be in the generated repo. */
interface Expect {
  /** The container that now does its job (compose service name). */
  readonly now: string;
  /** Variable names it read (in `environment`, or as NAME_FILE for a secret file). */
  readonly env?: readonly string[];
  readonly port?: number;
  /** Mount paths inside the container. */
  readonly mounts?: readonly string[];
  /** Public path nginx sends to it; "label:/path/" on the sub-domain label.<domain> (nginx/snippets/hosts/label.conf). */
  readonly route?: string;
}

interface Fixture {
  readonly name: string;
  /** Paths relative to the fixtures folder, then options. */
  readonly files: readonly string[];
  readonly options: readonly string[];
  /** Old container -> expectation; `dropped` for the proxies the stack replaces, `storage` for data-only containers. */
  readonly containers: Readonly<Record<string, Expect | 'dropped' | 'storage'>>;
  /** Lines of the report's table: old container, then what it became. */
  readonly rows: readonly RegExp[];
  /** Answers the import must write (compared key by key with .yo-rc.json). */
  readonly answers?: Readonly<Record<string, unknown>>;
  /** Report lines that must not appear. */
  readonly absent?: readonly RegExp[];
  /** Literal secrets of the old files: never in .yo-rc.json. */
  readonly secrets: readonly string[];
  readonly verify?: boolean;
}

const SYSTEMAPIC_ENV = ['SYSTEMAPIC_DOMAIN', 'SYSTEMAPIC_PRODMODE'];
const CARGO_ENV = [
  'APP_WATCH_MODE',
  'CARGO_DELAY',
  'CARGO_DELAY_OVERRIDE',
  'DC_PROJECT',
  'FE_PROTOCOL',
  'HTML_WATCH_MODE',
  'SOYL_HOST',
  'SOYL_VERSION',
  'NODE_CONFIG',
  'NODE_ENV',
  'QUIET',
  'SERVICE',
  'SERVICES',
  'TEST_SUBJECT',
  'VERBOSE',
];
const HOUSING_ENV = [
  'DEPLOYMENT_ENV',
  'PORTAL_INSTANCE',
  'PORTAL_CITIES',
  'DEBUG',
  'SECRET_KEY',
  'BACKEND_PORT',
  'DOMAIN',
  'ALLOWED_HOSTS',
  'DJANGO_AWS_ACCESS_KEY_ID',
  'DJANGO_AWS_SECRET_ACCESS_KEY',
  'DJANGO_AWS_STORAGE_BUCKET_NAME',
  'DJANGO_AWS_S3_ENDPOINT_URL',
  'EXPORTS_DIR',
  'POSTGRES_DB',
  'POSTGRES_PASS',
  'POSTGRES_USER',
  'POSTGRES_PASSWD',
  'DATABASES_HOST',
  'DATABASES_PORT',
  'DATABASES_USER',
  'DATABASES_PASSWORD',
  'DATABASES_DBNAME',
];
const MLP_ENV = ['CELERY_BACKEND_URL', 'CELERY_BROKER_URL', 'DATABASE_URL'];

const FIXTURES_TABLE: readonly Fixture[] = [
  {
    name: 'systemapic',
    files: ['systemapic/localhost.yml', 'systemapic/storage.yml'],
    options: ['--image-tag', '2.3.1', '--ports', 'wu=3001,pile=3003'],
    containers: {
      wu: { now: 'backend', env: SYSTEMAPIC_ENV, port: 3001, mounts: ['/systemapic/config', '/systemapic/dev', '/data'] },
      pile: { now: 'pile', env: SYSTEMAPIC_ENV, port: 3003, mounts: ['/systemapic/config', '/systemapic/dev', '/data'] },
      nginx: 'dropped',
      redislayers: { now: 'redis-layers', mounts: ['/data'] },
      redisstats: { now: 'redis-stats', mounts: ['/data'] },
      redistokens: { now: 'redis-tokens', mounts: ['/data'] },
      redistemp: { now: 'redis' },
      mongo: { now: 'mongodb', mounts: ['/data/db'] },
      postgis: { now: 'db', mounts: ['/var/lib/postgresql/data'] },
      data_store_localhost: 'storage',
      redis_store_localhost: 'storage',
      redis_stats_store_localhost: 'storage',
      redis_tokens_store_localhost: 'storage',
      mongo_store_localhost: 'storage',
      postgresql_store_localhost: 'storage',
    },
    rows: [
      /^wu +backend \(main app\) +image systemapic\/wu:2\.3\.1; port 3001; settings SYSTEMAPIC_DOMAIN, SYSTEMAPIC_PRODMODE; aliases mongo->mongodb, postgis->postgis, redislayers->redis-layers, redisstats->redis-stats, redistemp->redis, redistokens->redis-tokens/m,
      /^pile +app pile +.*aliases .*wu->backend/m,
      /^nginx +dropped \(the stack provides the edge\)/m,
      /^redislayers +redis role layers \(redis-layers\)/m,
      /redislayers: config file \/systemapic\/config\/redis\.layers\.conf: its settings are not read/,
      /redislayers: its config file was not read, so whether it had a password is unknown; redis-layers now asks for one/,
      /^redistemp +service redis /m,
      /^mongo +service mongodb +.*data of mongo_store_localhost/m,
      /^data_store_localhost +named storage +its volumes \/data/m,
      /wu: image systemapic\/wu:latest had the floating tag "latest"; pinned to systemapic\/wu:2\.3\.1/,
      /postgis: published port 15432->5432: stores are internal/,
      /wu: working_dir: working_dir is not part of an app contract/,
    ],
    secrets: [],
    verify: true,
  },
  {
    name: 'housing-portal (production.yml)',
    files: ['housing-portal/production.yml'],
    options: ['--image-tag', '1.0.0'],
    containers: {
      backend: { now: 'backend', env: HOUSING_ENV, port: 8000, mounts: ['/imports', '/data', '/exports'] },
      postgres: { now: 'db', mounts: ['/var/lib/postgresql/data'] },
      redis: { now: 'redis' },
      backups: { now: 'backup' },
    },
    rows: [
      /^backend +backend \(main app\) +image housing-portal-production-backend:1\.0\.0; port 8000; settings DEPLOYMENT_ENV/m,
      /^postgres +service postgis +.*data postgis_data -> its own volume/m,
      /^backups +service backup/m,
      /backend: built from backend in the old files; build and push it as housing-portal-production-backend:1\.0\.0/,
      /backend: entrypoint: an entrypoint override is not part of an app contract/,
      /backend: mount "\.\/backend:\/app": \/app is the image's own folder/,
      /^ {2}- backend DJANGO_AWS_SECRET_ACCESS_KEY$/m,
      /^ {2}- backend POSTGRES_PASS$/m,
    ],
    secrets: ['not-a-real-django-key-1234', 'example-aws-secret', 'example-db-pass', 'example-superuser-pass'],
  },
  {
    name: 'housing-portal (local.yml)',
    files: ['housing-portal/local.yml'],
    options: ['--image-tag', '1.0.0', '--ports', 'backend=8000,frontend=8080'],
    containers: {
      backend: { now: 'backend', env: [...HOUSING_ENV, 'WAIT_HOSTS'], port: 8000, mounts: ['/imports', '/exports', '/images', '/drone'] },
      frontend: { now: 'frontend', port: 8080 },
      postgres: { now: 'db' },
      pgbouncer: { now: 'pgbouncer' },
      nginx: 'dropped',
      redis: { now: 'redis' },
      mailhog: { now: 'mailpit' },
    },
    rows: [
      /^pgbouncer +service pgbouncer +apps reach it through \{pgbouncer\.host\} and its fields; listen port 5439$/m,
      /^mailhog +service mailpit/m,
      /^frontend +app frontend +image node:10-alpine; port 8080; command npm run serve/m,
    ],
    answers: { pgbouncerPort: 5439 },
    absent: [/DATABASES_PORT: was 5439/],
    secrets: ['not-a-real-django-key-1234', 'example-aws-secret', 'example-db-pass'],
  },
  {
    name: 'sagui',
    files: ['sagui/docker-compose.yml', 'sagui/docker-compose.prod.yml'],
    options: ['--image-tag', '2.1.0', '--ports', 'atmo=8080,scheduler=8080'],
    containers: {
      database: { now: 'db', mounts: ['/var/lib/postgresql/data'] },
      frontend: { now: 'frontend', port: 80 },
      backend: {
        now: 'backend',
        env: [
          'DJANGO_ENV_FILE',
          'DJANGO_SUPERUSER_PASSWORD_FILE',
          'POSTGRES_HOST',
          'POSTGRES_PORT',
          'SAGUI_PATH_TO_ATMO_FILES',
          'SAGUI_DATA_PATH',
          'STATIC_ROOT',
          'SMTP_ENV_FILE',
        ],
        port: 8000,
        mounts: ['/hyfaa-scheduler/data', '/atmo_s5p/data', '/static'],
      },
      nginx: 'dropped',
      'pg-tileserv-base': 'dropped',
      'pg-tileserv': { now: 'tileserver' },
      varnish: { now: 'varnish' },
      atmo: { now: 'atmo', mounts: ['/mnt/data'] },
      scheduler: { now: 'scheduler-app', env: ['HYDROWEB_USER_FILE', 'HYDROWEB_PASSWORD_FILE'], mounts: ['/work'] },
    },
    rows: [
      /^pg-tileserv-base +dropped +its command \(echo Used only for build phase\. Shutting down now\) exits at once/m,
      /^scheduler +app scheduler-app +image pigeosolutions\/hyfaa-scheduler:4\.3; port 8080; settings HYDROWEB_USER, HYDROWEB_PASSWORD; .*command tail -f \/dev\/null; user 1000:1000; health none:idle container/m,
      /^varnish +service varnish/m,
      /backend DJANGO_ENV_FILE: docker secret django_env -> a generated secret file/,
      // its init scripts (config/postgresql/entrypoint-initdb.d): what they made at first start
      /^database +service postgis +.*postgres: template databases template_postgis; extensions postgis, pg_stat_statements, postgis_topology, fuzzystrmatch; from init scripts 01_pgtune\.sql, 02_custom_config\.sql, 10_postgis\.sh, 30_schema\.sql, 40_users\.sql; tuning max_connections=100, shared_buffers=2GB/m,
      /database: \/docker-entrypoint-initdb\.d\/40_users\.sql: role tileserv: the answers create no roles/,
      /database: \/docker-entrypoint-initdb\.d\/30_schema\.sql: CREATE SCHEMA: not answers/,
      /database: \/docker-entrypoint-initdb\.d\/01_pgtune\.sql: ALTER SYSTEM SET max_parallel_maintenance_workers: not a tuning setting the answers take/,
    ],
    answers: {
      postgres: {
        templates: ['template_postgis'],
        extensions: ['postgis', 'pg_stat_statements', 'postgis_topology', 'fuzzystrmatch'],
        settings: {
          max_connections: '100',
          shared_buffers: '2GB',
          effective_cache_size: '6GB',
          maintenance_work_mem: '512MB',
          checkpoint_completion_target: '0.9',
          wal_buffers: '16MB',
          default_statistics_target: '100',
          random_page_cost: '1.1',
          effective_io_concurrency: '200',
          work_mem: '5242kB',
          min_wal_size: '1GB',
          max_wal_size: '4GB',
          max_worker_processes: '4',
          max_parallel_workers_per_gather: '2',
          max_parallel_workers: '4',
        },
      },
    },
    secrets: ['fixture-tileserv-pass'],
    verify: true,
  },
  {
    name: 'mupets',
    files: ['mupets/dc.prod.yml'],
    options: ['--image-tag', '0.7.0'],
    containers: {
      'soyl-auth': { now: 'soyl-auth', env: CARGO_ENV, port: 80, route: 'api:/auth/' },
      'soyl-auth-store': { now: 'redis-soyl-auth-store', mounts: ['/data'] },
      'soyl-broker': { now: 'redis' },
      'wijze-stad-admin': { now: 'backend', env: CARGO_ENV, port: 80, route: 'admin:/' },
      'wijze-stad-question-admin': { now: 'wijze-stad-question-admin', env: CARGO_ENV, port: 80, route: 'api:/questions/' },
      'wijze-stad-pgweb': { now: 'wijze-stad-pgweb', port: 8081, route: 'pg:/' },
      'wijze-stad-postgres': { now: 'db', mounts: ['/var/lib/postgresql/data'] },
      'wijze-stad-socket-server': { now: 'wijze-stad-socket-server', env: CARGO_ENV, port: 4020, route: 'socket:/socket/' },
    },
    rows: [
      /^soyl-auth-store +redis role soyl-auth-store \(redis-soyl-auth-store\)/m,
      /^wijze-stad-admin +backend \(main app\)/m,
      /^soyl-auth +app soyl-auth +image mupets-soyl-auth:0\.7\.0; port 80; .*routes api\.<domain>\/auth\//m,
      /^wijze-stad-admin +backend \(main app\) .*routes admin\.<domain>\/$/m,
      /^wijze-stad-pgweb +app wijze-stad-pgweb .*routes pg\.<domain>\/$/m,
      /soyl-broker: had no password; redis now asks for one/,
    ],
    secrets: ['rootpass'],
  },
  {
    name: 'mlp',
    files: ['mlp/docker'],
    options: ['--ports', 'worker=4789'],
    containers: {
      rabbitmq: { now: 'rabbitmq' },
      redis: { now: 'redis' },
      prometheus: { now: 'prometheus' },
      database: { now: 'db' },
      worker: { now: 'worker', env: [...MLP_ENV, 'CELERY_QUEUE'], port: 4789, mounts: ['/app/models'] },
      api: { now: 'backend', env: MLP_ENV, port: 4789 },
      grafana: { now: 'grafana' },
    },
    rows: [
      /^api +backend \(main app\) +image mlprod\.api:1\.0; port 4789; settings CELERY_BACKEND_URL, CELERY_BROKER_URL, DATABASE_URL; aliases database->postgis; .*routes mlpapi\.<domain>\/$/m,
      /^worker +app worker +.*health none:worker listens on no port/m,
      /^grafana +service grafana +at \/ on grafana\.<domain> \(grafanaHost\)$/m,
      /^ {2}- api DATABASE_URL$/m,
    ],
    secrets: ['mlp:mlp@'],
  },
];

/** Services of the generated compose files, base + dev override merged per name (enough for names, env, mounts, ports). */
function composeServices(repo: string): Map<string, { environment: Record<string, unknown>; volumes: string[]; ports: string[]; secrets: string[] }> {
  const out = new Map<string, { environment: Record<string, unknown>; volumes: string[]; ports: string[]; secrets: string[] }>();
  for (const file of ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml']) {
    const doc = parse(readFileSync(join(repo, file), 'utf8'), { version: '1.1' }) as { services?: Record<string, Record<string, unknown>> };
    for (const [name, service] of Object.entries(doc.services ?? {})) {
      const seen = out.get(name) ?? { environment: {}, volumes: [], ports: [], secrets: [] };
      Object.assign(seen.environment, service.environment ?? {});
      seen.volumes.push(...((service.volumes as unknown[]) ?? []).map(v => (typeof v === 'string' ? v : String((v as { target: string }).target))));
      seen.ports.push(...((service.ports as unknown[]) ?? []).map(String));
      seen.secrets.push(...((service.secrets as unknown[]) ?? []).map(s => (typeof s === 'string' ? s : String((s as { source: string }).source))));
      out.set(name, seen);
    }
  }
  return out;
}

describe('portal import on the upstream fixtures', () => {
  for (const fixture of FIXTURES_TABLE) {
    it(`${fixture.name}: every container, variable, port, mount and route is in the generated repo`, async () => {
      const repo = freshFolder(
        fixture.name.startsWith('housing') ? `housing-portal-${fixture.files[0]!.includes('local') ? 'local' : 'production'}` : fixture.name,
      );
      const imported = await runPortal(['import', ...fixture.files.map(file => join(FIXTURES, file)), ...fixture.options], { cwd: repo });
      assert.equal(imported.code, 0, imported.stderr);
      for (const row of fixture.rows) assert.match(imported.stdout, row);
      for (const row of fixture.absent ?? []) assert.doesNotMatch(imported.stdout, row);
      const rc = readFileSync(join(repo, '.yo-rc.json'), 'utf8');
      const written = (JSON.parse(rc) as Record<string, Record<string, unknown>>)['generator-portal'] ?? {};
      for (const [key, value] of Object.entries(fixture.answers ?? {})) assert.deepEqual(written[key], value, `answer ${key}`);
      for (const secret of fixture.secrets) assert.ok(!rc.includes(secret), `${secret} reached .yo-rc.json`);
      // every old container has its row
      for (const old of Object.keys(fixture.containers))
        assert.match(imported.stdout, new RegExp(`^${old.replace(/[.]/g, '\\.')} +\\S`, 'm'), `no report row for ${old}`);

      const generated = await runPortal(['--yes', '--secret-seed', 'x'], { cwd: repo });
      assert.equal(generated.code, 0, generated.stderr);
      const services = composeServices(repo);
      const optional = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : '');
      const routes = optional(join(repo, 'nginx', 'snippets', 'routes.conf'));
      const upstreams = optional(join(repo, 'nginx', 'snippets', 'upstreams.conf'));
      for (const [old, expect] of Object.entries(fixture.containers)) {
        if (expect === 'dropped' || expect === 'storage') continue;
        const service = services.get(expect.now);
        assert.ok(service, `${old}: no container ${expect.now}`);
        for (const name of expect.env ?? []) {
          assert.ok(name in service.environment, `${old} -> ${expect.now}: variable ${name} missing`);
        }
        for (const target of expect.mounts ?? []) {
          assert.ok(
            service.volumes.some(volume => volume.split(':')[1] === target || volume === target),
            `${old} -> ${expect.now}: mount ${target} missing (${service.volumes.join(', ')})`,
          );
        }
        if (expect.port)
          assert.ok(
            service.ports.some(port => port.endsWith(`:${expect.port}`)),
            `${old} -> ${expect.now}: port ${expect.port} missing (${service.ports.join(', ')})`,
          );
        if (expect.route) {
          const [host, path] = expect.route.includes(':') ? expect.route.split(':') : [undefined, expect.route];
          const served = host ? optional(join(repo, 'nginx', 'snippets', 'hosts', `${host}.conf`)) : routes;
          assert.match(served, new RegExp(`location ${path} \\{[^}]*proxy_pass http://${expect.now};`, 's'), `${old}: route ${expect.route}`);
          assert.match(upstreams, new RegExp(`upstream ${expect.now} \\{\\s*server ${expect.now}:${expect.port};`), `${old}: upstream port ${expect.port}`);
        }
      }
      // the secrets of the old files are in no generated file that git tracks
      for (const secret of fixture.secrets) {
        for (const file of ['docker-compose.yml', 'docker-compose.prod.yml', '.env.example'])
          assert.ok(!readFileSync(join(repo, file), 'utf8').includes(secret), `${secret} in ${file}`);
      }
      if (fixture.verify) {
        const verified = await runPortal(['verify'], { cwd: repo });
        assert.equal(verified.code, 0, verified.stdout + verified.stderr);
        assert.match(verified.stdout + verified.stderr, / 0 failed/);
      }
    });
  }

  it('the imported portal takes re-runs, add, remove and instances', async () => {
    const repo = freshFolder('mlp-after');
    assert.equal((await runPortal(['import', join(FIXTURES, 'mlp/docker'), '--ports', 'worker=4789'], { cwd: repo })).code, 0);
    for (const args of [
      ['--yes', '--secret-seed', 'x'],
      ['--yes', '--secret-seed', 'x'],
      ['add', 'pgbouncer', '--secret-seed', 'x'],
      ['remove', 'pgbouncer', '--secret-seed', 'x'],
      ['instance', 'add', 'staging', '--domain', 'staging.mlp.example.org', '--secret-seed', 'x'],
    ]) {
      const run = await runPortal(args, { cwd: repo });
      assert.equal(run.code, 0, `${args.join(' ')}: ${run.stderr}`);
    }
    assert.match(readFileSync(join(repo, 'instances', 'staging.yml'), 'utf8'), /staging/);
  });
});
