/**
 * What an old deployment told its stock servers on their command line or in their variables, as the answers
 * that shape ours: `redis-server --maxmemory ...` as `redisSettings`, `postgres -c name=value` and
 * POSTGRES_MULTIPLE_DATABASES as `postgres`. Values our answers would refuse are reported, not carried.
 */
import { EVICTION_POLICIES, memoryBytes } from '../answers/redis-settings.js';
import { DEFAULT_EXTENSIONS, tuningProblem } from '../answers/postgres-answers.js';
import { postgresInitScripts } from './init-scripts.js';
import type { RedisSettings } from '../answers/redis-settings.js';
import type { ServiceFacts } from './service-facts.js';
import { hostPathOf, readMounted } from './mounted-files.js';
import { parseRedisConfig, redisMemory, type RedisConfig } from './redis-config.js';

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

export interface RedisFound extends ServerSettings<RedisSettings> {
  /** The mounted config file that set requirepass (its value is never carried). */
  readonly passwordFile?: string;
  /** The command named a config file that could not be read: whether it set a password is unknown. */
  readonly configUnread?: boolean;
}

/** What `redis-server [config file] [--flags]` and the config file it names set, the flags winning as in Redis. */
export function redisFromCommand(f: ServiceFacts, root?: string): RedisFound {
  const args = programArgs(f, 'redis-server');
  const out: { -readonly [K in keyof RedisSettings]: RedisSettings[K] } = {};
  const carried: string[] = [];
  const notes: string[] = [];
  const unread = f.volumes.find(v => v.kind === 'bind' && /\.conf$/i.test(v.target));
  if (!args || !args[0] || args[0].startsWith('-')) {
    // the image starts redis-server without a file: a mounted one was never in effect
    if (unread)
      notes.push(
        `${f.name}: ${unread.source} is mounted at ${unread.target}, but redis-server is started without naming it, so the server never read it; nothing of it is carried`,
      );
    if (!args) return { settings: out, carried, notes };
  }
  let file: { shown: string; config: RedisConfig } | undefined;
  if (args[0] && !args[0].startsWith('-')) {
    const host = hostPathOf(f, args[0]);
    const mounted = host === undefined ? undefined : readMounted(root, host);
    if (!mounted)
      notes.push(
        `${f.name}: config file ${args[0]}: its settings are not read (no mount of the deployment's folder holds it: it is the image's own); give them with --answers "redisSettings"`,
      );
    else if ('notRead' in mounted)
      notes.push(
        `${f.name}: config file ${args[0]}: its settings are not read (${mounted.notRead}); copy it into the folder and import again, or give them with --answers "redisSettings"`,
      );
    else file = { shown: mounted.shown, config: parseRedisConfig(mounted.text) };
  }
  const fromFlags = flags(args);
  // Redis applies the command line after the file
  const given = new Map([...(file?.config.directives ?? []), ...fromFlags]);
  const used = new Set(['requirepass', 'appendonly']);
  const where = (key: string) => (fromFlags.has(key) ? `--${key}` : `${key} in ${file!.shown}`);
  const rawMemory = given.get('maxmemory');
  if (rawMemory !== undefined) {
    const memory = redisMemory(rawMemory);
    const ok = memory !== undefined && /^[1-9]/.test(memory) && memoryBytes(memory) >= 1024 * 1024 && memoryBytes(memory) <= 1024 ** 4;
    used.add('maxmemory');
    if (ok) out.maxmemory = memory;
    else notes.push(`${f.name}: ${where('maxmemory')} ${shownValue(rawMemory)} is not a size from 1mb to 1024gb; the stack's default is used`);
  }
  const policy = given.get('maxmemory-policy')?.toLowerCase();
  if (policy !== undefined) {
    used.add('maxmemory-policy');
    if ((EVICTION_POLICIES as readonly string[]).includes(policy)) out.policy = policy as RedisSettings['policy'];
    else notes.push(`${f.name}: ${where('maxmemory-policy')} ${shownValue(policy)} is not one of ${EVICTION_POLICIES.join(', ')}`);
  }
  const aof = given.get('appendonly')?.toLowerCase();
  const snapshotsOff = given.get('save') === '';
  if (aof === 'yes') {
    out.persistence = 'aof';
    used.add('appendfilename');
    const name = given.get('appendfilename');
    if (name && FILE.test(name)) out.file = name;
    else if (name) notes.push(`${f.name}: ${where('appendfilename')} ${shownValue(name)} is not a plain file name; the stack's default is used`);
  } else if (!snapshotsOff && (given.has('save') || given.has('dbfilename'))) {
    out.persistence = 'rdb';
    used.add('save').add('dbfilename');
    const name = given.get('dbfilename');
    if (name && FILE.test(name)) out.file = name;
    else if (name) notes.push(`${f.name}: ${where('dbfilename')} ${shownValue(name)} is not a plain file name; the stack's default is used`);
  } else if (snapshotsOff) {
    used.add('save');
    notes.push(`${f.name}: ${where('save')} "" turned persistence off; the stack keeps RDB snapshots (data survives a restart)`);
  }
  for (const [key, value] of Object.entries(out)) carried.push(`${key} ${value}`);
  if (file) carried.push(`from ${file.shown}${fromFlags.size > 0 ? ' and the command line' : ''}`);
  const fileOthers = [...(file?.config.directives.keys() ?? [])].filter(key => !used.has(key) && !fromFlags.has(key));
  // only what looks like a directive name is echoed: a file that is not a redis.conf must not reach the report
  const named = fileOthers.filter(key => DIRECTIVE.test(key));
  const strange = fileOthers.length - named.length;
  if (named.length > 0)
    notes.push(
      `${f.name}: ${file!.shown}: ${named.join(', ')}${strange > 0 ? ` and ${strange} line${strange === 1 ? '' : 's'} that are not redis directives` : ''}: not answers; the stack writes the rest of the configuration`,
    );
  else if (strange > 0) notes.push(`${f.name}: ${file!.shown}: ${strange} line${strange === 1 ? '' : 's'} that are not redis directives: not carried`);
  const others = [...fromFlags.keys()].filter(key => !used.has(key));
  if (others.length > 0) notes.push(`${f.name}: redis-server --${others.join(', --')}: not answers; the stack writes the rest of the configuration`);
  const unreadConfig = Boolean(args[0] && !args[0].startsWith('-') && !file);
  return {
    settings: out,
    carried,
    notes,
    ...(file?.config.directives.has('requirepass') && !fromFlags.has('requirepass') ? { passwordFile: file.shown } : {}),
    ...(unreadConfig ? { configUnread: true } : {}),
  };
}

