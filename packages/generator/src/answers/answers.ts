/** What `.yo-rc.json` holds: the user's answers, validated. Secrets never live here. */
import {
  checkRouteTargets,
  mountPathIn,
  checkSubDomains,
  fail,
  validateApps,
  validateFolders,
  validateInstances,
  validateInstanceVariable,
  validateRedisRoles,
  type AppAnswer,
  type FolderAnswer,
  type InstanceAnswer,
} from './extras.js';
import { validateBackendContract, type BackendContract } from './app-contract.js';
import { validateRedisSettings, type RedisSettings } from './redis-settings.js';
import { checkGivenServiceSettings, DEFAULT_PGBOUNCER_PORT, validateServiceSettings, type ServiceSettings } from './service-settings.js';
import { validateSharedTraefik, type SharedTraefikAnswers } from './shared-traefik.js';
import { validateBackups, validatePostgres, type BackupsAnswer, type PostgresAnswer } from './postgres-answers.js';
import { validateTargets, type Target } from './targets.js';
import { SERVICE_IDS, serviceDefinition, type ServiceId } from '../catalog/index.js';

export { SERVICE_IDS, type ServiceId };

/** PostGIS chosen, or brought by a service whose catalog module says it needs it. */
const usesPostgres = (services: readonly string[]): boolean =>
  services.some(
    id =>
      id === 'postgis' ||
      ((SERVICE_IDS as readonly string[]).includes(id) && serviceDefinition(id as ServiceId).needs?.some(need => need.service === 'postgis')),
  );

export const BACKENDS = ['django', 'fastapi', 'node', 'image'] as const;
export const PRESET_IDS = ['systemapic', 'housing-portal', 'sagui', 'mupets', 'mlp'] as const;
export const STORAGE_KINDS = ['volumes', 'bind'] as const;

export type Backend = (typeof BACKENDS)[number];
export type StorageKind = (typeof STORAGE_KINDS)[number];
export type PresetId = (typeof PRESET_IDS)[number];

export const SCHEMA_VERSION = 1;

export interface PortalAnswers extends ServiceSettings, SharedTraefikAnswers {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  /** Slug: lowercase letters, digits and dashes. Names the compose project, database and docs. */
  readonly name: string;
  /** Public domain the edge answers on. */
  readonly domain: string;
  readonly backend: Backend;
  /** Only for `backend: image`: a prebuilt image with an explicit tag. */
  readonly backendImage?: string;
  /** Only for `backend: image`: what the image reads and how it runs, as for an app. */
  readonly backendContract?: BackendContract;
  /** Port the backend listens on inside its container. */
  readonly backendPort: number;
  /** Services the user asked for; the model adds their dependencies. */
  readonly services: readonly ServiceId[];
  readonly storage: StorageKind;
  /** Host folder that holds every persistent folder when `storage` is `bind`. */
  readonly dataRoot?: string;
  /** Contact address for Let's Encrypt when traefik terminates TLS. */
  readonly acmeEmail?: string;
  /** The seed deployment this portal started from: its legacy mapping goes into the docs and scripts. */
  readonly preset?: PresetId;
  /** In-house containers from prebuilt images. */
  readonly apps?: readonly AppAnswer[];
  /** Shared file folders of the backend and apps. */
  readonly folders?: readonly FolderAnswer[];
  /** Extra Redis servers, one per role, each with its own storage and password. */
  readonly redisRoles?: readonly string[];
  /** Memory, eviction, persistence and auth of each Redis server, by container name ("redis", "redis-<role>"). */
  readonly redisSettings?: Readonly<Record<string, RedisSettings>>;
  /** Deployments besides dev and prod: own env file, secrets, database volume and domain. */
  readonly instances?: readonly InstanceAnswer[];
  /** Host variable restart.sh also reads to pick the instance (the old restart script's variable). */
  readonly instanceVariable?: string;
  /** PostgreSQL schemas the tileserver publishes, created at init (default: tiles). */
  readonly tileSchemas?: readonly string[];
  /** Extra and template databases, extensions and tuning of the PostgreSQL server. */
  readonly postgres?: PostgresAnswer;
  /** When the backup container dumps and how many dumps it keeps. */
  readonly backups?: BackupsAnswer;
  /** Deployment targets besides compose (always rendered): kubernetes, swarm. Absent: compose alone. */
  readonly targets?: readonly Target[];
}

