/**
 * Acceptance of the presets: for each seed deployment, every element its document describes (containers,
 * storage, scripts, routes, env variables, dev vs prod) is present in the generated repo, in today's form.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import type { PresetId } from '../answers/answers.js';
import { generate } from '../testing/generate.js';
import { portalSync } from '../testing/bin.js';

const portal = (args: string[], cwd: string) => portalSync([...args, '--secret-seed', 'x'], { cwd });

interface Repo {
  readonly root: string;
  read(path: string): string;
  compose(file: 'base' | 'dev' | 'prod'): { services: Record<string, Record<string, unknown>>; volumes?: Record<string, unknown> };
}

type Element = readonly [seed: string, holds: (repo: Repo) => void];

const FILES = { base: 'docker-compose.yml', dev: 'docker-compose.override.yml', prod: 'docker-compose.prod.yml' } as const;

function open(root: string): Repo {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  return { root, read, compose: file => parse(read(FILES[file])) };
}

/** A container in base (so in dev and prod), with an image matching `image` when given. */
const container =
  (name: string, image?: RegExp): Element['1'] =>
  repo => {
    const service = repo.compose('base').services[name];
    assert.ok(service, `container ${name} in docker-compose.yml`);
    if (image) assert.match(String(service.image), image, `image of ${name}`);
  };
const storage =
  (item: string, usedBy: string, target: string): Element['1'] =>
  repo => {
    assert.ok(repo.compose('base').volumes && item in repo.compose('base').volumes!, `storage item ${item}`);
    const volumes = (repo.compose('base').services[usedBy]?.volumes ?? []) as string[];
    assert.ok(
      volumes.some(v => v.startsWith(`${item}:${target}`)),
      `${item} mounted at ${target} in ${usedBy}: ${volumes.join(', ')}`,
    );
  };
const script =
  (path: string): Element['1'] =>
  repo => {
    assert.ok(existsSync(join(repo.root, path)), path);
    assert.ok((statSync(join(repo.root, path)).mode & 0o111) !== 0, `${path} is executable`);
  };
const route =
  (path: string, servedBy: RegExp): Element['1'] =>
  repo => {
    const routes = repo.read('nginx/snippets/routes.conf');
    const block = new RegExp(`location ${path.replace(/[/.]/g, '\\$&')} \\{[^}]*\\}`).exec(routes)?.[0];
    assert.ok(block, `nginx location ${path}`);
    assert.match(block, servedBy, `what serves ${path}`);
  };
const env =
  (...names: string[]): Element['1'] =>
  repo => {
    const example = repo.read('.env.example');
    for (const name of names) assert.match(example, new RegExp(`^${name}=`, 'm'), `${name} in .env.example`);
  };
const documented =
  (file: string, text: string): Element['1'] =>
  repo =>
    assert.ok(repo.read(file).includes(text), `${file} says "${text}"`);
const service = (repo: Repo, name: string): Record<string, unknown> => {
  const found = repo.compose('base').services[name];
  assert.ok(found, `container ${name} in docker-compose.yml`);
  return found;
};
/** A variable an app container reads, as the base file gives it (compose interpolates ${...} from .env). */
const setting =
  (name: string, variable: string, value: string): Element['1'] =>
  repo =>
    assert.equal((service(repo, name).environment as Record<string, string> | undefined)?.[variable], value, `${variable} of ${name}`);
/** IDSIA/MLprod at the commit its facts were read from. */
const MLPROD = 'd377c2fb30b7599c80e5fd6bb835c10fd2fcd03b';
const upstream = (fact: string, file: string, holds: Element['1']): Element => [`${fact} (IDSIA/MLprod ${file} @ ${MLPROD})`, holds];
const prodOnly =
  (name: string): Element['1'] =>
  repo => {
    assert.equal(repo.compose('base').services[name], undefined, `${name} not in the base file`);
    assert.ok(repo.compose('prod').services[name], `${name} in the prod file`);
  };
const devPorts =
  (name: string): Element['1'] =>
  repo => {
    assert.ok(
      ((repo.compose('dev').services[name]?.ports ?? []) as string[]).every(p => p.startsWith('127.0.0.1:')) && repo.compose('dev').services[name]?.ports,
      `${name} publishes on 127.0.0.1 in dev`,
    );
    assert.equal(repo.compose('prod').services[name]?.ports, undefined, `${name} publishes nothing in prod`);
  };

