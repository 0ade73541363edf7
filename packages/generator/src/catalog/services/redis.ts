/** Redis: cache and (without RabbitMQ) the Celery broker; password required, no eviction when it holds tasks. */
import { IMAGES } from '../images.js';
import { limits, requireSecret, secretValue, shellProbe } from '../defaults.js';
import { defineService, type ContainerSpec, type Contribution, type FileSpec, type StoreConnection } from '../types.js';
import { authOffReason, memoryBytes, type RedisSettings } from '../../answers/redis-settings.js';

const CONFIG = '/usr/local/etc/redis/redis.conf';

/** One Redis server and, with Prometheus, its exporter: shared by the main server and each named role. */
export interface RedisServer {
  readonly name: string;
  readonly role: string;
  readonly secret: string;
  readonly env: string;
  readonly storage: string;
  readonly purpose: string;
  readonly config: string;
  readonly withExporter: boolean;
  /** In the file backups of backup.sh (role stores), or not (the cache and queue). */
  readonly backup?: boolean;
  /** The server's own answers (memory, eviction, persistence, auth). */
  readonly settings?: RedisSettings;
}

/** What the server holds decides the default eviction: a queue or a store never evicts, a cache does. */
export type RedisKind = 'broker' | 'store' | 'cache';

const DEFAULT_MEMORY = '256mb';
const POLICY_NOTES: Record<RedisKind, string> = {
  broker: "Redis holds Celery's queue: never evict keys, refuse writes when full instead",
  store: 'these servers hold data (layers, stats, tokens ...), not a cache: refuse writes when full, never evict',
  cache: 'cache entries carry a TTL and are evicted when full; keys without one (queues, tokens) never are',
};

/** The redis.conf of one server: every decision here, the template only prints. */
export function redisConfigFile(path: string, kind: RedisKind, settings: RedisSettings | undefined): FileSpec {
  const policy = settings?.policy ?? (kind === 'cache' ? 'volatile-lru' : 'noeviction');
  const persistence = settings?.persistence ?? 'aof';
  return {
    path,
    template: 'redis/redis.conf.ejs',
    view: {
      auth: authOffReason(settings) === undefined,
      maxmemory: settings?.maxmemory ?? DEFAULT_MEMORY,
      policy,
      policyNote: settings?.policy ? 'eviction policy from the answers (redisSettings)' : POLICY_NOTES[kind],
      appendonly: persistence === 'aof',
      appendfilename: persistence === 'aof' ? settings?.file : undefined,
      dbfilename: persistence === 'rdb' ? settings?.file : undefined,
    },
  };
}

/** Container memory: the default, or maxmemory plus room for copy-on-write while saving and the client buffers. */
function memoryLimit(settings: RedisSettings | undefined): string {
  if (!settings?.maxmemory) return '384m';
  const mb = Math.ceil(memoryBytes(settings.maxmemory) / 1024 ** 2);
  return `${Math.max(384, Math.ceil(mb * 1.25) + 64)}m`;
}

/** How apps reach the server: with auth off there is no password to name. */
export function redisConnection(server: RedisServer): StoreConnection {
  const open = authOffReason(server.settings) !== undefined;
  return { store: server.name, host: server.name, port: 6379, ...(open ? {} : { secretFields: { password: { secret: server.secret, env: server.env } } }) };
}

export function redisServer(server: RedisServer): Contribution {
  const openReason = authOffReason(server.settings);
  const auth = openReason === undefined;
  const container: ContainerSpec = {
    name: server.name,
    role: server.role,
    image: IMAGES.redis,
    command: auth ? ['sh', '-c', `${requireSecret(server.env, 'pw')}exec redis-server ${CONFIG} --requirepass "$$pw"`] : ['redis-server', CONFIG],
    ...(auth ? { secrets: [{ secret: server.secret, env: server.env }] } : {}),
    mounts: [
      { storage: server.storage, target: '/data' },
      { file: `./${server.config}`, target: CONFIG },
    ],
    healthcheck: shellProbe(auth ? `REDISCLI_AUTH="${secretValue(server.env)}" redis-cli ping | grep -q PONG` : 'redis-cli ping | grep -q PONG', '10s'),
    networks: ['internal'],
    port: 6379,
    // without a password it answers on the internal network only: no port, not even on 127.0.0.1 in dev
    ...(auth ? { devPorts: [6379] } : {}),
    limits: limits(memoryLimit(server.settings), '0.5'),
    user: '999:1000',
    ...(auth ? {} : { exceptions: [{ rule: 'RDS-02', reason: openReason }] }),
  };
  const exporter: ContainerSpec = {
    name: `${server.name}-exporter`,
    role: `Prometheus exporter for ${server.name === 'redis' ? 'Redis' : server.name}`,
    image: IMAGES.redisExporter,
    // the image's entrypoint is the exporter itself: replace it to read the password file first
    // and REDIS_PASSWORD_FILE means a JSON map to it, so the secret travels as REDIS_AUTH
    ...(auth
      ? {
          entrypoint: ['sh', '-c', `${requireSecret('REDIS_AUTH', 'REDIS_PASSWORD')}export REDIS_PASSWORD\nexec /redis_exporter`],
          secrets: [{ secret: server.secret, env: 'REDIS_AUTH' }],
        }
      : {}),
    environment: { REDIS_ADDR: `redis://${server.name}:6379` },
    healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9121/health'], startPeriod: '10s' },
    dependsOn: { [server.name]: 'service_healthy' },
    networks: ['internal'],
    port: 9121,
    limits: limits('64m', '0.25', 50),
    user: '59000:59000',
  };
  return {
    containers: server.withExporter ? [container, exporter] : [container],
    storage: [{ name: server.storage, purpose: server.purpose, usedBy: [server.name], owner: '999:1000', backup: server.backup === true }],
    secrets: auth ? [{ name: server.secret, env: server.env, purpose: `${server.name} requirepass` }] : [],
    connections: [redisConnection(server)],
    scrape: [
      {
        job: server.name,
        target: `${server.name}-exporter:9121`,
        // one panel for every Redis server: the series carry their job
        ...(server.name === 'redis' ? { panel: { title: 'Redis memory used', expr: 'redis_memory_used_bytes', legend: 'bytes' } } : {}),
      },
    ],
  };
}

export const redis = defineService({
  id: 'redis',
  title: 'Redis',
  summary: 'In-memory cache and task broker, password protected',
  contribute: ({ has, broker, answers }) => {
    const settings = answers.redisSettings?.redis;
    const auth = authOffReason(settings) === undefined;
    const main = redisServer({
      settings,
      name: 'redis',
      role: broker === 'redis' ? 'Cache and Celery broker' : 'Cache',
      secret: 'redis_password',
      env: 'REDIS_PASSWORD',
      storage: 'redis-data',
      purpose: 'Redis append-only file',
      config: 'redis/redis.conf',
      withExporter: has('prometheus'),
    });
    return {
      repoLayout: [{ path: 'redis/redis.conf', what: 'Redis settings' }],
      ...main,
      appEnv: { REDIS_HOST: 'redis', REDIS_PORT: '6379' },
      readiness: { redis: 'service_healthy' },
      appSecrets: auth ? [{ secret: 'redis_password', env: 'REDIS_PASSWORD' }] : [],
      alerts: [{ alert: 'RedisDown', expr: 'redis_up == 0', for: '2m', severity: 'critical', summary: 'Redis does not answer the exporter' }],
      files: [redisConfigFile('redis/redis.conf', broker === 'redis' ? 'broker' : 'cache', settings)],
    };
  },
});
