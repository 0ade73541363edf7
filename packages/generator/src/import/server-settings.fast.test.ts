/** The import's rules for what old command lines, variables and labels said to stock servers and to Traefik. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelRouting } from './labels.js';
import { postgresFromFacts, redisFromCommand, redisHadPassword } from './server-settings.js';
import { serviceFacts } from './service-facts.js';
import { mapDeployment } from './map-deployment.js';
import type { LoadedCompose } from './compose-load.js';

const facts = (raw: Record<string, unknown>) => serviceFacts('old', raw as Parameters<typeof serviceFacts>[1]);

describe('import: redis-server command lines', () => {
  it('memory, eviction and AOF become redisSettings', () => {
    const found = redisFromCommand(facts({ image: 'redis:7', command: 'redis-server --appendonly yes --maxmemory 256mb --maxmemory-policy allkeys-lru' }));
    assert.deepEqual(found.settings, { maxmemory: '256mb', policy: 'allkeys-lru', persistence: 'aof' });
    assert.deepEqual(found.notes, []);
  });
  it('a sh -c wrapper, a snapshot file and an unknown flag', () => {
    const found = redisFromCommand(facts({ image: 'redis:7', command: ['sh', '-c', 'redis-server --save 60 1 --dbfilename cache.rdb --tcp-keepalive 60'] }));
    assert.deepEqual(found.settings, { persistence: 'rdb', file: 'cache.rdb' });
    assert.match(found.notes.join('\n'), /--tcp-keepalive: not answers/);
  });
  it('values the answers refuse are reported, not carried', () => {
    const found = redisFromCommand(facts({ image: 'redis:7', command: 'redis-server --maxmemory 10 --maxmemory-policy lru-please' }));
    assert.deepEqual(found.settings, {});
    assert.equal(found.notes.length, 2);
  });
  it('a config file is named, not read', () => {
    assert.match(
      redisFromCommand(facts({ image: 'redis:3', command: 'redis-server /cfg/redis.layers.conf' })).notes.join(),
      /config file \/cfg\/redis\.layers\.conf/,
    );
  });
  it('requirepass is seen', () => {
    assert.equal(redisHadPassword(facts({ image: 'redis:7', command: 'redis-server --requirepass x' })), true);
    assert.equal(redisHadPassword(facts({ image: 'redis:7' })), false);
  });
});

describe('import: postgres variables and -c settings', () => {
  it('POSTGRES_MULTIPLE_DATABASES and tuning become the postgres answer', () => {
    const found = postgresFromFacts(
      facts({
        image: 'postgres:15',
        environment: { POSTGRES_DB: 'main', POSTGRES_MULTIPLE_DATABASES: 'main,gis, keycloak,Bad-Name' },
        command: 'postgres -c shared_buffers=256MB -c max_connections=200 -c fsync=off',
      }),
      'portal',
    );
    assert.deepEqual(found.settings, { databases: ['gis', 'keycloak'], settings: { shared_buffers: '256MB', max_connections: '200' } });
    assert.match(found.notes.join('\n'), /Bad-Name/);
    assert.match(found.notes.join('\n'), /fsync=off: not a tuning setting/);
  });
});

describe('import: Traefik labels', () => {
  it('a v2 buffering middleware sets the route body size', () => {
    const routing = labelRouting(
      new Map([
        ['traefik.http.routers.up.rule', 'Host(`files.x.org`)'],
        ['traefik.http.routers.up.middlewares', 'limit@docker'],
        ['traefik.http.middlewares.limit.buffering.maxRequestBodyBytes', '104857600'],
      ]),
    );
    assert.deepEqual(routing.routes, [{ hosts: ['files.x.org'], maxBodyBytes: 104857600 }]);
  });
});

describe('import: answers from routes, pooler, servers and profiles', () => {
  const compose = (services: Record<string, Record<string, unknown>>): LoadedCompose =>
    ({ services: new Map(Object.entries(services)), volumes: {}, networks: {}, secrets: {}, unset: [] }) as unknown as LoadedCompose;
  it('host rules become sub-domain routes; pooler port and mode, redis, postgres and profiles become answers', () => {
    const { answers, report } = mapDeployment(
      compose({
        web: {
          image: 'acme/web:1.0.0',
          labels: { 'traefik.http.routers.web.rule': 'Host(`x.org`)', 'traefik.http.services.web.loadbalancer.server.port': '80' },
          environment: { DB_HOST: 'pool', DB_PORT: '6432', CACHE_URL: 'redis://cache:6379/0' },
        },
        admin: {
          image: 'acme/admin:1.0.0',
          labels: { 'traefik.frontend.rule': 'Host:admin.x.org', 'traefik.port': '8080', 'traefik.backend.buffering.maxRequestBodyBytes': '52428800' },
        },
        api: { image: 'acme/api:1.0.0', labels: { 'traefik.frontend.rule': 'Host:api.x.org; PathPrefix:/v1', 'traefik.port': '9000' } },
        pool: { image: 'edoburu/pgbouncer:1.21.0', expose: ['6432'], environment: { POOL_MODE: 'transaction' } },
        database: { image: 'postgis/postgis:16-3.4', command: 'postgres -c work_mem=16MB' },
        cache: { image: 'redis:7', command: 'redis-server --maxmemory 128mb --maxmemory-policy allkeys-lfu' },
        broker: { image: 'bitnami/kafka:3.6', profiles: ['kafka'] },
      }),
      { folderName: 'acme', reservedNames: new Set(['db', 'redis', 'pgbouncer', 'kafka']) },
    );
    assert.equal(answers.domain, 'x.org');
    assert.deepEqual(
      (answers.apps as { id: string; routes?: unknown }[]).map(a => [a.id, a.routes]),
      [
        ['admin', [{ path: '/', host: 'admin', bodySize: '50m' }]],
        ['api', [{ path: '/v1/', host: 'api' }]],
      ],
    );
    assert.equal(answers.pgbouncerPort, 6432);
    assert.equal(answers.pgbouncerPoolMode, 'transaction');
    assert.deepEqual(answers.postgres, { settings: { work_mem: '16MB' } });
    assert.deepEqual(answers.redisSettings, { redis: { maxmemory: '128mb', policy: 'allkeys-lfu' } });
    assert.deepEqual(answers.alternatives, ['kafka']);
    assert.match(report.notExpressed.join('\n'), /cache: had no password; redis now asks for one/);
    assert.equal((answers.backendContract as { settings: Record<string, string> }).settings.DB_PORT, '{pgbouncer.port}');
  });
});