/** The typical geospatial portal the issue asks for when nothing is given. */
export const DEFAULT_SERVICES: readonly ServiceId[] = ['postgis', 'redis', 'tileserver', 'varnish', 'nginx', 'backup'];
const DEFAULT_BACKEND_PORTS: Record<Backend, number> = { django: 8000, fastapi: 8000, node: 3000, image: 8000 };

const NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IMAGE_WITH_TAG = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::(?<tag>[\w][\w.-]{0,127})|@sha256:[a-f0-9]{64})$/;
export const FLOATING_TAGS: ReadonlySet<string> = new Set(['latest', 'stable', 'edge', 'nightly', 'dev', 'main', 'master']);
/** The local part in the characters every mail system and shell passes through unchanged. */
const EMAIL = /^[A-Za-z0-9._%+-]+@(?<domain>[A-Za-z0-9.-]+)$/;
const MAX_IMAGE = 255;
const MAX_DATA_ROOT = 200;

/** Raw input: from CLI options, prompts or a stored `.yo-rc.json`; anything may be missing or wrong. */
export type RawAnswers = Partial<Record<keyof PortalAnswers, unknown>>;

export function defaultName(folderName: string): string {
  const slug = folderName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return NAME.test(slug) ? slug : 'portal';
}

/** Defaults for every answer, given the ones already known. */
export function defaultAnswers(known: RawAnswers, folderName: string): Record<string, unknown> {
  const name = typeof known.name === 'string' ? known.name : defaultName(folderName);
  const backend = (typeof known.backend === 'string' ? known.backend : 'django') as Backend;
  return {
    name,
    domain: `${name}.localhost`,
    backend,
    backendPort: DEFAULT_BACKEND_PORTS[backend] ?? 8000,
    services: DEFAULT_SERVICES,
    storage: 'volumes',
    dataRoot: `/mnt/data/${name}`,
    acmeEmail: `admin@${typeof known.domain === 'string' ? known.domain : `${name}.localhost`}`,
    // asked only with their service, and stored only when they differ from these
    pgbouncerPort: String(DEFAULT_PGBOUNCER_PORT),
    pgbouncerPoolMode: 'session',
    pgbouncerClientAuth: 'scram-sha-256',
    grafanaPostgres: 'off',
  };
}

