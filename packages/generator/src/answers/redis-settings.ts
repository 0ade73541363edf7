/**
 * Settings of each Redis server, by container name ("redis" or "redis-<role>"): memory limit, eviction
 * policy, persistence (AOF or RDB, and its file name) and auth. Auth off is allowed only with a reason:
 * the server stays on the internal network, publishes no port, and the reason is recorded on it.
 */
import { fail } from './extras.js';

export const EVICTION_POLICIES = [
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
] as const;
export type EvictionPolicy = (typeof EVICTION_POLICIES)[number];

export interface RedisSettings {
  /** Redis memory units: bytes, or a number with kb, mb or gb (e.g. "256mb"). */
  readonly maxmemory?: string;
  readonly policy?: EvictionPolicy;
  /** aof: append-only file (plus RDB snapshots); rdb: snapshots only. */
  readonly persistence?: 'aof' | 'rdb';
  /** File name of the AOF (appendfilename) or the RDB (dbfilename) in /data. */
  readonly file?: string;
  /** "on" (default) or "off:<reason>". */
  readonly auth?: string;
}

const KEYS = ['maxmemory', 'policy', 'persistence', 'file', 'auth'];
const MEMORY = /^([1-9][0-9]{0,12})(kb|mb|gb)?$/;
const FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;
/** Below this a server cannot hold its own bookkeeping; above, no host we target has the memory. */
const MIN_BYTES = 1024 * 1024;
const MAX_BYTES = 1024 ** 4;

/** Bytes of a maxmemory value (Redis reads kb/mb/gb as powers of 1024). */
export function memoryBytes(value: string): number {
  const [, amount, unit] = MEMORY.exec(value.toLowerCase())!;
  return Number(amount) * ({ kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[unit as 'kb' | 'mb' | 'gb'] ?? 1);
}

/** The reason auth is off, or undefined when it is on. */
export const authOffReason = (settings: RedisSettings | undefined): string | undefined =>
  settings?.auth?.startsWith('off:') ? settings.auth.slice(4) : undefined;

function one(server: string, raw: unknown): RedisSettings {
  const option = `redis-settings ${server}`;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(option, raw, `an object with some of the keys ${KEYS.join(', ')}`);
  const record = raw as Record<string, unknown>;
  const unknown = Object.keys(record).find(key => !KEYS.includes(key));
  if (unknown !== undefined) fail(option, unknown, `keys among ${KEYS.join(', ')}`);
  const text = (key: string): string | undefined => {
    const value = record[key];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') fail(`${option} ${key}`, value, 'a text value');
    return value.trim();
  };
  const maxmemory = text('maxmemory')?.toLowerCase();
  if (maxmemory !== undefined && (!MEMORY.test(maxmemory) || memoryBytes(maxmemory) < MIN_BYTES || memoryBytes(maxmemory) > MAX_BYTES)) {
    fail(`${option} maxmemory`, maxmemory, 'a memory size from 1mb to 1024gb, in bytes or with kb, mb or gb, e.g. "256mb"');
  }
  const policy = text('policy');
  if (policy !== undefined && !(EVICTION_POLICIES as readonly string[]).includes(policy))
    fail(`${option} policy`, policy, `one of ${EVICTION_POLICIES.join(', ')}`);
  const persistence = text('persistence');
  if (persistence !== undefined && persistence !== 'aof' && persistence !== 'rdb')
    fail(`${option} persistence`, persistence, '"aof" (append-only file) or "rdb" (snapshots)');
  const file = text('file');
  if (file !== undefined && (!FILE.test(file) || file === '..'))
    fail(`${option} file`, file, 'a file name in /data such as "appendonly.aof" or "dump.rdb" (letters, digits, dots, dashes, underscores)');
  if (file !== undefined && persistence === undefined) fail(`${option} file`, file, 'a "persistence" of "aof" or "rdb" that names which file it is');
  const auth = text('auth');
  if (auth !== undefined && auth !== 'on') {
    const reason = auth.startsWith('off:') ? auth.slice(4).trim() : '';
    if (!auth.startsWith('off:') || reason.length < 10 || reason.length > 200 || /[\0-\x1f\x7f]/.test(reason)) {
      fail(`${option} auth`, auth, '"on", or "off:<reason of 10 to 200 characters>" (recorded as a checklist exception; the server then publishes no port)');
    }
  }
  return {
    ...(maxmemory ? { maxmemory } : {}),
    ...(policy ? { policy: policy as EvictionPolicy } : {}),
    ...(persistence ? { persistence: persistence as 'aof' | 'rdb' } : {}),
    ...(file ? { file } : {}),
    ...(auth && auth !== 'on' ? { auth: `off:${auth.slice(4).trim()}` } : {}),
  };
}

/**
 * Checks the settings against the servers of this stack: `servers` are the container names
 * ("redis", "redis-<role>"); `brokerServer` holds Celery's queue and must never evict.
 */
export function validateRedisSettings(value: unknown, servers: readonly string[], brokerServer: string | undefined): Record<string, RedisSettings> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    fail('redis-settings', value, 'an object by server name, e.g. {"redis-layers": {"maxmemory": "2gb", "persistence": "aof"}}');
  const out = new Map<string, RedisSettings>();
  for (const [server, raw] of Object.entries(value as Record<string, unknown>)) {
    if (!servers.includes(server)) {
      fail(
        'redis-settings',
        server,
        servers.length > 0
          ? `the name of a Redis server of this stack (${servers.join(', ')})`
          : 'no settings: this stack has no Redis server (add the redis service)',
      );
    }
    const settings = one(server, raw);
    if (server === brokerServer && settings.policy !== undefined && settings.policy !== 'noeviction') {
      fail(`redis-settings ${server} policy`, settings.policy, '"noeviction": this server holds Celery\'s queue, and an evicted task is lost');
    }
    if (Object.keys(settings).length > 0) out.set(server, settings);
  }
  return out.size > 0 ? Object.fromEntries(out) : undefined;
}
