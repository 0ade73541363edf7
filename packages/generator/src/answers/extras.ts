/**
 * Answers that are lists of small records: in-house containers from prebuilt images, shared folders,
 * extra Redis instances and deployment instances. Each is checked here and named in its error.
 */
import { PortalInputError } from './input-error.js';
import { quoted } from './quoted.js';
import { CONTRACT_KEYS, validateContract, type AppContract } from './app-contract.js';
import { checkPrivateFolders, hostLabel, routeKey, routePath, routesOf, validateRoutes, type RouteAnswer } from './app-routes.js';
import { RESERVED_ROUTES } from '../catalog/site-paths.js';

/** A container from a prebuilt image (the Node.js and other in-house services of a deployment). */
export interface AppAnswer extends AppContract {
  readonly id: string;
  readonly image: string;
  /** The port it listens on; absent on a worker that serves nothing (no route, its own --health). */
  readonly port?: number;
  /** Public path prefix sent to it, e.g. "/tiles/". */
  readonly route?: string;
  readonly websocket?: boolean;
  /** Routes by path and sub-domain with their limits, CORS and private folder (instead of route/websocket). */
  readonly routes?: readonly RouteAnswer[];
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
  /** Container (an app id, backend or scheduler) -> its own mount path where its image reads the folder elsewhere, or false: not mounted there. */
  readonly mounts?: Readonly<Record<string, string | false>>;
  readonly route?: string;
  readonly repo?: string;
  /** Served on this sub-domain label (api → api.<domain>) instead of the portal's domain. */
  readonly host?: string;
  /** A single-page front end: unknown paths under the route get its index.html. */
  readonly spa?: boolean;
  /** With spa: in dev the route goes to this app's dev server instead, "<app id>" or "<app id>:<port>". */
  readonly devServer?: string;
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
/** Instance names the repo's own files and folders use (the two environments, tls/, localhost certificates). */
export const RESERVED_INSTANCES = ['dev', 'prod', 'tls', 'localhost'] as const;
/**
 * Folders of the images the apps run: a shared folder mounted there would hide or break them. A folder
 * below /app or /srv is an app's own data folder (a model store at /app/models) and may be shared.
 */
const RESERVED_TARGETS = /^\/(tmp|etc|usr|bin|sbin|lib|lib64|proc|sys|dev|run|boot|root)(\/|$)|^\/(app|srv)$/;

/** One line naming the option, the value as given (quoted, so a newline cannot break the line) and what is allowed. */
export function fail(option: string, value: unknown, allowed: string): never {
  throw new PortalInputError(`Invalid --${option} ${quoted(value)}: expected ${allowed}.`, { option, value, allowed });
}

/** Paths and routes end up in nginx, compose and shell: long enough for any real one, short enough for every tool. */
const MAX_PATH = 128;

function listOf(value: unknown, option: string, keys: readonly string[]): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some(item => item === null || typeof item !== 'object' || Array.isArray(item))) {
    fail(option, value, 'a list of objects');
  }
  if (value.length > 50) fail(option, `${value.length} entries`, 'at most 50');
  for (const item of value as Record<string, unknown>[]) {
    const unknown = Object.keys(item).find(key => !keys.includes(key));
    if (unknown !== undefined) fail(option, unknown, `keys among ${keys.join(', ')}`);
  }
  return value as Record<string, unknown>[];
}

/** A text value of a record: a string, at most `max` characters; a list, number or object is refused. */
function text(value: unknown, option: string, max = MAX_PATH): string {
  if (typeof value !== 'string') fail(option, value ?? '', 'a text value');
  const trimmed = value.trim();
  if (trimmed.length > max) fail(option, trimmed, `at most ${max} characters`);
  return trimmed;
}

function label(value: unknown, option: string, what: string): string {
  const id = text(value ?? '', option);
  if (!ID.test(id)) fail(option, id, `${what}: lowercase letters, digits and dashes, starting with a letter, at most 30 characters`);
  return id;
}

