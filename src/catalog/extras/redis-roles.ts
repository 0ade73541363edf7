/** Extra Redis servers with named roles (layers, stats, tokens ...): each with its own storage and password. */
import { redisServer } from '../services/redis.js';
import type { CatalogContext, Contribution } from '../types.js';

const upper = (role: string): string => role.toUpperCase().replace(/-/g, '_');

export function redisRoleContribution(role: string, ctx: CatalogContext): Contribution {
  const name = `redis-${role}`;
  const env = `REDIS_${upper(role)}_PASSWORD`;
  const secret = `redis_${role.replace(/-/g, '_')}_password`;
  return {
    ...redisServer({
      // these servers hold data (tokens, stats), not a cache: their append-only files go into file backups
      backup: true,
      name,
      role: `Redis for ${role}`,
      secret,
      env,
      storage: `${name}-data`,
      purpose: `Redis append-only file of the ${role} store`,
      config: 'redis/stores.conf',
      withExporter: ctx.has('prometheus'),
    }),
    appEnv: { [`REDIS_${upper(role)}_HOST`]: name },
    appDependsOn: { [name]: 'service_healthy' },
    appSecrets: [{ secret, env }],
    connections: [{ store: name, host: name, port: 6379, secretFields: { password: { secret, env } } }],
  };
}

/** The role servers hold data, not a cache: never evict. */
export const redisStoresConfig = { path: 'redis/stores.conf', template: 'redis/redis.conf.ejs', view: { isBroker: false, isStore: true } };
