/** The import's pure rules, row by row: which image is which service, and how a variable's value is rewritten. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { catalogKind, imageRepository } from './catalog-match.js';
import { rewriteSettings, type StoreRef } from './settings.js';

const STORES = new Map<string, StoreRef>([
  ['database', { store: 'postgis', host: 'db', port: 5432, fields: ['user', 'password', 'db'], old: { user: 'mlp', password: 'hunter2', db: 'mlpdb' } }],
  ['redis', { store: 'redis', host: 'redis', port: 6379, fields: ['password'], old: {} }],
  ['redislayers', { store: 'redis-layers', host: 'redis-layers', port: 6379, fields: ['password'], old: {} }],
  ['rabbitmq', { store: 'rabbitmq', host: 'rabbitmq', port: 5672, fields: ['user', 'password', 'vhost'], old: {} }],
  ['wu', { store: 'backend', host: 'backend', port: 3001, fields: [], old: {} }],
]);
const APPS = new Map([
  ['pile', 'pile'],
  ['scheduler', 'scheduler-app'],
]);

describe('import: catalog images', () => {
  const rows: [string | undefined, string | undefined, string | undefined][] = [
    ['kartoza/postgis:12.1', undefined, 'postgis'],
    ['postgres', undefined, 'postgis'],
    ['docker.io/library/redis:3.0', undefined, 'redis'],
    ['systemapic/mongo:latest', undefined, 'mongodb'],
    ['pigeosolutions/pg_tileserv:latest', undefined, 'tileserver'],
    ['pgbouncer/pgbouncer', undefined, 'pgbouncer'],
    ['prodrigestivill/postgres-backup-local', undefined, 'backup'],
    ['grafana/grafana-oss', undefined, 'grafana'],
    ['nginx:alpine', undefined, 'edge'],
    ['mailhog/mailhog', undefined, 'mailpit'],
    ['confluentinc/cp-zookeeper:7.7.1', undefined, 'zookeeper'],
    ['donnex/pgweb', undefined, undefined],
    ['mlprod.api:1.0', undefined, undefined],
    [undefined, 'images/redis-broker', 'redis'],
    [undefined, 'images/auth', undefined],
  ];
  for (const [image, context, kind] of rows) it(`${image ?? context} -> ${kind ?? 'an app'}`, () => assert.equal(catalogKind(image, context), kind));
  it('the repository without registry, library/ and tag', () => {
    assert.equal(imageRepository('registry.example.org:5000/acme/api:1.2'), 'acme/api');
    assert.equal(imageRepository('library/redis'), 'redis');
  });
});

describe('import: variables', () => {
  const rows: [string, string, string, boolean?][] = [
    ['DATABASE_URL', 'postgresql://mlp:hunter2@database/mlpdb', 'postgresql://{postgis.user}:{postgis.password}@{postgis.host}/{postgis.db}', true],
    ['DATABASE_URL', 'postgres://database:5432/mlpdb', 'postgres://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}'],
    ['CELERY_BACKEND_URL', 'redis://redis/', 'redis://:{redis.password}@{redis.host}/'],
    ['CELERY_BROKER_URL', 'pyamqp://rabbitmq/', 'pyamqp://{rabbitmq.user}:{rabbitmq.password}@{rabbitmq.host}:{rabbitmq.port}/{rabbitmq.vhost}'],
    ['LAYERS_URL', 'redis://redislayers:6379/1', 'redis://:{redis-layers.password}@{redis-layers.host}:{redis-layers.port}/1'],
    ['DB_HOST', 'database', '{postgis.host}'],
    ['WAIT_HOSTS', 'database:5432', '{postgis.host}:{postgis.port}'],
    ['DB_PASS', 'hunter2', '{postgis.password}', true],
    ['DB_USER', 'mlp', '{postgis.user}'],
    ['DB_NAME', 'mlpdb', '{postgis.db}'],
    ['API_URL', 'http://wu:3001/api', 'http://{backend.host}:{backend.port}/api'],
    ['TILES', 'http://pile:3003/v2', 'http://pile:3003/v2'],
    ['JOBS', 'scheduler', 'scheduler-app'],
    ['SENTRY_DSN', 'https://abc123@sentry.example.org/4', 'https://{secret}@sentry.example.org/4', true],
    ['SMTP_URL', 'smtp://mail:pw@smtp.example.org:25', 'smtp://mail:{secret}@smtp.example.org:25', true],
    ['SECRET_KEY', 'not-a-real-key', '{secret}', true],
    ['MAPBOX_ACCESS_TOKEN', 'pk.abc', '{secret}', true],
    ['DEBUG', 'False', 'False'],
    ['STATIC_ROOT', '/static/', '/static/'],
    ['TEMPLATE', 'x{y}', 'x{{y}}'],
  ];
  for (const [name, value, expected, replaced] of rows) {
    it(`${name}=${value} -> ${expected}`, () => {
      const out = rewriteSettings(new Map([[name, value]]), STORES, APPS, new Map());
      assert.equal(out.settings[name], expected);
      assert.equal(out.replacedSecrets.includes(name), replaced === true);
    });
  }
  it("the port beside a store host is the store's, whatever the old one was", () => {
    const out = rewriteSettings(
      new Map([
        ['PG_HOST', 'database'],
        ['PG_PORT', '5439'],
      ]),
      STORES,
      APPS,
      new Map(),
    );
    assert.deepEqual(out.settings, { PG_HOST: '{postgis.host}', PG_PORT: '{postgis.port}' });
    assert.match(out.notes.join('\n'), /PG_PORT: was 5439; now \{postgis\.port\} \(5432\)/);
  });
  it("a docker secret file becomes a file setting: the store's password or a generated secret", () => {
    const secrets = new Map([['pg_password', { ...STORES.get('database')!, field: 'password' as const }]]);
    const out = rewriteSettings(
      new Map([
        ['POSTGRES_PASSWORD_FILE', '/run/secrets/pg_password'],
        ['API_TOKEN_FILE', '/run/secrets/api_token'],
      ]),
      STORES,
      APPS,
      secrets,
    );
    assert.deepEqual(out.settings, { POSTGRES_PASSWORD: '{postgis.password}', API_TOKEN: '{secret}' });
    assert.deepEqual(out.fileSettings, ['POSTGRES_PASSWORD', 'API_TOKEN']);
  });
  it('a variable without a value is kept by name, empty, and said', () => {
    const out = rewriteSettings(new Map([['NODE_CONFIG', null]]), STORES, APPS, new Map());
    assert.deepEqual(out.settings, { NODE_CONFIG: '' });
    assert.match(out.notes[0]!, /NODE_CONFIG: no value/);
  });
});