export function expectRoute(value: unknown, option: string): string {
  const raw = text(value, option).toLowerCase();
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

const APP_KEYS = ['id', 'image', 'port', 'route', 'websocket', 'routes', 'healthPath', ...CONTRACT_KEYS];
const FOLDER_KEYS = ['name', 'target', 'mounts', 'route', 'repo', 'host', 'spa', 'devServer'];

/** Where a shared folder is mounted in one container: its own path if the folder names one, else the folder's target. */
export const mountPathIn = (folder: FolderAnswer, container: string): string | undefined => {
  const own = folder.mounts?.[container];
  return own === false ? undefined : (own ?? folder.target);
};

/** Containers besides the apps that receive the shared folders. */
const FOLDER_CONTAINERS = ['backend', 'scheduler'];

function containerPath(value: unknown, option: string): string {
  const path = text(value, option);
  if (!CONTAINER_PATH.test(path) || path.split('/').some(part => part === '.' || part === '..'))
    fail(option, path, 'an absolute path in the container, e.g. "/imports"');
  if (RESERVED_TARGETS.test(path)) fail(option, path, 'a path outside the system and app folders (/tmp, /etc, /app, /usr ...), e.g. "/imports"');
  return path;
}

/** `{"<container>": "/path" | false}`: the folder's mount path in that container, or none there. */
function folderMounts(value: unknown, name: string): Record<string, string | false> | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('folders', value, `"mounts" of folder "${name}" as an object of container -> mount path or false, e.g. {"worker": "/work", "web": false}`);
  const out = new Map<string, string | false>();
  for (const [container, path] of Object.entries(value)) {
    if (!ID.test(container)) fail('folders', container, `a container of folder "${name}"'s "mounts": an app id, backend or scheduler`);
    out.set(container, path === false ? false : containerPath(path, 'folders'));
  }
  return Object.fromEntries(out);
}
const INSTANCE_KEYS = ['name', 'domain'];

export function validateApps(
  value: unknown,
  validateImage: (image: unknown, option: string) => string,
  expectPort: (port: unknown, option: string, allowed: string) => number,
  domain = 'localhost',
): AppAnswer[] {
  const apps = listOf(value, 'app', APP_KEYS).map(raw => {
    const id = label(raw.id, 'app', 'an app id');
    const image = validateImage(raw.image, 'image');
    const port = raw.port === undefined ? undefined : expectPort(raw.port, 'port', `the port app "${id}" listens on, 1 to 65535`);
    const route = raw.route === undefined || raw.route === '' ? undefined : expectRoute(raw.route, 'route');
    if (raw.websocket !== undefined && typeof raw.websocket !== 'boolean') fail('websocket', raw.websocket, 'true or false');
    if (raw.websocket === true && !route) fail('websocket', id, '--websocket only together with --route');
    const routes = validateRoutes(raw.routes, `app "${id}"`, domain);
    if (routes && (route || raw.websocket !== undefined)) fail('route', id, `either "routes" or the older "route"/"websocket" for app "${id}", not both`);
    const healthPath = raw.healthPath === undefined || raw.healthPath === '' ? undefined : text(raw.healthPath, 'health-path');
    if (healthPath !== undefined && !/^\/[A-Za-z0-9._~/-]*$/.test(healthPath)) fail('health-path', healthPath, 'a path such as "/health"');
    const contract = validateContract(raw, id);
    if (healthPath && contract.health) fail('health-path', healthPath, `either --health-path or --health for app "${id}", not both`);
    // only a worker serves nothing: it has no route and says how to probe it (or why not)
    const probesPort = contract.health === undefined || contract.health.startsWith('http:');
    if (port === undefined && (route || routes?.length || probesPort))
      expectPort(
        raw.port ?? '',
        'port',
        `the port app "${id}" listens on, 1 to 65535 (a worker without a route and with --health cmd:, tcp: or none: may have none)`,
      );
    return {
      id,
      image,
      ...(port !== undefined ? { port } : {}),
      ...(route ? { route } : {}),
      ...(raw.websocket === true ? { websocket: true } : {}),
      ...(routes && routes.length > 0 ? { routes } : {}),
      ...(healthPath ? { healthPath } : {}),
      ...contract,
    };
  });
  unique(apps, app => app.id, 'app', 'app id');
  unique(
    apps.flatMap(app => routesOf(app).flatMap(r => [routeKey(r), ...(r.private ? [routeKey({ host: r.host, path: r.private.path })] : [])])),
    key => key,
    'route',
    'host and path',
  );
  return apps;
}

