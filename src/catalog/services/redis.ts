/** Redis: cache and (without RabbitMQ) the Celery broker; password required, no eviction when it holds tasks. */
import { IMAGES } from '../images.js';
import { limits, requireSecret, secretValue, shellProbe } from '../defaults.js';
import { defineService, type ContainerSpec } from '../types.js';

const CONFIG = '/usr/local/etc/redis/redis.conf';

export const redis = defineService({
  id: 'redis',
  title: 'Redis',
  summary: 'In-memory cache and task broker, password protected',
  contribute: ({ has, broker }) => {
    const server: ContainerSpec = {
      name: 'redis',
      role: broker === 'redis' ? 'Cache and Celery broker' : 'Cache',
      image: IMAGES.redis,
      command: ['sh', '-c', `${requireSecret('REDIS_PASSWORD', 'pw')}exec redis-server ${CONFIG} --requirepass "$$pw"`],
      secrets: [{ secret: 'redis_password', env: 'REDIS_PASSWORD' }],
      mounts: [
        { storage: 'redis-data', target: '/data' },
        { file: './redis/redis.conf', target: CONFIG },
      ],
      healthcheck: shellProbe(`REDISCLI_AUTH="${secretValue('REDIS_PASSWORD')}" redis-cli ping | grep -q PONG`, '10s'),
      networks: ['internal'],
      port: 6379,
      devPorts: [6379],
      limits: limits('384m', '0.5'),
      user: '999:1000',
    };
    const exporter: ContainerSpec = {
      name: 'redis-exporter',
      role: 'Prometheus exporter for Redis',
      image: IMAGES.redisExporter,
      // the image's entrypoint is the exporter itself: replace it to read the password file first
      // and REDIS_PASSWORD_FILE means a JSON map to it, so the secret travels as REDIS_AUTH
      entrypoint: ['sh', '-c', `${requireSecret('REDIS_AUTH', 'REDIS_PASSWORD')}export REDIS_PASSWORD\nexec /redis_exporter`],
      environment: { REDIS_ADDR: 'redis://redis:6379' },
      secrets: [{ secret: 'redis_password', env: 'REDIS_AUTH' }],
      healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', 'http://127.0.0.1:9121/health'], startPeriod: '10s' },
      dependsOn: { redis: 'service_healthy' },
      networks: ['internal'],
      port: 9121,
      limits: limits('64m', '0.25', 50),
      user: '59000:59000',
    };
    return {
      containers: has('prometheus') ? [server, exporter] : [server],
      storage: [{ name: 'redis-data', purpose: 'Redis append-only file', usedBy: ['redis'], owner: '999:1000', backup: false }],
      secrets: [{ name: 'redis_password', env: 'REDIS_PASSWORD', purpose: 'Redis requirepass' }],
      appEnv: { REDIS_HOST: 'redis', REDIS_PORT: '6379' },
      appSecrets: [{ secret: 'redis_password', env: 'REDIS_PASSWORD' }],
      scrape: [{ job: 'redis', target: 'redis-exporter:9121' }],
      alerts: [{ alert: 'RedisDown', expr: 'redis_up == 0', for: '2m', severity: 'critical', summary: 'Redis does not answer the exporter' }],
      files: [{ path: 'redis/redis.conf', template: 'redis/redis.conf.ejs', view: { isBroker: broker === 'redis' } }],
    };
  },
});
