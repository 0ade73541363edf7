/**
 * Answers that shape the database server to a deployment: extra and template databases with their
 * extensions, server tuning, the pooler's port and mode, and when and how many backups are kept.
 */
import { fail } from './extras.js';

export interface PostgresAnswer {
  /** Databases created at first start besides POSTGRES_DB, owned by the database owner. */
  readonly databases?: readonly string[];
  /** Template databases (`createdb -T <name>`) holding the extensions, e.g. template_postgis. */
  readonly templates?: readonly string[];
  /** Extensions created in the deployment's database and in each extra and template database. */
  readonly extensions?: readonly string[];
  /** Server settings passed as `postgres -c name=value`. */
  readonly settings?: Readonly<Record<string, string>>;
}

export interface BackupsAnswer {
  /** Cron expression (minute hour day-of-month month weekday, UTC) of the scheduled dumps. */
  readonly schedule: string;
  /** `weekday`: one slot per day of the week, overwritten a week later; `count`: the newest `keep`. */
  readonly rotation: (typeof ROTATIONS)[number];
  readonly keep?: number;
}

export const DEFAULT_EXTENSIONS = ['postgis', 'pg_stat_statements'] as const;
export const DEFAULT_BACKUPS: BackupsAnswer = { schedule: '0 3 * * *', rotation: 'count', keep: 7 };
export const ROTATIONS = ['weekday', 'count'] as const;

/** Extensions the postgis/postgis image ships (PostGIS family and contrib). */
export const EXTENSIONS = [
  'address_standardizer',
  'btree_gin',
  'btree_gist',
  'citext',
  'cube',
  'dblink',
  'earthdistance',
  'fuzzystrmatch',
  'hstore',
  'intarray',
  'ltree',
  'pg_stat_statements',
  'pg_trgm',
  'pgcrypto',
  'postgis',
  'postgis_raster',
  'postgis_tiger_geocoder',
  'postgis_topology',
  'postgres_fdw',
  'tablefunc',
  'unaccent',
  'uuid-ossp',
] as const;

const MEMORY = /^[1-9][0-9]{0,6}(kB|MB|GB)$/;
const INTEGER = /^[1-9][0-9]{0,5}$/;
const DURATION = /^(0|-1|[1-9][0-9]{0,7}(ms|s|min|h)?)$/;
const FRACTION = /^(0(\.[0-9]{1,3})?|1(\.0{1,3})?)$/;
const COST = /^[0-9]{1,3}(\.[0-9]{1,2})?$/;
const ON_OFF = /^(on|off)$/;
/** The tuning a deployment may set, each with the form its value takes. */
export const TUNING: Readonly<Record<string, { form: RegExp; example: string; max?: number }>> = {
  shared_buffers: { form: MEMORY, example: '256MB' },
  effective_cache_size: { form: MEMORY, example: '1GB' },
  work_mem: { form: MEMORY, example: '16MB' },
  maintenance_work_mem: { form: MEMORY, example: '128MB' },
  wal_buffers: { form: MEMORY, example: '16MB' },
  max_wal_size: { form: MEMORY, example: '2GB' },
  min_wal_size: { form: MEMORY, example: '512MB' },
  // each connection is a server process with its own memory; more clients go through PgBouncer
  max_connections: { form: INTEGER, example: '100', max: 10000 },
  // the maxima below are PostgreSQL's own (MAX_BACKENDS, MAX_PARALLEL_WORKER_LIMIT, MAX_IO_CONCURRENCY, the statistics target's)
  max_worker_processes: { form: INTEGER, example: '8', max: 262143 },
  max_parallel_workers: { form: INTEGER, example: '4', max: 1024 },
  max_parallel_workers_per_gather: { form: INTEGER, example: '2', max: 1024 },
  effective_io_concurrency: { form: INTEGER, example: '200', max: 1000 },
  default_statistics_target: { form: INTEGER, example: '100', max: 10000 },
  checkpoint_completion_target: { form: FRACTION, example: '0.9' },
  random_page_cost: { form: COST, example: '1.1' },
  statement_timeout: { form: DURATION, example: '60s' },
  idle_in_transaction_session_timeout: { form: DURATION, example: '10min' },
  log_min_duration_statement: { form: DURATION, example: '500ms' },
  synchronous_commit: { form: ON_OFF, example: 'on' },
  jit: { form: ON_OFF, example: 'off' },
};

