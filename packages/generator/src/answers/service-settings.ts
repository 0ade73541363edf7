/**
 * Answers that shape a chosen service to the deployment: services kept as alternatives (compose profiles),
 * PgBouncer's listen port and pool mode, Grafana's PostgreSQL data source, and the sub-domains Grafana and
 * Flower answer on instead of their path. Checked for shape here;
 * whether a service may be kept as an alternative is its catalog module's fact, checked by the model.
 */
import { fail } from './extras.js';
import { hostLabel } from './app-routes.js';

export const POOL_MODES = ['session', 'transaction', 'statement'] as const;
export type PoolMode = (typeof POOL_MODES)[number];
/** off: Prometheus only; readonly: a read-only role of its own; owner: the app's database user. */
export const GRAFANA_POSTGRES = ['off', 'readonly', 'owner'] as const;
export type GrafanaPostgres = (typeof GRAFANA_POSTGRES)[number];

export const DEFAULT_PGBOUNCER_PORT = 5432;
/** How apps prove their password to PgBouncer; it always speaks scram-sha-256 to PostgreSQL. */
export const CLIENT_AUTH = ['scram-sha-256', 'md5'] as const;
export type ClientAuth = (typeof CLIENT_AUTH)[number];

export interface ServiceSettings {
  /** Chosen services defined under a compose profile of their own: kept, not started by default. */
  readonly alternatives?: readonly string[];
  /** The port apps dial PgBouncer on (default 5432, PostgreSQL's own). */
  readonly pgbouncerPort?: number;
  readonly pgbouncerPoolMode?: PoolMode;
  /** md5 for client libraries older than SCRAM (node-postgres before 8, libpq before 10). */
  readonly pgbouncerClientAuth?: 'md5';
  readonly grafanaPostgres?: Exclude<GrafanaPostgres, 'off'>;
  /** The data source's uid, as the deployment's dashboards name it (default "postgres"). */
  readonly grafanaPostgresUid?: string;
  /** Sub-domain label Grafana answers on at "/" ("grafana": grafana.<domain>) instead of /grafana/. */
  readonly grafanaHost?: string;
  /** Sub-domain label Flower answers on at "/" instead of /flower/. */
  readonly flowerHost?: string;
}

const UID = /^[A-Za-z0-9_-]{1,40}$/;

const listOfIds = (value: unknown): string[] | undefined =>
  typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value : value === undefined ? [] : undefined;

export function validateServiceSettings(
  raw: {
    alternatives?: unknown;
    pgbouncerPort?: unknown;
    pgbouncerPoolMode?: unknown;
    pgbouncerClientAuth?: unknown;
    grafanaPostgres?: unknown;
    grafanaPostgresUid?: unknown;
    grafanaHost?: unknown;
    flowerHost?: unknown;
  },
  services: readonly string[],
  expectPort: (value: unknown, option: string, allowed?: string) => number,
  usesPostgres: UsesPostgres,
  domain = 'localhost',
): ServiceSettings {
  const given = listOfIds(raw.alternatives);
  if (!given || given.some(item => typeof item !== 'string')) fail('alternatives', raw.alternatives, 'a list of chosen services, e.g. "kafka"');
  const alternatives = (given as string[]).map(id => id.trim().toLowerCase()).filter(id => id !== 'none');
  for (const id of alternatives) {
    if (!services.includes(id))
      fail('alternatives', id, `one of the chosen --services (${services.join(', ') || 'none'}): an alternative is kept in the stack, not started by default`);
  }
  if (new Set(alternatives).size !== alternatives.length) fail('alternatives', alternatives.join(','), 'each service once');
  const pooled = services.includes('pgbouncer');
  const port = pooled
    ? expectPort(raw.pgbouncerPort ?? DEFAULT_PGBOUNCER_PORT, 'pgbouncer-port', 'the port apps dial PgBouncer on, 1024 to 65535 (e.g. 5432, 6432)')
    : undefined;
  if (port !== undefined && port < 1024)
    fail('pgbouncer-port', port, 'the port apps dial PgBouncer on, 1024 to 65535 (e.g. 5432, 6432): it runs as a non-root user');
  const poolMode = pooled
    ? oneOf(
        raw.pgbouncerPoolMode ?? 'session',
        'pgbouncer-pool-mode',
        POOL_MODES,
        '(transaction only for apps without session state: no prepared statements, advisory locks or SET)',
      )
    : undefined;
  const clientAuth = pooled
    ? oneOf(raw.pgbouncerClientAuth ?? 'scram-sha-256', 'pgbouncer-client-auth', CLIENT_AUTH, '(md5 only for client libraries that predate SCRAM)')
    : undefined;
  const grafana =
    services.includes('grafana') && usesPostgres(services)
      ? oneOf(raw.grafanaPostgres ?? 'off', 'grafana-postgres', GRAFANA_POSTGRES, '(readonly: a role of its own that can only read)')
      : 'off';
  const uid = raw.grafanaPostgresUid === undefined || raw.grafanaPostgresUid === '' ? undefined : raw.grafanaPostgresUid;
  if (uid !== undefined && (typeof uid !== 'string' || !UID.test(uid)))
    fail('grafana-postgres-uid', uid, 'the uid the dashboards give the data source: 1 to 40 letters, digits, - and _ (e.g. "zNqkUPk4k")');
  if (uid !== undefined && grafana === 'off') fail('grafana-postgres-uid', uid, 'it only with --grafana-postgres readonly or owner');
  const grafanaHost = services.includes('grafana') ? serviceHost(raw.grafanaHost, 'grafana-host', 'Grafana', domain) : undefined;
  const flowerHost = services.includes('flower') ? serviceHost(raw.flowerHost, 'flower-host', 'Flower', domain) : undefined;
  return {
    ...(alternatives.length > 0 ? { alternatives } : {}),
    ...(port !== undefined && port !== DEFAULT_PGBOUNCER_PORT ? { pgbouncerPort: port } : {}),
    ...(poolMode && poolMode !== 'session' ? { pgbouncerPoolMode: poolMode } : {}),
    ...(clientAuth === 'md5' ? { pgbouncerClientAuth: clientAuth } : {}),
    ...(grafana !== 'off' ? { grafanaPostgres: grafana } : {}),
    ...(uid !== undefined ? { grafanaPostgresUid: uid as string } : {}),
    ...(grafanaHost ? { grafanaHost } : {}),
    ...(flowerHost ? { flowerHost } : {}),
  };
}

