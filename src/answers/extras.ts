/**
 * Answers that are lists of small records: in-house containers from prebuilt images, shared folders,
 * extra Redis instances and deployment instances. Each is checked here and named in its error.
 */
import { PortalInputError } from './input-error.js';

/** A container from a prebuilt image (the Node.js and other in-house services of a deployment). */
export interface AppAnswer {
  readonly id: string;
  readonly image: string;
  readonly port: number;
  /** Public path prefix sent to it, e.g. "/tiles/". */
  readonly route?: string;
  readonly websocket?: boolean;
  /** Path answering 200 when healthy; default /health. */
  readonly healthPath?: string;
}

/**
 * A folder of files shared by the backend and the apps (uploads, imports, exports, imagery), stored like
 * every other persistent item; with `route`, nginx serves it read-only. With `repo`, the folder is part of
 * the repository (built docs, a viewer) and only nginx reads it.
 */
export interface FolderAnswer {
  readonly name: string;
  /** Mount path in the backend and apps. */
  readonly target?: string;
  readonly route?: string;
  readonly repo?: string;
}

/** A deployment of the same stack with its own env file, secrets, database volume and domain. */
export interface InstanceAnswer {
  readonly name: string;
  readonly domain: string;
}

/** An id of ours (app, folder, role, instance): also part of container, volume and file names. */
const ID = /^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/;
const ROUTE = /^\/[a-z0-9._~-]+(\/[a-z0-9._~-]+)*\/$/;
const CONTAINER_PATH = /^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const REPO_PATH = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
const RESERVED_INSTANCES = ['dev', 'prod', 'tls', 'localhost'];
/** Folders of the images the apps run: a shared folder mounted there would hide or break them. */
const RESERVED_TARGETS = /^\/(tmp|etc|app|usr|bin|sbin|lib|lib64|proc|sys|dev|run|boot|root|srv)(\/|$)/;
/** Paths the generated stack itself answers. */
const RESERVED_ROUTES = ['/', '/health/', '/metrics/', '/static/', '/media/', '/tiles/', '/grafana/', '/flower/'];

export function fail(option: string, value: string, allowed: string): never {
  throw new PortalInputError(`Invalid --${option} "${value}": expected ${allowed}.`);
}

function listOf(value: unknown, option: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some(item => item === null || typeof item !== 'object' || Array.isArray(item))) {
    fail(option, JSON.stringify(value), 'a list of objects');
  }
  return value as Record<string, unknown>[];
}

function label(value: unknown, option: string, what: string): string {
  const text = String(value ?? '').trim();
  if (!ID.test(text)) fail(option, text, `${what}: lowercase letters, digits and dashes, starting with a letter, at most 30 characters`);
  return text;
}

export function expectRoute(value: unknown, option: string): string {
  const raw = String(value ?? '').trim().toLowerCase();
  const route = raw.endsWith('/') ? raw : `${raw}/`;
  if (!ROUTE.test(route)) fail(option, raw, 'a path such as "/tiles/" (lowercase, no spaces or dots-only segments)');
  if (route.split('/').some(part => part === '.' || part === '..')) fail(option, raw, 'a path without "." or ".." segments');
  if (RESERVED_ROUTES.includes(route)) fail(option, raw, `a path the stack does not use itself (${RESERVED_ROUTES.join(', ')} are taken)`);
  return route;
}

function unique<T>(items: readonly T[], key: (item: T) => string, option: string, what: string): T[] {
  const seen = new Set<string>();
  for (const item of items) {
    const id = key(item);
    if (seen.has(id)) fail(option, id, `each ${what} once`);
    seen.add(id);
  }
  return [...items];
}