const DIRECTIVE = /^[a-z][a-z0-9-]{0,40}$/;
/** A value from the file, echoed only when it is a short plain token. */
const shownValue = (value: string): string => (/^[A-Za-z0-9._-]{0,40}$/.test(value) ? value : '(a value that is not a plain token)');

const FILE = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$/;

/** True when the old server asked for a password (on its command line or through the image's variable). */
export const redisHadPassword = (f: ServiceFacts): boolean =>
  (programArgs(f, 'redis-server') ?? []).some(word => word === '--requirepass' || word.startsWith('--requirepass=')) ||
  Boolean(f.environment.get('REDIS_PASSWORD'));

export interface PostgresImport {
  databases?: string[];
  templates?: string[];
  extensions?: string[];
  settings?: Record<string, string>;
}

const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;
/** postgres.databases, .templates and .extensions each take at most this many names (postgres-answers.ts). */
const MAX_NAMES = 20;

/** The first MAX_NAMES of a list; the rest named in a note. */
function capped(names: string[], what: string, service: string, notes: string[]): string[] {
  if (names.length > MAX_NAMES)
    notes.push(`${service}: ${what} ${names.slice(MAX_NAMES).join(', ')}: the answers take at most ${MAX_NAMES} ${what}; the first ${MAX_NAMES} were kept`);
  return names.slice(0, MAX_NAMES);
}

export function postgresFromFacts(f: ServiceFacts, database: string, root?: string): ServerSettings<PostgresImport> {
  const out: PostgresImport = {};
  const carried: string[] = [];
  const notes: string[] = [];
  const own = [database, f.environment.get('POSTGRES_DB') ?? 'postgres', 'postgres', 'template0', 'template1', 'globals'].filter(
    (name): name is string => typeof name === 'string',
  );
  const databases: string[] = [];
  // the convention of the widely copied create-multiple-postgresql-databases.sh init script
  const listed = f.environment.get('POSTGRES_MULTIPLE_DATABASES');
  if (typeof listed === 'string' && listed.trim() !== '') {
    const names = [
      ...new Set(
        listed
          .split(',')
          .map(name => name.trim())
          .filter(Boolean),
      ),
    ];
    for (const name of names.filter(name => !own.includes(name))) {
      if (DATABASE.test(name)) databases.push(name);
      else notes.push(`${f.name}: database ${name}: not a name the answers take (lowercase letters, digits, underscores)`);
    }
  }
  const init = postgresInitScripts(f, root, own);
  notes.push(...init.notes);
  for (const name of init.databases) if (!databases.includes(name)) databases.push(name);
  const templates = capped(
    init.templates.filter(name => !databases.includes(name)),
    'template databases',
    f.name,
    notes,
  );
  const taken = capped(databases, 'extra databases', f.name, notes);
  if (taken.length > 0) {
    out.databases = taken;
    carried.push(`databases ${taken.join(', ')}`);
  }
  if (templates.length > 0) {
    out.templates = templates;
    carried.push(`template databases ${templates.join(', ')}`);
  }
  if (init.extensions.length > 0) {
    // the answer replaces the stack's default list: keep the defaults the exporter and PostGIS rely on
    out.extensions = capped([...new Set([...DEFAULT_EXTENSIONS, ...init.extensions])], 'extensions', f.name, notes);
    carried.push(`extensions ${out.extensions.join(', ')}`);
  }
  if (init.read.length > 0) {
    carried.push(`from init scripts ${init.read.join(', ')}`);
    // only scripts that were read: a folder outside the deployment has its "not read" line alone
    notes.push(`${f.name}: init scripts ${init.read.join(', ')}: what they create is carried as answers (see its row and the lines above)`);
  }
  const args = programArgs(f, 'postgres');
  // ALTER SYSTEM in an init script, then -c on the command line, which PostgreSQL applies over it
  const settings: Record<string, string> = { ...init.settings };
  if (args) {
    for (let i = 0; i < args.length; i += 1) {
      const pair = args[i] === '-c' ? args[(i += 1)] : args[i]!.startsWith('-c') ? args[i]!.slice(2) : undefined;
      if (pair === undefined) continue;
      const [name, value = ''] = pair.split(/=(.*)/s);
      const problem = tuningProblem(name!, value);
      if (!problem) settings[name!] = value;
      else notes.push(`${f.name}: postgres -c ${pair}: ${problem}`);
    }
  }
  if (Object.keys(settings).length > 0) {
    out.settings = settings;
    carried.push(
      `tuning ${Object.entries(settings)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`,
    );
  }
  return { settings: out, carried, notes };
}