export function validateFolders(value: unknown, domain = 'localhost'): FolderAnswer[] {
  const folders = listOf(value, 'folders', FOLDER_KEYS).map(raw => {
    const name = label(raw.name, 'folders', 'a folder name');
    const host = hostLabel(raw.host, 'host', `folder "${name}"`, domain);
    const route = raw.route === undefined ? undefined : routePath(raw.route, 'folders', `folder "${name}"`, host !== undefined);
    if (host && !route) fail('host', host, `a "route" for folder "${name}" too (the path on ${host}.${domain})`);
    if (raw.spa !== undefined && typeof raw.spa !== 'boolean') fail('spa', raw.spa, 'true or false');
    if (raw.spa === true && !route) fail('spa', name, `a "route" for folder "${name}" (the path its front end is served at)`);
    const devServer = raw.devServer === undefined ? undefined : text(raw.devServer, 'dev-server');
    if (devServer !== undefined && (raw.spa !== true || !/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?(:[0-9]{1,5})?$/.test(devServer))) {
      fail('dev-server', devServer, `with "spa": the app serving folder "${name}" in dev, "<app id>" or "<app id>:<port>"`);
    }
    const repo = raw.repo === undefined ? undefined : text(raw.repo, 'folders').replace(/\/+$/, '');
    if (repo !== undefined) checkServedRepoFolder(repo);
    if (repo !== undefined && !route) fail('folders', name, 'a "route" for a repository folder (only nginx reads it)');
    const target = raw.target === undefined ? (repo ? undefined : `/${name}`) : containerPath(raw.target, 'folders');
    const mounts = folderMounts(raw.mounts, name);
    if (mounts && repo) fail('folders', name, 'no "mounts" for a repository folder (only nginx reads it)');
    if (name === 'instances') fail('folders', name, "another name: DATA_ROOT/instances holds the instances' data");
    return {
      name,
      ...(target ? { target } : {}),
      ...(mounts && Object.keys(mounts).length > 0 ? { mounts } : {}),
      ...(route ? { route } : {}),
      ...(repo ? { repo } : {}),
      ...(host ? { host } : {}),
      ...(raw.spa === true ? { spa: true } : {}),
      ...(devServer ? { devServer } : {}),
    };
  });
  unique(
    folders.filter(folder => folder.route),
    folder => routeKey({ host: folder.host, path: folder.route! }),
    'folders',
    'host and path',
  );
  // two volumes on one container path: the engine refuses to create the container
  unique(
    folders.filter(folder => folder.target),
    folder => folder.target!,
    'folders',
    'mount path',
  );
  const named = [...new Set(folders.flatMap(folder => Object.keys(folder.mounts ?? {})))];
  for (const container of named)
    unique(
      folders.flatMap(folder => mountPathIn(folder, container) ?? []),
      path => `${path} in ${container}`,
      'folders',
      'mount path',
    );
  return unique(folders, folder => folder.name, 'folders', 'folder name');
}

/** What routes name across the lists: private folders are shared folders, a front end's dev server is an app. */
export function checkRouteTargets(apps: readonly AppAnswer[], folders: readonly FolderAnswer[], backendRoutes: readonly RouteAnswer[] = []): void {
  checkPrivateFolders([{ id: 'backend', routes: backendRoutes }, ...apps.map(app => ({ id: app.id, routes: routesOf(app) }))], folders);
  const containers = [...FOLDER_CONTAINERS, ...apps.map(app => app.id)];
  for (const folder of folders) {
    const stranger = Object.keys(folder.mounts ?? {}).find(container => !containers.includes(container));
    if (stranger) fail('folders', stranger, `a container of the portal in folder "${folder.name}"'s "mounts" (${containers.join(', ')})`);
    if (!folder.devServer) continue;
    const id = folder.devServer.split(':')[0];
    if (!apps.some(app => app.id === id && (app.port !== undefined || folder.devServer!.includes(':'))))
      fail(
        'dev-server',
        folder.devServer,
        `an app of the portal serving folder "${folder.name}" in dev (apps: ${apps.map(app => app.id).join(', ') || 'none'})`,
      );
  }
}

/** A sub-domain of the portal must not be another deployment's domain: both nginx sites would claim it. */
/** A service answered on a sub-domain of its own (Grafana, Flower): the option that chose it and its label. */
export interface ServiceHost {
  readonly option: string;
  readonly label: string;
}

export function checkSubDomains(
  apps: readonly AppAnswer[],
  folders: readonly FolderAnswer[],
  backendRoutes: readonly RouteAnswer[],
  domain: string,
  instances: readonly InstanceAnswer[],
  serviceHosts: readonly ServiceHost[] = [],
): void {
  const labels = [...backendRoutes, ...apps.flatMap(app => routesOf(app))]
    .flatMap(route => (route.host ? [route.host] : []))
    .concat(folders.flatMap(f => (f.host ? [f.host] : [])));
  for (const { option, label } of [...labels.map(label => ({ option: 'host', label })), ...serviceHosts]) {
    const taken = instances.find(instance => instance.domain === `${label}.${domain}`);
    if (taken) fail(option, label, `a sub-domain other than ${label}.${domain}, which is the domain of instance "${taken.name}"`);
  }
  // a service answers every path of its sub-domain: it shares it with nothing
  serviceHosts.forEach((host, i) => {
    const shared = labels.includes(host.label) || serviceHosts.slice(0, i).some(other => other.label === host.label);
    if (shared) fail(host.option, host.label, `a sub-domain no app, folder or other service uses (${host.label}.${domain} is taken)`);
  });
}