/** Why a tuning value is not taken (as the answer, from an import), or undefined when it is. */
export function tuningProblem(name: string, value: string): string | undefined {
  const rule = Object.hasOwn(TUNING, name) ? TUNING[name] : undefined;
  if (!rule) return 'not a tuning setting the answers take';
  if (!rule.form.test(value)) return `the value is not of the form ${rule.example}`;
  if (rule.max !== undefined && Number(value) > rule.max) return `the value is over ${rule.max}`;
  return undefined;
}

const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;
/** Names the server or the backup files own (`globals`: the backups' dump of the roles). */
export const RESERVED_DATABASES = ['postgres', 'template0', 'template1', 'globals'] as const;
const RESERVED_DATABASE_SET: ReadonlySet<string> = new Set(RESERVED_DATABASES);

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function names(value: unknown, option: string, allowed: string, check: (name: string) => boolean): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > 20) fail(option, value, `a list of at most 20 ${allowed}`);
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string' || !check(item)) fail(option, item, allowed);
    if (seen.has(item)) fail(option, item, 'each name once');
    seen.add(item);
  }
  return [...seen];
}

const databaseName =
  (option: string) =>
  (name: string): boolean => {
    if (RESERVED_DATABASE_SET.has(name))
      fail(option, name, `a database name other than ${[...RESERVED_DATABASES].join(', ')} (the server's own, or the backup's roles file)`);
    return DATABASE.test(name);
  };

export function validatePostgres(value: unknown, database: string): PostgresAnswer | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail('postgres', value, 'an object with some of: databases, templates, extensions, settings');
  const unknown = Object.keys(value).find(key => !['databases', 'templates', 'extensions', 'settings'].includes(key));
  if (unknown) fail('postgres', unknown, 'some of: databases, templates, extensions, settings');
  const dbForm = 'database names: lowercase letters, digits and underscores, starting with a letter or underscore, at most 63 characters';
  const databases = names(value.databases, 'postgres.databases', dbForm, databaseName('postgres.databases'));
  const templates = names(value.templates, 'postgres.templates', dbForm, databaseName('postgres.templates'));
  for (const name of [...databases, ...templates]) {
    if (name === database) fail('postgres.databases', name, `a name other than the deployment's own database "${database}"`);
  }
  const both = databases.find(name => templates.includes(name));
  if (both) fail('postgres.templates', both, 'a name that is not also in postgres.databases');
  const extensions = names(value.extensions, 'postgres.extensions', `extensions the PostGIS image ships: ${EXTENSIONS.join(', ')}`, name =>
    (EXTENSIONS as readonly string[]).includes(name),
  );
  let settings: Record<string, string> | undefined;
  if (value.settings !== undefined) {
    if (!isRecord(value.settings))
      fail('postgres.settings', value.settings, 'an object of server settings, e.g. {"shared_buffers": "256MB", "max_connections": 100}');
    settings = {};
    for (const [name, raw] of Object.entries(value.settings)) {
      const rule = Object.hasOwn(TUNING, name) ? TUNING[name] : undefined;
      if (!rule) fail('postgres.settings', name, `one of: ${Object.keys(TUNING).join(', ')}`);
      const text = typeof raw === 'number' ? String(raw) : raw;
      if (typeof text !== 'string' || tuningProblem(name, text))
        fail('postgres.settings', `${name}=${String(raw)}`, `a value such as ${name}=${rule.example}${rule.max !== undefined ? ` (at most ${rule.max})` : ''}`);
      settings[name] = text;
    }
  }
  return {
    ...(databases.length ? { databases } : {}),
    ...(templates.length ? { templates } : {}),
    ...(value.extensions !== undefined ? { extensions } : {}),
    ...(settings && Object.keys(settings).length ? { settings } : {}),
  };
}