export function validateApps(value: unknown, validateImage: (image: unknown, option: string) => string): AppAnswer[] {
  const apps = listOf(value, 'app').map(raw => {
    const id = label(raw.id, 'app', 'an app id');
    const image = validateImage(raw.image, 'image');
    const port = Number(raw.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) fail('port', String(raw.port), `the port app "${id}" listens on, 1 to 65535`);
    const route = raw.route === undefined || raw.route === '' ? undefined : expectRoute(raw.route, 'route');
    if (raw.websocket === true && !route) fail('websocket', id, '--websocket only together with --route');
    const healthPath = raw.healthPath === undefined || raw.healthPath === '' ? undefined : String(raw.healthPath);
    if (healthPath !== undefined && !/^\/[A-Za-z0-9._~\/-]*$/.test(healthPath)) fail('health-path', healthPath, 'a path such as "/health"');
    return {
      id,
      image,
      port,
      ...(route ? { route } : {}),
      ...(raw.websocket === true ? { websocket: true } : {}),
      ...(healthPath ? { healthPath } : {}),
    };
  });
  unique(apps, app => app.id, 'app', 'app id');
  unique(apps.filter(app => app.route), app => app.route!, 'route', 'route');
  return apps;
}

export function validateFolders(value: unknown): FolderAnswer[] {
  const folders = listOf(value, 'folders').map(raw => {
    const name = label(raw.name, 'folders', 'a folder name');
    const route = raw.route === undefined ? undefined : expectRoute(raw.route, 'folders');
    const repo = raw.repo === undefined ? undefined : String(raw.repo);
    if (repo !== undefined && (!REPO_PATH.test(repo) || repo.split('/').includes('..'))) fail('folders', repo, 'a folder inside the repository, e.g. "docs/_build/html"');
    if (repo !== undefined && !route) fail('folders', name, 'a "route" for a repository folder (only nginx reads it)');
    const target = raw.target === undefined ? (repo ? undefined : `/${name}`) : String(raw.target);
    if (target !== undefined && (!CONTAINER_PATH.test(target) || target.split('/').some(part => part === '.' || part === '..'))) fail('folders', target, 'an absolute path in the container, e.g. "/imports"');
    if (target !== undefined && RESERVED_TARGETS.test(target)) fail('folders', target, 'a path outside the system and app folders (/tmp, /etc, /app, /usr ...), e.g. "/imports"');
    if (name === 'instances') fail('folders', name, 'another name: DATA_ROOT/instances holds the instances\' data');
    return { name, ...(target ? { target } : {}), ...(route ? { route } : {}), ...(repo ? { repo } : {}) };
  });
  return unique(folders, folder => folder.name, 'folders', 'folder name');
}

export function validateRedisRoles(value: unknown): string[] {
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value : value === undefined ? [] : undefined;
  if (!list) fail('redis-roles', String(value), 'a list of role names such as "layers,stats,tokens"');
  const roles = list.map(role => label(role, 'redis-roles', 'a role name'));
  for (const role of roles) if (role === 'exporter' || role.endsWith('-exporter')) fail('redis-roles', role, 'a role name not ending in "exporter" (the exporters are named redis-<role>-exporter)');
  return unique(roles, role => role, 'redis-roles', 'role');
}

export function validateInstances(value: unknown, isDomain: (domain: string) => boolean): InstanceAnswer[] {
  const instances = listOf(value, 'instances').map(raw => {
    const name = label(raw.name, 'instance', 'an instance name');
    if (RESERVED_INSTANCES.includes(name)) fail('instance', name, `a name other than ${RESERVED_INSTANCES.join(', ')} (dev and prod are the main deployments, dev answers on localhost, secrets/tls holds prod's certificate)`);
    const domain = String(raw.domain ?? '').trim().toLowerCase();
    if (!isDomain(domain) || domain === 'localhost') fail('domain', domain, `the host name instance "${name}" answers on, e.g. "${name}.example.org"`);
    return { name, domain };
  });
  unique(instances, instance => instance.domain, 'domain', 'instance domain');
  return unique(instances, instance => instance.name, 'instance', 'instance name');
}

/** Name of a host variable restart.sh also reads to pick the instance, e.g. SYSTEMAPIC_DOMAIN. */
export function validateInstanceVariable(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  if (!/^[A-Z][A-Z0-9_]{1,40}$/.test(text) || text.startsWith('PORTAL_')) fail('instance-variable', text, 'an upper-case variable name such as "SYSTEMAPIC_DOMAIN"');
  return text;
}
