/** Redis per server: memory, eviction, persistence and auth from the answers, into redis.conf and compose. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../../testing/model.js';
import { renderCompose } from '../../render/compose.js';
import { planFiles } from '../../render/file-plan.js';
import { EXCEPTION_LABEL } from '../types.js';

const OPEN = 'off:scratch data, reached only from the internal network';
const stack = (redisSettings: object, extra: object = {}) => {
  const model = modelOf({ services: 'postgis,redis,nginx,prometheus', redisRoles: 'temp,layers', redisSettings, ...extra });
  const files = new Map(planFiles(model, name => `secret-${name}`).map(file => [file.path, String(file.content)]));
  return { model, files, ...renderCompose(model) };
};
/** Config lines without comments. */
const conf = (text: string | undefined): string[] => (text ?? '').split('\n').filter(line => line && !line.startsWith('#'));

describe('redis settings', () => {
  it('without settings, every server is as before: 256mb, AOF, one shared stores.conf for the roles', () => {
    const { files } = stack({});
    assert.ok(conf(files.get('redis/redis.conf')).includes('maxmemory 256mb'));
    assert.ok(conf(files.get('redis/stores.conf')).includes('maxmemory-policy noeviction'));
    assert.ok(conf(files.get('redis/stores.conf')).includes('appendonly yes'));
    assert.ok(!files.has('redis/redis-temp.conf'));
  });

  it('a role with settings gets its own file: memory, policy, RDB with its file name', () => {
    const { files, base } = stack({ 'redis-temp': { maxmemory: '2gb', policy: 'allkeys-lfu', persistence: 'rdb', file: 'temp.rdb' } });
    const lines = conf(files.get('redis/redis-temp.conf'));
    for (const line of ['maxmemory 2gb', 'maxmemory-policy allkeys-lfu', 'appendonly no', 'dbfilename temp.rdb']) assert.ok(lines.includes(line), line);
    assert.ok((base.services['redis-temp']!.volumes as string[]).includes('./redis/redis-temp.conf:/usr/local/etc/redis/redis.conf:ro'));
    // the other role keeps the shared file
    assert.ok((base.services['redis-layers']!.volumes as string[]).includes('./redis/stores.conf:/usr/local/etc/redis/redis.conf:ro'));
    // the container may hold what Redis may: 2048m plus a quarter and room for the process
    assert.equal((base.services['redis-temp'] as Record<string, unknown>).mem_limit, '2624m');
  });

  it("an AOF file name is the append-only file's", () => {
    const lines = conf(stack({ 'redis-layers': { persistence: 'aof', file: 'layers.aof' } }).files.get('redis/redis-layers.conf'));
    assert.ok(lines.includes('appendonly yes') && lines.includes('appendfilename "layers.aof"'));
  });

  it('auth off: no password, no secret, no port even in dev, protected mode off, recorded with its reason', () => {
    const { base, dev, prod, files, model } = stack({ 'redis-temp': { auth: OPEN } });
    const temp = base.services['redis-temp']!;
    assert.deepEqual(temp.command, ['redis-server', '/usr/local/etc/redis/redis.conf']);
    assert.ok((temp.labels as string[]).includes(`${EXCEPTION_LABEL}RDS-02=${OPEN.slice(4)}`));
    assert.deepEqual(temp.networks, ['internal']);
    assert.equal(dev.services['redis-temp']?.ports, undefined);
    assert.equal(prod.services['redis-temp']?.secrets, undefined);
    assert.ok(conf(files.get('redis/redis-temp.conf')).includes('protected-mode no'));
    assert.ok(!model.secrets.some(secret => secret.name === 'redis_temp_password'));
    // its exporter dials it without a password
    assert.equal(base.services['redis-temp-exporter']!.entrypoint, undefined);
    // the role with auth keeps all of it
    assert.match(JSON.stringify(base.services['redis-layers']!.command), /--requirepass/);
  });

  it('an app cannot name the password of a server without one', () => {
    assert.throws(
      () =>
        stack(
          { 'redis-temp': { auth: OPEN } },
          { apps: [{ id: 'api', image: 'acme/api:1.0', port: 80, settings: { URL: 'redis://:{redis-temp.password}@{redis-temp.host}/0' } }] },
        ),
      /redis-temp/,
    );
  });
});