/** Checks every answer and returns the typed set; throws one PortalInputError naming the culprit. */
export function validateAnswers(raw: RawAnswers): PortalAnswers {
  const name = expectString(raw.name, 'name');
  if (!NAME.test(name)) {
    fail('name', name, '2 to 40 lowercase letters, digits and dashes, starting with a letter (e.g. "city-portal")');
  }
  const domain = expectString(raw.domain, 'domain').toLowerCase();
  if (!isDomain(domain)) fail('domain', domain, 'a host name such as "maps.example.org" or "portal.localhost"');
  const backend = expectOneOf(raw.backend, 'backend', BACKENDS);
  const backendImage = backend === 'image' ? validateImage(raw.backendImage) : undefined;
  if (backend !== 'image' && raw.backendImage !== undefined && raw.backendImage !== '') {
    fail('backend-image', raw.backendImage, 'nothing unless --backend image is chosen');
  }
  const backendPort = expectPort(raw.backendPort ?? DEFAULT_BACKEND_PORTS[backend], 'backend-port');
  const backendContract = validateBackendContract(raw.backendContract, backend, domain);
  const services = expectServices(raw.services);
  const storage = expectOneOf(raw.storage ?? 'volumes', 'storage', STORAGE_KINDS);
  const dataRoot = storage === 'bind' ? expectAbsolutePath(raw.dataRoot ?? `/mnt/data/${name}`, 'data-root') : undefined;
  const acmeEmail = services.includes('traefik') ? expectEmail(raw.acmeEmail ?? `admin@${domain}`) : undefined;
  const preset = raw.preset === undefined || raw.preset === '' ? undefined : expectOneOf(raw.preset, 'preset', PRESET_IDS);
  const apps = validateApps(raw.apps, validateImage, expectPort, domain);
  const folders = validateFolders(raw.folders, domain);
  checkRouteTargets(apps, folders, backendContract?.routes);
  for (const app of apps) {
    const shared = (app.writable ?? []).find(path => folders.some(folder => mountPathIn(folder, app.id) === path));
    if (shared) fail('writable', shared, `a path of app "${app.id}" other than a shared folder's mount path (the folder is mounted there already)`);
  }
  for (const [id, contract] of [...apps.map(app => [app.id, app] as const), ['backend', backendContract ?? {}] as const]) {
    const config = contract.configFolder;
    if (config && folders.some(folder => mountPathIn(folder, id) === config))
      fail('config-folder', config, `a path of app "${id}" other than a shared folder's mount path`);
  }
  const redisRoles = validateRedisRoles(raw.redisRoles);
  if (redisRoles.length > 0 && !services.includes('redis')) fail('redis-roles', redisRoles.join(','), 'roles only together with the redis service');
  const celery = services.includes('celery') || services.includes('flower');
  const redisServers = [...(services.includes('redis') || celery ? ['redis'] : []), ...redisRoles.map(role => `redis-${role}`)];
  const redisSettings = validateRedisSettings(raw.redisSettings, redisServers, celery && !services.includes('rabbitmq') ? 'redis' : undefined);
  const instances = validateInstances(raw.instances, isDomain);
  if (instances.some(instance => instance.domain === domain)) fail('domain', domain, 'a domain of its own for each instance, not the main --domain');
  const instanceVariable = validateInstanceVariable(raw.instanceVariable);
  const serviceSettings = validateServiceSettings(raw, services, expectPort, usesPostgres, domain);
  const sharedTraefik = validateSharedTraefik(raw, services);
  const serviceHosts = [
    ...(serviceSettings.grafanaHost ? [{ option: 'grafana-host', label: serviceSettings.grafanaHost }] : []),
    ...(serviceSettings.flowerHost ? [{ option: 'flower-host', label: serviceSettings.flowerHost }] : []),
  ];
  checkSubDomains(apps, folders, backendContract?.routes ?? [], domain, instances, serviceHosts);
  const tileSchemas = validateTileSchemas(raw.tileSchemas, services);
  const postgres = validatePostgres(raw.postgres, name.replace(/-/g, '_'));
  // these add PostGIS to the stack
  const withDatabase = services.some(id => ['postgis', 'tileserver', 'pgbouncer', 'backup'].includes(id));
  if (postgres && !withDatabase) fail('postgres', JSON.stringify(raw.postgres), 'it only with the postgis service');
  const backups = validateBackups(raw.backups);
  if (backups && !services.includes('backup')) fail('backups', JSON.stringify(raw.backups), 'it only with the backup service');
  const targets = validateTargets(raw.targets);
  return {
    schemaVersion: SCHEMA_VERSION,
    name,
    domain,
    backend,
    ...(backendImage ? { backendImage } : {}),
    ...(backendContract ? { backendContract } : {}),
    backendPort,
    services,
    storage,
    ...(dataRoot ? { dataRoot } : {}),
    ...(acmeEmail ? { acmeEmail } : {}),
    ...(preset ? { preset } : {}),
    ...(apps.length > 0 ? { apps } : {}),
    ...(folders.length > 0 ? { folders } : {}),
    ...(redisRoles.length > 0 ? { redisRoles } : {}),
    ...(redisSettings ? { redisSettings } : {}),
    ...(instances.length > 0 ? { instances } : {}),
    ...(instanceVariable ? { instanceVariable } : {}),
    ...serviceSettings,
    ...sharedTraefik,
    ...(tileSchemas ? { tileSchemas } : {}),
    ...(postgres && Object.keys(postgres).length ? { postgres } : {}),
    ...(backups ? { backups } : {}),
    ...(targets ? { targets } : {}),
  };
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED_SCHEMAS = new Set(['public', 'information_schema']);

/** Schemas as a list or the option's comma-separated text; `public` never (the app's users and sessions live there). */
function validateTileSchemas(value: unknown, services: readonly ServiceId[]): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > 10 || list.some(item => typeof item !== 'string'))
    fail('tile-schemas', value, 'one to ten schema names, e.g. "tiles,guyane"');
  for (const schema of list as string[]) {
    if (!SCHEMA.test(schema) || schema.startsWith('pg_') || RESERVED_SCHEMAS.has(schema)) {
      fail(
        'tile-schemas',
        schema,
        'a schema name of lowercase letters, digits and "_" (not public, information_schema or pg_*): the tileserver publishes every table it can read there',
      );
    }
  }
  if (new Set(list).size !== list.length) fail('tile-schemas', (list as string[]).join(','), 'each schema once');
  if (!services.includes('tileserver')) fail('tile-schemas', (list as string[]).join(','), 'it only with the tileserver service');
  return list as string[];
}

