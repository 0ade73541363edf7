/**
 * The old containers apps connect to, as the stores of the new stack: which connection store answers for
 * each catalog kind, its fields, and the old credentials an app might repeat (recognised, never stored).
 */
import type { Role } from './classify.js';
import type { ServiceFacts } from './service-facts.js';
import type { StoreRef } from './settings.js';

interface StoreShape {
  readonly store: string;
  /** The container that answers for it in the new stack. */
  readonly host: string;
  readonly port: number;
  readonly fields: StoreRef['fields'];
  /** Variables of the old server's image that held its user, password and database. */
  readonly user?: readonly string[];
  readonly password?: readonly string[];
  readonly db?: readonly string[];
}

const SHAPES: Readonly<Record<string, StoreShape>> = {
  postgis: {
    store: 'postgis',
    host: 'db',
    port: 5432,
    fields: ['user', 'password', 'db'],
    user: ['POSTGRES_USER'],
    password: ['POSTGRES_PASSWORD', 'POSTGRES_PASS'],
    db: ['POSTGRES_DB', 'POSTGRES_DBNAME'],
  },
  pgbouncer: {
    store: 'pgbouncer',
    host: 'pgbouncer',
    port: 5432,
    fields: ['user', 'password', 'db'],
    user: ['DATABASES_USER', 'DB_USER'],
    password: ['DATABASES_PASSWORD', 'DB_PASSWORD'],
    db: ['DATABASES_DBNAME', 'DB_NAME'],
  },
  redis: { store: 'redis', host: 'redis', port: 6379, fields: ['password'], password: ['REDIS_PASSWORD'] },
  rabbitmq: {
    store: 'rabbitmq',
    host: 'rabbitmq',
    port: 5672,
    fields: ['user', 'password', 'vhost'],
    user: ['RABBITMQ_DEFAULT_USER'],
    password: ['RABBITMQ_DEFAULT_PASS'],
  },
  mongodb: {
    store: 'mongodb',
    host: 'mongodb',
    port: 27017,
    fields: ['user', 'password'],
    user: ['MONGO_INITDB_ROOT_USERNAME'],
    password: ['MONGO_INITDB_ROOT_PASSWORD'],
  },
  orientdb: { store: 'orientdb', host: 'orientdb', port: 2424, fields: ['user', 'password'], password: ['ORIENTDB_ROOT_PASSWORD'] },
  kafka: { store: 'kafka', host: 'kafka', port: 9092, fields: [] },
};

export function storeRef(f: ServiceFacts, role: Role): StoreRef | undefined {
  const shape =
    role.kind === 'redis-role'
      ? { ...SHAPES.redis!, store: `redis-${role.role}`, host: `redis-${role.role}` }
      : role.kind === 'catalog'
        ? SHAPES[role.service]
        : undefined;
  if (!shape) return undefined;
  const first = (names: readonly string[] | undefined) =>
    names?.map(name => f.environment.get(name)).find((value): value is string => typeof value === 'string' && value !== '');
  const user = first(shape.user);
  const password = first(shape.password);
  const db = first(shape.db);
  const port = shape.store === 'pgbouncer' ? (pgbouncerListenPort(f) ?? shape.port) : shape.port;
  return {
    store: shape.store,
    host: shape.host,
    port,
    fields: shape.fields,
    old: { ...(user ? { user } : {}), ...(password ? { password } : {}), ...(db ? { db } : {}) },
  };
}

/** The port the old pooler listened on, which its apps dial: its listen variable, else its one container port. */
export function pgbouncerListenPort(f: ServiceFacts): number | undefined {
  const named = ['PGBOUNCER_LISTEN_PORT', 'LISTEN_PORT']
    .map(name => f.environment.get(name))
    .find((value): value is string => typeof value === 'string' && /^\d{1,5}$/.test(value));
  const port = named ? Number(named) : (f.expose[0] ?? f.ports[0]?.container);
  return port !== undefined && port >= 1024 && port < 65536 ? port : undefined;
}

/** The old pooler's pool mode, when its variables name one PgBouncer knows. */
export function pgbouncerPoolMode(f: ServiceFacts): string | undefined {
  const mode = ['PGBOUNCER_POOL_MODE', 'POOL_MODE']
    .map(name => f.environment.get(name))
    .find((value): value is string => typeof value === 'string' && value !== '');
  return mode?.trim().toLowerCase();
}