/** Each field of a cron expression: its name and range. */
const CRON_FIELDS = [
  ['minute', 0, 59],
  ['hour', 0, 23],
  ['day of month', 1, 31],
  ['month', 1, 12],
  ['weekday', 0, 7],
] as const;

/** `*`, `*\/n`, `a`, `a-b`, `a-b/n`, and comma lists of these, each number within the field's range. */
function cronFieldProblem(field: string, [name, low, high]: (typeof CRON_FIELDS)[number]): string | undefined {
  for (const part of field.split(',')) {
    const match = /^(\*|([0-9]{1,2})(?:-([0-9]{1,2}))?)(?:\/([0-9]{1,2}))?$/.exec(part);
    if (!match) return `the ${name} "${part}" is not *, a number, a range a-b or a step */n`;
    const [, , from, to, step] = match;
    const numbers = [from, to].filter((n): n is string => n !== undefined).map(Number);
    if (numbers.some(n => n < low || n > high)) return `the ${name} "${part}" is outside ${low}-${high}`;
    if (numbers.length === 2 && numbers[0]! > numbers[1]!) return `the ${name} range "${part}" runs backwards`;
    if (step !== undefined && Number(step) === 0) return `the ${name} step "${part}" is 0`;
  }
  return undefined;
}

export function validateBackups(value: unknown): BackupsAnswer | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) fail('backups', value, 'an object with schedule, rotation and keep, e.g. {"schedule": "0 3 * * *", "rotation": "weekday"}');
  const unknown = Object.keys(value).find(key => !['schedule', 'rotation', 'keep'].includes(key));
  if (unknown) fail('backups', unknown, 'some of: schedule, rotation, keep');
  const schedule =
    typeof value.schedule === 'string' ? value.schedule.trim().replace(/\s+/g, ' ') : value.schedule === undefined ? DEFAULT_BACKUPS.schedule : undefined;
  const fields = schedule?.split(' ');
  if (!schedule || fields!.length !== 5)
    fail(
      'backups.schedule',
      value.schedule,
      'a cron expression of five fields (minute hour day-of-month month weekday, UTC), e.g. "0 3 * * *" for 03:00 every day',
    );
  const problem = fields!.map((field, i) => cronFieldProblem(field, CRON_FIELDS[i]!)).find(Boolean);
  if (problem)
    fail('backups.schedule', schedule, `a cron expression whose fields are minute 0-59, hour 0-23, day of month 1-31, month 1-12, weekday 0-7 (${problem})`);
  const rotation = value.rotation ?? DEFAULT_BACKUPS.rotation;
  if (!(ROTATIONS as readonly unknown[]).includes(rotation))
    fail('backups.rotation', rotation, `one of: ${ROTATIONS.join(', ')} (weekday: one dump per day of the week; count: the newest "keep")`);
  if (rotation === 'weekday' && value.keep !== undefined)
    fail('backups.keep', value.keep, 'no keep with rotation weekday (it keeps one dump per day of the week)');
  const keep = rotation === 'count' ? (value.keep ?? DEFAULT_BACKUPS.keep) : undefined;
  if (keep !== undefined && (typeof keep !== 'number' || !Number.isInteger(keep) || keep < 1 || keep > 366))
    fail('backups.keep', keep, 'a whole number of dumps to keep, 1 to 366');
  return { schedule: schedule!, rotation: rotation as BackupsAnswer['rotation'], ...(keep !== undefined ? { keep: keep as number } : {}) };
}