export function isDomain(value: string): boolean {
  if (value.length > 253) return false;
  const labels = value.split('.');
  return (labels.length >= 2 || value === 'localhost') && labels.every(label => LABEL.test(label)) && !/^\d+$/.test(labels.at(-1)!);
}

function validateImage(value: unknown, option = 'backend-image'): string {
  const image = expectString(value, option);
  if (image.length > MAX_IMAGE) fail(option, image, `an image reference of at most ${MAX_IMAGE} characters`);
  const match = IMAGE_WITH_TAG.exec(image);
  if (!match) fail(option, image, 'an image with an explicit tag, e.g. "ghcr.io/acme/portal-api:1.4.2"');
  const tag = match.groups?.tag;
  if (tag && FLOATING_TAGS.has(tag)) fail(option, image, `a pinned release tag, not the floating "${tag}"`);
  return image;
}

function expectServices(value: unknown): ServiceId[] {
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value : undefined;
  // an empty option would remove every service: "none" says so on purpose
  if (!list || (typeof value === 'string' && list.length === 0))
    fail('services', value ?? '', `a list of: ${SERVICE_IDS.join(', ')}; or "none" for no services`);
  if (list.some(item => typeof item !== 'string'))
    fail(
      'services',
      list.find(item => typeof item !== 'string'),
      'service names (strings)',
    );
  const named = (list as string[]).map(item => item.trim().toLowerCase()).filter(item => item !== '');
  // "none" and a service contradict each other: which one was meant?
  if (named.includes('none') && named.some(item => item !== 'none'))
    fail('services', (list as string[]).join(','), '"none" alone, or a list of services without it');
  const ids = named.filter(item => item !== 'none');
  for (const id of ids) {
    if (!(SERVICE_IDS as readonly string[]).includes(id)) fail('services', id, `one of: ${SERVICE_IDS.join(', ')}`);
  }
  return SERVICE_IDS.filter(id => ids.includes(id));
}

function expectString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    fail(option, value ?? '', typeof value === 'string' || value === undefined ? 'a non-empty value' : 'a text value');
  return value.trim();
}

function expectOneOf<T extends string>(value: unknown, option: string, allowed: readonly T[]): T {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === undefined || !(allowed as readonly string[]).includes(text)) fail(option, value ?? '', `one of: ${allowed.join(', ')}`);
  return text as T;
}

/** A port as a JSON number or as the decimal digits an option gives; never true, [8080] or 0x1F90. */
export function expectPort(value: unknown, option: string, allowed = 'a whole number from 1 to 65535'): number {
  const port = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,5}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(option, value, allowed);
  return port;
}

function expectAbsolutePath(value: unknown, option: string): string {
  const path = expectString(value, option);
  const normalised = path.replace(/\/+$/, '');
  if (path.startsWith('/') && normalised === '') fail(option, path, 'a folder below /, not / itself');
  // ":" and "," split the source of `docker run -v` and compose's short volume syntax
  if (!normalised.startsWith('/') || normalised.split('/').some(part => part === '..' || part === '.') || /[\s'"$`\\:,]/.test(normalised)) {
    fail(option, path, 'an absolute host path without spaces, quotes, ":", "," or "..", e.g. "/mnt/data/portal"');
  }
  if (normalised.length > MAX_DATA_ROOT) fail(option, path, `a host path of at most ${MAX_DATA_ROOT} characters`);
  return normalised;
}

function expectEmail(value: unknown): string {
  const email = expectString(value, 'acme-email');
  const domain = EMAIL.exec(email)?.groups?.domain;
  if (!domain || !isDomain(domain.toLowerCase()) || !domain.includes('.') || email.length > 254) {
    fail('acme-email', email, 'an e-mail address for Let\'s Encrypt notices, such as "ops@example.org" (letters, digits and . _ % + - before the @)');
  }
  return email;
}

/**
 * Answers typed on the command line or in an --answers file that the chosen stack would silently drop:
 * refused, so that a user who passed --data-root knows the data does not go there.
 */
export function checkGivenAnswersApply(given: RawAnswers, answers: PortalAnswers): void {
  if (given.dataRoot !== undefined && answers.storage !== 'bind') {
    fail('data-root', given.dataRoot, 'it only with --storage bind (with volumes the data lives in named Docker volumes)');
  }
  if (given.acmeEmail !== undefined && !answers.services.includes('traefik')) {
    fail('acme-email', given.acmeEmail, "it only with the traefik service (traefik asks Let's Encrypt for the certificate)");
  }
  checkGivenServiceSettings(given, answers.services, usesPostgres);
}
