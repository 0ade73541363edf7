import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from 'generator-portal/testing/model.js';
import { renderCompose } from 'generator-portal/render/compose.js';
import { recordedException } from '../checklist/exceptions.js';
import { EXCEPTION_LABEL } from 'generator-portal/catalog/types.js';
import { toYaml } from 'generator-portal/shared/yaml-document.js';

const api = (contract: Record<string, unknown>) => ({ id: 'api', image: 'acme/api:1.2.0', port: 8080, ...contract });
const stack = (services: string, ...apps: Record<string, unknown>[]) => {
  const model = modelOf({ services, apps });
  return { model, ...renderCompose(model), container: (name: string) => model.containers.find(c => c.name === name)! };
};

const DATABASE_URL = 'postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}';

describe('app contracts', () => {
  it('gives an app its settings under its own names, and none of ours', () => {
    const { base } = stack(
      'postgis,redis,nginx',
      api({ settings: { DATABASE_URL, CACHE: 'redis://:{redis.password}@{redis.host}:{redis.port}/1', SITE: 'https://{domain}/', PRICE: '5$' } }),
    );
    assert.deepEqual(base.services.api!.environment, {
      DATABASE_URL: 'postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}',
      CACHE: 'redis://:${REDIS_PASSWORD}@redis:6379/1',
      SITE: 'https://${DOMAIN}/',
      // a literal dollar must reach the app as one: compose reads $$ as $
      PRICE: '5$$',
    });
    assert.deepEqual(Object.keys(base.services.api!.depends_on ?? {}), ['db', 'redis']);
  });

  it('keeps the shared settings for an app that declares none', () => {
    const { base } = stack('postgis,redis,nginx', api({}));
    assert.equal(base.services.api!.environment?.POSTGRES_HOST, 'db');
  });

  it('dials the pooler when PgBouncer stands in front of PostGIS', () => {
    const { base } = stack('postgis,pgbouncer,nginx', api({ settings: { DATABASE_URL, PGHOST: '{postgis.host}' } }));
    assert.equal(base.services.api!.environment?.PGHOST, 'pgbouncer');
    assert.deepEqual(Object.keys(base.services.api!.depends_on ?? {}), ['pgbouncer']);
  });

  it('hands a file setting over as NAME_FILE: from secrets/ in dev, as a Docker secret in prod', () => {
    const { model, dev, prod } = stack(
      'postgis,nginx',
      api({ settings: { SECRET_KEY: '{secret}', DB_PASSWORD: '{postgis.password}' }, fileSettings: ['SECRET_KEY', 'DB_PASSWORD'] }),
    );
    assert.deepEqual(
      model.secrets.find(s => s.name === 'api_secret_key'),
      { name: 'api_secret_key', env: 'API_SECRET_KEY', purpose: 'SECRET_KEY of app api' },
    );
    assert.equal(dev.services.api!.environment?.SECRET_KEY_FILE, '/run/secrets/api_secret_key');
    assert.ok(dev.services.api!.volumes?.includes('./secrets/postgres_password:/run/secrets/postgres_password:ro'));
    assert.equal(dev.services.api!.environment?.SECRET_KEY, undefined);
    assert.deepEqual(prod.services.api!.secrets, ['api_secret_key', 'postgres_password']);
    assert.equal(prod.services.api!.environment?.DB_PASSWORD_FILE, '/run/secrets/postgres_password');
    assert.ok(prod.secrets?.api_secret_key);
  });

  it('records a secret read from a variable as a CMP-24 exception on the service', () => {
    const { base } = stack('postgis,nginx', api({ settings: { DATABASE_URL } }));
    const label = base.services.api!.labels?.find(l => l.startsWith(`${EXCEPTION_LABEL}CMP-24=`));
    assert.match(label ?? '', /reads DATABASE_URL as variables holding secrets/);
  });

  it('answers the host names the app dials on the store containers, the pooler included', () => {
    const { base } = stack('postgis,redis,nginx', api({ aliases: { postgis: 'postgis', cache: 'redis' } }));
    assert.deepEqual(base.services.db!.networks, { internal: { aliases: ['postgis'] } });
    assert.deepEqual(base.services.redis!.networks, { internal: { aliases: ['cache'] } });
    const pooled = stack('postgis,pgbouncer,nginx', api({ aliases: { postgis: 'postgis' } }));
    assert.deepEqual(pooled.base.services.pgbouncer!.networks, { internal: { aliases: ['postgis'] } });
    assert.ok(Array.isArray(pooled.base.services.db!.networks));
  });

  it('reaches a Redis role server by its store name', () => {
    const model = modelOf({
      services: 'redis,nginx',
      redisRoles: 'layers',
      apps: [api({ settings: { LAYERS: 'redis://:{redis-layers.password}@{redis-layers.host}:6379' }, aliases: { redislayers: 'redis-layers' } })],
    });
    const { base } = renderCompose(model);
    assert.equal(base.services.api!.environment?.LAYERS, 'redis://:${REDIS_LAYERS_PASSWORD}@redis-layers:6379');
    assert.deepEqual(base.services['redis-layers']!.networks, { internal: { aliases: ['redislayers'] } });
  });

  it('runs as the image user, with a writable root or in-memory paths, each departure recorded', () => {
    const own = stack('nginx', api({ user: 'image', readWriteRoot: 'writes its compiled templates next to its code' })).base.services.api!;
    assert.equal(own.user, undefined);
    assert.equal(own.read_only, undefined);
    assert.deepEqual(own.labels, [
      `${EXCEPTION_LABEL}CMP-09=writes its compiled templates next to its code`,
      `${EXCEPTION_LABEL}CMP-26=runs as its image's own USER (its contract)`,
    ]);
    const tmp = stack('nginx', api({ user: '1000:1001', writable: ['/app/logs'] })).base.services.api!;
    assert.equal(tmp.user, '1000:1001');
    assert.equal(tmp.read_only, true);
    assert.deepEqual(tmp.tmpfs, ['/tmp:size=64m', '/app/logs:uid=1000,gid=1001,mode=0750,size=64m']);
    assert.equal(tmp.labels, undefined);
  });

  it('probes by HTTP path, TCP port or command, or records why not', () => {
    const test = (health: string) => stack('nginx', api({ health })).base.services.api!.healthcheck?.test[1];
    assert.match(test('http:/status')!, /wget -q -O \/dev\/null http:\/\/127.0.0.1:8080\/status/);
    assert.match(test('tcp:8080')!, /nc -z 127.0.0.1 8080/);
    assert.equal(test('cmd:test -f $HOME/ready'), 'test -f $$HOME/ready');
    const none = stack('nginx', api({ health: 'none:an SMTP relay with no tool to probe with' }));
    assert.equal(none.base.services.api!.healthcheck, undefined);
    assert.equal(none.container('api').healthExemption, 'an SMTP relay with no tool to probe with');
    assert.ok(none.base.services.api!.labels?.includes(`${EXCEPTION_LABEL}CMP-14=an SMTP relay with no tool to probe with`));
  });

  it('puts dev-only settings in the dev override and replaces the command', () => {
    const { base, dev } = stack('nginx', api({ settings: { MODE: 'serve' }, devSettings: { DEBUG: '1' }, command: ['node', 'server.js'] }));
    assert.equal(base.services.api!.environment?.DEBUG, undefined);
    assert.equal(dev.services.api!.environment?.DEBUG, '1');
    assert.deepEqual(base.services.api!.command, ['node', 'server.js']);
  });

  it('lets the checklist accept a recorded reason only for the rules an app contract may waive', () => {
    const service = { labels: { [`${EXCEPTION_LABEL}CMP-09`]: 'a reason', [`${EXCEPTION_LABEL}CMP-01`]: 'privileged please' } };
    assert.equal(recordedException('CMP-09', service), 'a reason');
    assert.equal(recordedException('CMP-01', service), undefined);
    assert.equal(recordedException('CMP-26', { labels: [`${EXCEPTION_LABEL}CMP-26=  `] }), undefined);
  });

  it('gives a prebuilt backend image its contract the same way', () => {
    const model = modelOf({
      backend: 'image',
      backendImage: 'mlprod.api:1.0',
      backendPort: 4789,
      services: 'postgis,redis,nginx',
      backendContract: { settings: { DATABASE_URL }, aliases: { database: 'postgis' }, health: 'http:/' },
    });
    const { base } = renderCompose(model);
    assert.deepEqual(base.services.backend!.environment, { DATABASE_URL: 'postgresql://${POSTGRES_USER}:${POSTGRES_PASSWORD}@db:5432/${POSTGRES_DB}' });
    assert.deepEqual(base.services.db!.networks, { internal: { aliases: ['database'] } });
    assert.match(base.services.backend!.healthcheck!.test[1]!, /http:\/\/127.0.0.1:4789\/ /);
    assert.throws(
      () => modelOf({ backend: 'django', backendContract: { settings: { X: '1' } } }),
      /Invalid backendContract: expected it only with --backend image/,
    );
  });

  it('never lets compose read a $ of a command or a recorded reason as a host variable, nor YAML misread a value', () => {
    const { base } = stack('nginx', api({ command: ['sh', '-c', 'echo $HOME'], health: 'none:costs ${HOME} and $5, no probe' }));
    assert.deepEqual(base.services.api!.command, ['sh', '-c', 'echo $$HOME']);
    assert.ok(base.services.api!.labels?.includes(`${EXCEPTION_LABEL}CMP-14=costs $\${HOME} and $$5, no probe`));
    assert.equal(toYaml({ a: '=', b: '<<', c: '0o17', d: 'plain' }), 'a: "="\nb: !!str "<<"\nc: "0o17"\nd: plain\n');
  });
});