/** Each preset's seed document, element by element. */
export const PRESET_ELEMENTS: Record<PresetId, readonly Element[]> = {
  systemapic: [
    ['wu (systemapic/wu)', container('backend', /^systemapic\/wu:2\.3\.1$/)],
    ['pile (systemapic/pile)', container('pile', /^systemapic\/pile:2\.3\.1$/)],
    ['postgis', container('db', /postgis/)],
    ['mongo', container('mongodb', /^mongo:/)],
    ['rediskue', container('redis', /^redis:/)],
    ['redislayers', container('redis-layers', /^redis:/)],
    ['redisstats', container('redis-stats', /^redis:/)],
    ['redistokens', container('redis-tokens', /^redis:/)],
    ['nginx', container('nginx', /nginx/)],
    ['backup', container('backup')],
    ['data_store_dev_common on /data, used by wu', storage('common', 'backend', '/data')],
    ['data_store_dev_common on /data, used by pile', storage('common', 'pile', '/data')],
    ['postgis_store_dev', storage('pgdata', 'db', '/var/lib/postgresql/data')],
    ['redis_store_dev (layers)', storage('redis-layers-data', 'redis-layers', '/data')],
    ['redis_stats_store_dev', storage('redis-stats-data', 'redis-stats', '/data')],
    ['redis_tokens_store_dev', storage('redis-tokens-data', 'redis-tokens', '/data')],
    ['mongo_store_dev on /data/db', storage('mongo-data', 'mongodb', '/data/db')],
    ['postgis_backup_store', storage('backups', 'backup', '/backups')],
    ['restart.sh', script('scripts/restart.sh')],
    ['restart.sh reads $SYSTEMAPIC_DOMAIN', documented('scripts/lib.sh', 'PORTAL_INSTANCE=${PORTAL_INSTANCE:-${SYSTEMAPIC_DOMAIN:-}}')],
    ['create_storage_containers.sh', script('scripts/create-storage.sh')],
    ['storage containers moved to volumes', script('scripts/migrate-storage.sh')],
    ['migration knows every old store', documented('scripts/migrate-storage.sh', "'mongo_store_dev|/data/db|mongo-data|files'")],
    ['old to new mapping documented', documented('docs/architecture.md', '| `postgis_backup_store` | `/backup/postgis` | `backups` |')],
    ['pile routed', route('/v2/tiles/', /proxy_pass http:\/\/pile;/)],
    // the links of compose/yml/dev.systemapic.com.yml: wu links every store, pile links wu and the stores it reads
    [
      'links: wu and pile wait for what they link',
      repo => {
        const waits = (name: string) => Object.keys(repo.compose('base').services[name]!.depends_on as object).sort();
        assert.deepEqual(waits('backend'), ['db', 'mongodb', 'redis', 'redis-layers', 'redis-stats', 'redis-temp', 'redis-tokens']);
        assert.deepEqual(waits('pile'), ['backend', 'db', 'redis-layers', 'redis-stats', 'redis-temp', 'redis-tokens']);
      },
    ],
    [
      'every redis has its own password',
      env('REDIS_PASSWORD', 'REDIS_LAYERS_PASSWORD', 'REDIS_STATS_PASSWORD', 'REDIS_TOKENS_PASSWORD', 'REDIS_TEMP_PASSWORD', 'MONGO_PASSWORD'),
    ],
  ],
  'housing-portal': [
    ['backend', container('backend', /^housing-portal-backend:2\.3\.1$/)],
    ['pgbouncer', container('pgbouncer')],
    ['redis', container('redis', /^redis:/)],
    ['nginx', container('nginx', /nginx/)],
    ['postgis', container('db', /postgis/)],
    ['backend /images', storage('images', 'backend', '/images')],
    ['backend /imports', storage('imports', 'backend', '/imports')],
    ['backend /exports', storage('exports', 'backend', '/exports')],
    ['backend /drone', storage('drone', 'backend', '/drone')],
    // images, exports and drone are private (X-Accel-Redirect upstream): no public location, not mounted in nginx
    ['nginx ../tiles:/data', route('/data/', /alias \/srv\/tiles\//)],
    ['nginx /staticfiles', route('/staticfiles/', /alias \/srv\/staticfiles\//)],
    ['nginx /dev-docs/', route('/dev-docs/', /alias \/srv\/dev-docs\//)],
    ['nginx /user-docs/', route('/user-docs/', /alias \/srv\/user-docs\//)],
    ['nginx ./drone:/drone-viewer', route('/drone-viewer/', /alias \/srv\/drone-viewer\//)],
    ['prod data on /mnt/data', env('DATA_ROOT')],
    ['prod data on /mnt/data (value)', documented('.env.example', 'DATA_ROOT=/mnt/data')],
    ['staging.yml: an instance', documented('instances/staging.yml', 'staging')],
    ['staging env', documented('instances/staging.env.example', 'COMPOSE_PROJECT_NAME=housing-portal-staging')],
    ['one PostGIS volume per instance', repo => assert.match(JSON.stringify(repo.compose('base').volumes!.pgdata), /\$\{DATA_ROOT\}\/pgdata/)],
    ['staging data folder of its own', documented('instances/staging.env.example', 'DATA_ROOT=/mnt/data/instances/staging')],
    ['instances listed in the docs', documented('docs/architecture.md', '| `staging` | staging.housing-portal.localhost |')],
    ['local.yml vs staging.yml', documented('docs/architecture.md', '| staging.yml with PORTAL_INSTANCE in the container names |')],
    ['dev ports (local.yml)', devPorts('db')],
  ],
  sagui: [
    ['database', container('db', /postgis/)],
    ['database init files', repo => assert.ok(existsSync(join(repo.root, 'postgres/initdb/01-extensions.sql')))],
    // the team's own image now (facts in sagui.facts.test.ts); its entrypoint migrates at start
    ['backend (django)', container('backend', /^pigeosolutions\/sagui-backend:2\.3\.1$/)],
    [
      'django migrations run at start',
      repo => assert.equal(service(repo, 'backend').entrypoint, undefined, 'the image entrypoint (migrate, collectstatic) is kept'),
    ],
    ['nginx', container('nginx', /nginx/)],
    ['nginx serves static files', route('/backend_static/', /alias \/srv\/django-static\//)],
    ['pg-tileserv', container('tileserver')],
    [
      'pg-tileserv waits for the database',
      repo => assert.deepEqual((repo.compose('base').services.tileserver!.depends_on as Record<string, unknown>).db, { condition: 'service_healthy' }),
    ],
    ['pg-tileserv-base as a build stage', documented('tileserver/Dockerfile', ' AS ')],
    ['varnish proxy and cache', container('varnish', /varnish/)],
    ['tiles through varnish', documented('varnish/default.vcl', 'be_tileserver')],
    ['scheduler in prod only', prodOnly('scheduler')],
    ['scheduler job settings', env('SCHEDULER_COMMAND', 'SCHEDULER_INTERVAL_SECONDS')],
    ['dev opens ports', devPorts('varnish')],
    [
      'prod uses secrets',
      repo => assert.ok(Object.keys((parse(repo.read('docker-compose.prod.yml')) as { secrets: object }).secrets).includes('postgres_password')),
    ],
    ['base opens no port', repo => assert.ok(Object.values(repo.compose('base').services).every(s => s.ports === undefined))],
    ['mapping documented', documented('docs/architecture.md', 'varnish as the single entry point')],
  ],
  // the cargo images of EveraertJan/testing: their facts are in mupets.facts.test.ts
  mupets: [
    ['node server (the log service image)', container('backend', /^mupets\/log-service:2\.3\.1$/)],
    ['redis (broker)', container('redis', /^redis:/)],
    ['admin cargo container', container('admin', /^mupets\/admin:2\.3\.1$/)],
    ['log-archiver cargo container', container('log-archiver', /^mupets\/log-archiver:2\.3\.1$/)],
    ['kafka', container('kafka', /kafka/)],
    ['zookeeper', container('zookeeper', /zookeeper/)],
    ['nginx', container('nginx', /nginx/)],
    ['admin routed on admin.<domain>', repo => assert.match(repo.read('nginx/snippets/hosts/admin.conf'), /location \/ \{[^}]*proxy_pass http:\/\/admin;/)],
    ['kafka storage', repo => assert.ok(Object.keys(repo.compose('base').volumes ?? {}).some(v => v.startsWith('kafka')))],
    ['mapping documented', documented('docs/architecture.md', 'df.dev.yml / df.prod.yml')],
  ],
  // facts of IDSIA/MLprod at MLPROD (the commit read), each with the file it was read from
  mlp: [
    upstream('API image mlprod.api', 'docker/docker-compose.yaml', container('backend', /^mlprod\.api:2\.3\.1$/)),
    upstream('worker image mlprod.node', 'docker/docker-compose.yaml', container('worker', /^mlprod\.node:2\.3\.1$/)),
    upstream('uvicorn listens on 4789 (EXPOSE 4789)', 'docker/Dockerfile.api', repo =>
      assert.match(JSON.stringify(service(repo, 'backend').healthcheck), /127\.0\.0\.1:4789\//),
    ),
    upstream('the image CMD runs the API (no command in compose)', 'docker/Dockerfile.api', repo => assert.equal(service(repo, 'backend').command, undefined)),
    upstream('the image CMD runs the Celery worker', 'docker/Dockerfile.node', repo => assert.equal(service(repo, 'worker').command, undefined)),
    upstream(
      'API reads DATABASE_URL postgresql://user:pass@host/schema',
      'src/mlprod/database/database.py',
      setting('backend', 'DATABASE_URL', 'postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/${POSTGRES_DB}'),
    ),
    upstream(
      'worker reads the same DATABASE_URL',
      'docker/docker-compose.yaml',
      setting('worker', 'DATABASE_URL', 'postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db/${POSTGRES_DB}'),
    ),
    upstream(
      'API reads CELERY_BROKER_URL (pyamqp)',
      'src/mlprod/worker/celery.py',
      setting('backend', 'CELERY_BROKER_URL', 'pyamqp://${RABBITMQ_USER}:${RABBITMQ_PASSWORD}@rabbitmq:5672/${RABBITMQ_VHOST}'),
    ),
    upstream(
      'worker reads CELERY_BROKER_URL',
      'docker/docker-compose.yaml',
      setting('worker', 'CELERY_BROKER_URL', 'pyamqp://${RABBITMQ_USER}:${RABBITMQ_PASSWORD}@rabbitmq:5672/${RABBITMQ_VHOST}'),
    ),
    upstream(
      'API reads CELERY_BACKEND_URL (redis)',
      'src/mlprod/worker/celery.py',
      setting('backend', 'CELERY_BACKEND_URL', 'redis://:${REDIS_PASSWORD}@redis:6379/0'),
    ),
    upstream(
      'worker reads CELERY_BACKEND_URL',
      'docker/docker-compose.yaml',
      setting('worker', 'CELERY_BACKEND_URL', 'redis://:${REDIS_PASSWORD}@redis:6379/0'),
    ),
    upstream('worker is given CELERY_QUEUE (empty)', 'docker/docker-compose.yaml', setting('worker', 'CELERY_QUEUE', '')),
    upstream('neither image gets names of ours', 'docker/docker-compose.yaml', repo => {
      for (const name of ['backend', 'worker']) assert.equal((service(repo, name).environment as Record<string, string>).POSTGRES_HOST, undefined, name);
    }),
    upstream('DATABASE_HOST=database: the database answers as database', 'README.md', repo =>
      assert.deepEqual(service(repo, 'db').networks, { internal: { aliases: ['database'] } }),
    ),
    upstream('the broker is dialled as rabbitmq', 'README.md', container('rabbitmq', /rabbitmq/)),
    upstream('the result backend is dialled as redis', 'README.md', container('redis', /^redis:/)),
    upstream('worker depends on redis, rabbitmq, database', 'docker/docker-compose.yaml', repo =>
      assert.deepEqual(Object.keys(service(repo, 'worker').depends_on as object), ['db', 'rabbitmq', 'redis']),
    ),
    upstream('API depends on the database', 'docker/docker-compose.yaml', repo => assert.ok('db' in (service(repo, 'backend').depends_on as object))),
    upstream('the worker writes trained models under /app/models', 'src/mlprod/worker/tasks/train.py', storage('models', 'worker', '/app/models')),
    upstream("GET / is the API's root route (no /health)", 'src/mlprod/api/routes.py', repo =>
      assert.match(JSON.stringify(service(repo, 'backend').healthcheck), /urlopen\('http:\/\/127\.0\.0\.1:4789\/'/),
    ),
    upstream('PostgreSQL', 'docker/docker-compose.yaml', container('db', /postgis/)),
    upstream('Prometheus', 'docker/docker-compose.yaml', container('prometheus', /prometheus/)),
    upstream('Grafana with sign-up off (GF_USERS_ALLOW_SIGN_UP=false)', 'docker/docker-compose.yaml', repo =>
      assert.equal((service(repo, 'grafana').environment as Record<string, string>).GF_USERS_ALLOW_SIGN_UP, 'false'),
    ),
    upstream('GRAFANA_ADMIN_PASS', 'README.md', env('GRAFANA_ADMIN_PASSWORD')),
    upstream(
      'a PostgreSQL data source (uid zNqkUPk4k, the one the dashboards name) on the database',
      'grafana/provisioning/datasources/datasources.yml',
      repo => {
        const source = (parse(repo.read('grafana/provisioning/datasources/postgres.yml')) as { datasources: Record<string, unknown>[] }).datasources[0]!;
        assert.deepEqual([source.type, source.uid, source.url], ['postgres', 'zNqkUPk4k', 'db:5432']);
        // read through a role of its own, the password from its secret file: never in the tracked file
        assert.equal((source.secureJsonData as Record<string, string>).password, '$__file{/run/secrets/grafana_db_password}');
        assert.equal((service(repo, 'grafana').environment as Record<string, string>).PG_DATASOURCE_USER, 'grafana_reader');
      },
    ),
    upstream('Traefik routes DOMAIN', 'docker/docker-compose.traefik.yaml', documented('traefik/dynamic/portal.yml', 'Host(`mlp.localhost`)')),
    upstream('DOMAIN in .env', 'README.md', env('DOMAIN')),
    ['env mapping documented', documented('docs/architecture.md', 'DATABASE_USER, DATABASE_PASS')],
  ],
};

describe('each preset rebuilds its seed deployment', () => {
  for (const [preset, elements] of Object.entries(PRESET_ELEMENTS)) {
    describe(preset, () => {
      let repo: Repo;
      before(async () => {
        repo = open(await generate({ preset, imageTag: '2.3.1' }));
      });
      for (const [seed, holds] of elements) it(seed, () => holds(repo));
    });
  }
});

describe('presets and the command line', () => {
  it('options given on the command line override the preset', async () => {
    const repo = open(
      await generate({
        preset: 'sagui',
        imageTag: '2.3.1',
        name: 'sagui-ke',
        domain: 'sagui.example.org',
        services: 'postgis,tileserver,varnish,nginx,scheduler,prometheus',
      }),
    );
    const stored = JSON.parse(repo.read('.yo-rc.json'))['generator-portal'];
    assert.equal(stored.name, 'sagui-ke');
    assert.equal(stored.preset, 'sagui');
    assert.ok(repo.compose('base').services.prometheus);
    assert.match(repo.read('.env'), /^DOMAIN=sagui\.example\.org$/m);
  });

  it("a preset re-run keeps the repo's name, apps and instances, and refreshes the preset's own image tags", async () => {
    const root = await generate({ preset: 'systemapic', imageTag: '2.3.1', name: 'acme-maps' });
    const app = portal(['add', 'app', 'live', '--image', 'acme/live:1.0.0', '--port', '8080'], root);
    assert.equal(app.status, 0, app.stderr);
    const instance = portal(['instance', 'add', 'eu', '--domain', 'eu.example.org'], root);
    assert.equal(instance.status, 0, instance.stderr);
    const rerun = portal(['--preset', 'systemapic', '--image-tag', '2.4.0', '--yes'], root);
    assert.equal(rerun.status, 0, rerun.stderr);
    const stored = JSON.parse(readFileSync(join(root, '.yo-rc.json'), 'utf8'))['generator-portal'];
    assert.equal(stored.name, 'acme-maps');
    assert.equal(stored.backendImage, 'systemapic/wu:2.4.0');
    assert.deepEqual(
      stored.apps.map((a: { id: string; image: string }) => `${a.id} ${a.image}`),
      ['pile systemapic/pile:2.4.0', 'live acme/live:1.0.0'],
    );
    assert.deepEqual(stored.instances, [{ name: 'eu', domain: 'eu.example.org' }]);
    // without a new tag the same preset changes nothing; another preset is refused
    const before = readFileSync(join(root, '.yo-rc.json'), 'utf8');
    const again = portal(['--preset', 'systemapic', '--yes'], root);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(readFileSync(join(root, '.yo-rc.json'), 'utf8'), before);
    const other = portal(['--preset', 'sagui', '--yes'], root);
    assert.equal(other.status, 2);
    assert.match(other.stderr, /Invalid --preset "sagui": this portal was generated with preset systemapic; a preset starts a new portal/);
  });

  it('a database that keeps its root password in its data is not rotated by portal secrets --rotate', async () => {
    const root = await generate({ services: 'mongodb,nginx' });
    const env = () => readFileSync(join(root, '.env'), 'utf8');
    const mongo = /^MONGO_PASSWORD=(\w+)$/m.exec(env())?.[1];
    const run = portal(['secrets', '--rotate'], root);
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /Not rotated: mongo_root_password \(the server keeps it in its data; mongosh: /);
    assert.equal(/^MONGO_PASSWORD=(\w+)$/m.exec(env())?.[1], mongo);
  });
});
