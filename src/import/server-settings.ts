/**
 * What an old deployment told its stock servers on their command line or in their variables, as the answers
 * that shape ours: `redis-server --maxmemory ...` as `redisSettings`, `postgres -c name=value` and
 * POSTGRES_MULTIPLE_DATABASES as `postgres`. Values our answers would refuse are reported, not carried.
 */
import { EVICTION_POLICIES, memoryBytes } from '../answers/redis-settings.js';
import { TUNING } from '../answers/postgres-answers.js';
import type { RedisSettings } from '../answers/redis-settings.js';
import type { ServiceFacts } from './service-facts.js';

export interface ServerSettings<T> {
  readonly settings: T;
  /** What was carried, for the report row. */
  readonly carried: string[];
  /** What could not be, with the reason. */
  readonly notes: string[];
}

/** `--name value` pairs of a server's command line (after the program and an optional config file). */
function flags(words: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i]!;
    if (!word.startsWith('--')) continue;
    const [name, inline] = word.slice(2).split(/=(.*)/s);
    const value = inline ?? (words[i + 1] !== undefined && !words[i + 1]!.startsWith('--') ? words[(i += 1)]! : '');
    out.set(name!.toLowerCase(), value);
  }
  return out;
}

/** The command's words after `sh -c "..."` unwrapping, when it runs the given program. */
function programArgs(f: ServiceFacts, program: string): string[] | undefined {
  let words = f.command ? [...f.command] : undefined;
  if (words && /^(ba)?sh$/.test(words[0] ?? '') && words[1] === '-c' && words.length === 3) words = words[2]!.split(/\s+/).filter(Boolean);
  if (!words) return undefined;
  if (words[0] === program || words[0]?.endsWith(`/${program}`)) return words.slice(1);
  return words[0]?.startsWith('-') ? words : undefined;
}

export function redisFromCommand(f: ServiceFacts): ServerSettings<RedisSettings> {
  const args = programArgs(f, 'redis-server');
  const out: { -readonly [K in keyof RedisSettings]: RedisSettings[K] } = {};
  const carried: string[] = [];
  const notes: string[] = [];
  if (!args) return { settings: out, carried, notes };
  if (args[0] && !args[0].startsWith('--')) notes.push(`${f.name}: config file ${args[0]}: its settings are not read; give them with --answers "redisSettings"`);
  const given = flags(args);
  const memory = given.get('maxmemory')?.toLowerCase();
  if (memory !== undefined) {
    const ok = /^[1-9][0-9]{0,12}(kb|mb|gb)?$/.test(memory) && memoryBytes(memory) >= 1024 * 1024 && memoryBytes(memory) <= 1024 ** 4;
    if (ok) out.maxmemory = memory;
    else notes.push(`${f.name}: --maxmemory ${memory} is not a size from 1mb to 1024gb; the stack's default is used`);
  }
  const policy = given.get('maxmemory-policy');
  if (policy !== undefined) {
    if ((EVICTION_POLICIES as readonly string[]).includes(policy)) out.policy = policy as RedisSettings['policy'];
    else notes.push(`${f.name}: --maxmemory-policy ${policy} is not one of ${EVICTION_POLICIES.join(', ')}`);
  }
  const aof = given.get('appendonly')?.toLowerCase();
  if (aof === 'yes') {
    out.persistence = 'aof';
    const file = given.get('appendfilename');
    if (file && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(file)) out.file = file;
  } else if (given.has('save') || given.has('dbfilename')) {
    out.persistence = 'rdb';
    const file = given.get('dbfilename');
    if (file && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/.test(file)) out.file = file;
  }
  for (const [key, value] of Object.entries(out)) carried.push(`${key} ${value}`);
  const known = new Set(['maxmemory', 'maxmemory-policy', 'appendonly', 'appendfilename', 'save', 'dbfilename', 'requirepass']);
  const others = [...given.keys()].filter(key => !known.has(key));
  if (others.length > 0) notes.push(`${f.name}: redis-server --${others.join(', --')}: not answers; the stack writes the rest of the configuration`);
  return { settings: out, carried, notes };
}

/** True when the old server asked for a password (on its command line or through the image's variable). */
export const redisHadPassword = (f: ServiceFacts): boolean =>
  (programArgs(f, 'redis-server') ?? []).some(word => word === '--requirepass' || word.startsWith('--requirepass=')) || Boolean(f.environment.get('REDIS_PASSWORD'));

export interface PostgresImport {
  databases?: string[];
  settings?: Record<string, string>;
}

const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;

export function postgresFromFacts(f: ServiceFacts, database: string): ServerSettings<PostgresImport> {
  const out: PostgresImport = {};
  const carried: string[] = [];
  const notes: string[] = [];
  // the convention of the widely copied create-multiple-postgresql-databases.sh init script
  const listed = f.environment.get('POSTGRES_MULTIPLE_DATABASES');
  if (typeof listed === 'string' && listed.trim() !== '') {
    const own = [database, f.environment.get('POSTGRES_DB'), 'postgres', 'template0', 'template1', 'globals'];
    const names = [...new Set(listed.split(',').map(name => name.trim()).filter(Boolean))];
    const taken = names.filter(name => DATABASE.test(name) && !own.includes(name)).slice(0, 20);
    for (const name of names.filter(name => !taken.includes(name) && !own.includes(name))) notes.push(`${f.name}: database ${name}: not a name the answers take (lowercase letters, digits, underscores)`);
    if (taken.length > 0) {
      out.databases = taken;
      carried.push(`databases ${taken.join(', ')}`);
    }
  }
  const args = programArgs(f, 'postgres');
  if (args) {
    const settings: Record<string, string> = {};
    for (let i = 0; i < args.length; i += 1) {
      const pair = args[i] === '-c' ? args[(i += 1)] : args[i]!.startsWith('-c') ? args[i]!.slice(2) : undefined;
      if (pair === undefined) continue;
      const [name, value = ''] = pair.split(/=(.*)/s);
      const rule = Object.hasOwn(TUNING, name!) ? TUNING[name!] : undefined;
      if (rule && rule.form.test(value)) settings[name!] = value;
      else notes.push(`${f.name}: postgres -c ${pair}: ${rule ? `the value is not of the form ${rule.example}` : 'not a tuning setting the answers take'}`);
    }
    if (Object.keys(settings).length > 0) {
      out.settings = settings;
      carried.push(`tuning ${Object.entries(settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
    }
  }
  return { settings: out, carried, notes };
}