export function validateRedisRoles(value: unknown): string[] {
  const given = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : Array.isArray(value) ? value : value === undefined ? [] : undefined;
  if (!given) fail('redis-roles', value, 'a list of role names such as "layers,stats,tokens"');
  const list = given.length === 1 && given[0] === 'none' ? [] : given;
  const roles = list.map(role => label(role, 'redis-roles', 'a role name'));
  for (const role of roles)
    if (role === 'exporter' || role.endsWith('-exporter'))
      fail('redis-roles', role, 'a role name not ending in "exporter" (the exporters are named redis-<role>-exporter)');
  return unique(roles, role => role, 'redis-roles', 'role');
}

export function validateInstances(value: unknown, isDomain: (domain: string) => boolean): InstanceAnswer[] {
  const instances = listOf(value, 'instances', INSTANCE_KEYS).map(raw => {
    const name = label(raw.name, 'instance', 'an instance name');
    if ((RESERVED_INSTANCES as readonly string[]).includes(name))
      fail(
        'instance',
        name,
        `a name other than ${RESERVED_INSTANCES.join(', ')} (dev and prod are the main deployments, dev answers on localhost, secrets/tls holds prod's certificate)`,
      );
    const domain = text(raw.domain ?? '', 'domain', 253).toLowerCase();
    if (!isDomain(domain) || domain === 'localhost') fail('domain', domain, `the host name instance "${name}" answers on, e.g. "${name}.example.org"`);
    return { name, domain };
  });
  unique(instances, instance => instance.domain, 'domain', 'instance domain');
  return unique(instances, instance => instance.name, 'instance', 'instance name');
}

/** Name of a host variable restart.sh also reads to pick the instance, e.g. SYSTEMAPIC_DOMAIN. */
export function validateInstanceVariable(value: unknown): string | undefined {
  if (value === undefined || value === '') return undefined;
  const name = text(value, 'instance-variable', 41);
  if (!/^[A-Z][A-Z0-9_]{1,40}$/.test(name) || name.startsWith('PORTAL_'))
    fail('instance-variable', name, 'an upper-case variable name such as "SYSTEMAPIC_DOMAIN"');
  if (SYSTEM_VARIABLES.has(name) || SYSTEM_PREFIXES.some(prefix => name.startsWith(prefix))) {
    fail(
      'instance-variable',
      name,
      'a variable of the deployment\'s own, such as "SYSTEMAPIC_DOMAIN": the shell, the system or Docker sets this one, so every run would pick an instance by accident',
    );
  }
  return name;
}

/** Set by the shell, login, sudo, locales and Docker on any host: never a choice of instance. */
const SYSTEM_VARIABLES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'PWD',
  'OLDPWD',
  'TERM',
  'LANG',
  'LANGUAGE',
  'IFS',
  'HOSTNAME',
  'HOSTTYPE',
  'MAIL',
  'TMPDIR',
  'TZ',
  'DISPLAY',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'PS1',
  'PS2',
  'PS4',
  'SHLVL',
  'UID',
  'EUID',
  'GROUPS',
  'PPID',
  'RANDOM',
  'SECONDS',
  'LINENO',
  'OPTARG',
  'OPTIND',
  'CDPATH',
  'ENV',
  'MANPATH',
  'INFOPATH',
  'CI',
  'DATA_ROOT',
]);
const SYSTEM_PREFIXES = ['LC_', 'LD_', 'BASH', 'DOCKER_', 'COMPOSE_', 'SSH_', 'XDG_', 'SUDO_', 'NODE_', 'NPM_', 'GIT_', 'DBUS_'];

/** Folders of the repo nginx must never serve: the secrets, env files, the answers, git and our own state. */
const UNSERVABLE = new Set(['secrets', 'instances', 'backups', 'scripts', 'node_modules']);

/** A repository folder served read-only by nginx: a plain sub-folder, never the repo itself or what holds secrets. */
export function checkServedRepoFolder(repo: string): void {
  const parts = repo.split('/');
  if (!REPO_PATH.test(repo) || parts.some(part => part === '.' || part === '..'))
    fail('folders', repo, 'a folder inside the repository, e.g. "docs/_build/html"');
  if (parts.some(part => part.startsWith('.')))
    fail('folders', repo, 'a folder without hidden parts (".git", ".portal", ".env" ...): nginx would serve what they hold');
  if (UNSERVABLE.has(parts[0]!)) fail('folders', repo, `a folder of its own, not ${parts[0]}/ or inside it (it holds secrets, env files, dumps or scripts)`);
}