/** A service's own sub-domain: the portal's domain itself is its path's place, refused rather than ignored. */
function serviceHost(value: unknown, option: string, owner: string, domain: string): string | undefined {
  if (typeof value === 'string' && value.trim().toLowerCase().replace(/\.$/, '') === domain) {
    fail(
      option,
      value,
      `a sub-domain label such as "${owner.toLowerCase()}" (for ${owner.toLowerCase()}.${domain}), not the portal's domain: leave it out to serve ${owner} under /${owner.toLowerCase()}/`,
    );
  }
  return hostLabel(value, option, owner, domain);
}

/**
 * Whether PostGIS runs: chosen, or brought by a service whose catalog module says it needs it. The caller
 * (answers.ts) asks the catalog; this module stays below it, as the catalog's modules import it.
 */
export type UsesPostgres = (services: readonly string[]) => boolean;

function oneOf<T extends string>(value: unknown, option: string, allowed: readonly T[], hint: string): T {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === undefined || !(allowed as readonly string[]).includes(text)) fail(option, value ?? '', `one of: ${allowed.join(', ')} ${hint}`);
  return text as T;
}

/** Settings typed for a service the stack does not have would be dropped silently: refused instead. */
export function checkGivenServiceSettings(given: Record<string, unknown>, services: readonly string[], usesPostgres: UsesPostgres): void {
  if (!services.includes('pgbouncer')) {
    if (given.pgbouncerPort !== undefined) fail('pgbouncer-port', given.pgbouncerPort, 'it only with the pgbouncer service');
    if (given.pgbouncerPoolMode !== undefined) fail('pgbouncer-pool-mode', given.pgbouncerPoolMode, 'it only with the pgbouncer service');
    if (given.pgbouncerClientAuth !== undefined) fail('pgbouncer-client-auth', given.pgbouncerClientAuth, 'it only with the pgbouncer service');
  }
  for (const [key, option, id] of [
    ['grafanaHost', 'grafana-host', 'grafana'],
    ['flowerHost', 'flower-host', 'flower'],
  ] as const) {
    if (given[key] !== undefined && given[key] !== '' && !services.includes(id)) fail(option, given[key], `it only with the ${id} service`);
  }
  if (given.grafanaPostgres !== undefined && !(services.includes('grafana') && usesPostgres(services))) {
    fail('grafana-postgres', given.grafanaPostgres, 'it only with the grafana and postgis services');
  }
}
