/** Redis: cache and (without RabbitMQ) the Celery broker; password required, no eviction when it holds tasks. */
import { IMAGES } from '../images.js';
import { limits, requireSecret, secretValue, shellProbe } from '../defaults.js';
import { defineService, type ContainerSpec, type Contribution } from '../types.js';

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
}

export function redisServer(server: RedisServer): Contribution {
  const container: ContainerSpec = {
    name: server.name,
    role: server.role,
    image: IMAGES.redis,
    command: ['sh', '-c', `${requireSecret(server.env, 'pw')}exec redis-server ${CONFIG} --requirepass "$$pw"`],
    secrets: [{ secret: server.secret, env: server.env }],
    mounts: [
      { storage: server.storage, target: '/data' },
      { file: `./${server.config}`, target: CONFIG },
    ],
    healthcheck: shellProbe(`REDISCLI_AUTH="${secretValue(server.env)}" redis-cli ping | grep -q PONG`, '10s'),
    networks: ['internal'],
    port: 6379,
    devPorts: [6379],
    limits: limits('384m', '0.5'),
    user: '999:1000',
  };
  const exporter: ContainerSpec = {
    name: `${server.name}-exporter`,
    role: `Prometheus exporter for ${server.name === 'redis' ? 'Redis' : server.name}`,
    image: IMAGES.redisExporter,
    // the image's entrypoint is the exporter itself: replace it to read the password file first
    // and REDIS_PASSWORD_FILE means a JSON map to it, so the secret travels as REDIS_AUTH
    entrypoint: ['sh', '-c', `${requireSecret('REDIS_AUTH', 'REDIS_PASSWORD')}export REDIS_PASSWORD\nexec /redis_exporter`],
    environment: { REDIS_ADDR: `redis://${server.name}:6379` },
    secrets: [{ secret: server.secret, env: 'REDIS_AUTH' }],
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
    secrets: [{ name: server.secret, env: server.env, purpose: `${server.name} requirepass` }],
    scrape: [{ job: server.name, target: `${server.name}-exporter:9121` }],
  };
}

export const redis = defineService({
  id: 'redis',
  title: 'Redis',
  summary: 'In-memory cache and task broker, password protected',
  contribute: ({ has, broker }) => {
    const main = redisServer({
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
      ...main,
      appEnv: { REDIS_HOST: 'redis', REDIS_PORT: '6379' },
      appSecrets: [{ secret: 'redis_password', env: 'REDIS_PASSWORD' }],
      connections: [{ store: 'redis', host: 'redis', port: 6379, secretFields: { password: { secret: 'redis_password', env: 'REDIS_PASSWORD' } } }],
      alerts: [{ alert: 'RedisDown', expr: 'redis_up == 0', for: '2m', severity: 'critical', summary: 'Redis does not answer the exporter' }],
      files: [{ path: 'redis/redis.conf', template: 'redis/redis.conf.ejs', view: { isBroker: broker === 'redis' } }],
    };
  },
});
