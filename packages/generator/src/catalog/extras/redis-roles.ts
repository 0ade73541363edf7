/** Extra Redis servers with named roles (layers, stats, tokens ...): each with its own storage and password. */
import { authOffReason } from '../../answers/redis-settings.js';
import { redisConfigFile, redisServer } from '../services/redis.js';
import type { CatalogContext, Contribution } from '../types.js';

const upper = (role: string): string => role.toUpperCase().replace(/-/g, '_');

/** Roles without settings of their own share one config; a role with settings has its own file. */
export const roleConfigPath = (role: string, ctx: CatalogContext): string =>
  ctx.answers.redisSettings?.[`redis-${role}`] ? `redis/redis-${role}.conf` : redisStoresConfig.path;

export function redisRoleContribution(role: string, ctx: CatalogContext): Contribution {
  const name = `redis-${role}`;
  const env = `REDIS_${upper(role)}_PASSWORD`;
  const secret = `redis_${role.replace(/-/g, '_')}_password`;
  const settings = ctx.answers.redisSettings?.[name];
  const config = roleConfigPath(role, ctx);
  return {
    ...redisServer({
      // these servers hold data (tokens, stats), not a cache: their append-only files go into file backups
      backup: true,
      name,
      role: `Redis for ${role}`,
      secret,
      env,
      storage: `${name}-data`,
      purpose: `Redis ${settings?.persistence === 'rdb' ? 'snapshot' : 'append-only file'} of the ${role} store`,
      config,
      withExporter: ctx.has('prometheus'),
      settings,
    }),
    appEnv: { [`REDIS_${upper(role)}_HOST`]: name },
    appDependsOn: { [name]: 'service_healthy' },
    appSecrets: authOffReason(settings) === undefined ? [{ secret, env }] : [],
    ...(settings
      ? { files: [redisConfigFile(config, 'store', settings)], repoLayout: [{ path: config, what: `settings of ${name} (its redisSettings)` }] }
      : {}),
  };
}

/** The role servers hold data, not a cache: never evict. */
export const redisStoresConfig = redisConfigFile('redis/stores.conf', 'store', undefined);
export const REDIS_STORES_LAYOUT = { path: 'redis/stores.conf', what: 'settings of the Redis role servers (no eviction)' } as const;
