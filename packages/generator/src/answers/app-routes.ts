/**
 * An app's routes: by path on the portal's domain, or on a sub-domain of it (`api` → api.<domain>, and
 * api.<instance domain> for each instance), each with its own body size, timeouts, websocket upgrade,
 * CORS origins and a private folder nginx hands out only when the app answers with X-Accel-Redirect.
 * Shapes and values are checked here; clashes with the stack's own paths are checked by the model.
 */
import { PortalInputError } from './input-error.js';
import { quoted } from './quoted.js';
import { RESERVED_ROUTES } from '../catalog/site-paths.js';

export interface CorsAnswer {
  /** Origins allowed to call the route from a browser, e.g. https://app.example.org; "*" alone for any (never with credentials). */
  readonly origins: readonly string[];
  /** Cookies and Authorization are sent along (Access-Control-Allow-Credentials). */
  readonly credentials?: boolean;
}

/** A folder served only through an internal location: the app answers `X-Accel-Redirect: <path><file>`. */
export interface PrivateFolderAnswer {
  readonly path: string;
  /** A shared folder (`folders`) by name. */
  readonly folder: string;
}

export interface RouteAnswer {
  /** Path prefix, e.g. "/api/"; "/" on a sub-domain. */
  readonly path: string;
  /** Sub-domain label: "api" answers on api.<domain>. Absent: the portal's own domain. */
  readonly host?: string;
  readonly websocket?: boolean;
  /** Largest request body, nginx size ("100m"). Default 25m. */
  readonly bodySize?: string;
  /** Read and send timeout towards the app ("300s"). Default 60s, 1h with websocket. */
  readonly timeout?: string;
  readonly connectTimeout?: string;
  readonly cors?: CorsAnswer;
  readonly private?: PrivateFolderAnswer;
}

export const ROUTE_KEYS = ['path', 'host', 'websocket', 'bodySize', 'timeout', 'connectTimeout', 'cors', 'private'];

const PATH = /^\/([a-z0-9._~-]+\/)*$/;
const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;
const SIZE = /^([1-9][0-9]{0,4})([km]?)$/;
const DURATION = /^([1-9][0-9]{0,4})(s|m|h)$/;
const ORIGIN = /^https?:\/\/[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?$/;
/** 2 GiB: larger uploads belong in a resumable protocol, not one request. */
const MAX_BODY_KIB = 2 * 1024 * 1024;
const MAX_TIMEOUT_S = 24 * 3600;
/** nginx caps proxy_connect_timeout at 75 s. */
const MAX_CONNECT_S = 75;

function fail(option: string, value: unknown, allowed: string, owner: string): never {
  throw new PortalInputError(`Invalid --${option} ${quoted(value)} of ${owner}: expected ${allowed}.`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** A path prefix ending in "/"; on the main domain not one the stack answers itself. */
export function routePath(value: unknown, option: string, owner: string, onSubDomain: boolean): string {
  if (typeof value !== 'string' || value.trim() === '') fail(option, value ?? '', 'a path such as "/api/"', owner);
  const raw = value.trim().toLowerCase();
  const path = raw.endsWith('/') ? raw : `${raw}/`;
  if (path.length > 128 || !PATH.test(path) || path.split('/').some(part => part === '.' || part === '..')) {
    fail(option, raw, 'a path such as "/api/" (lowercase letters, digits, ._~-, no "." or ".." segments, at most 128 characters)', owner);
  }
  if (!onSubDomain && RESERVED_ROUTES.includes(path))
    fail(option, raw, `a path the stack does not use itself (${RESERVED_ROUTES.join(', ')} are taken; "/" only on a sub-domain)`, owner);
  return path;
}

/** A sub-domain label, or a full host under the domain (stored as its label, so instances get their own). */
export function hostLabel(value: unknown, option: string, owner: string, domain: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') fail(option, value, 'a sub-domain label such as "api"', owner);
  const host = value.trim().toLowerCase().replace(/\.$/, '');
  if (host === domain) return undefined;
  const label = host.endsWith(`.${domain}`) ? host.slice(0, -domain.length - 1) : host;
  if (!LABEL.test(label) || label.length + domain.length + 1 > 253)
    fail(option, value, `a sub-domain label such as "api" (for api.${domain}): lowercase letters, digits and dashes`, owner);
  // a dotted name not under the domain is another site: instances could not follow it
  if (label.includes('.') && host === label)
    fail(option, value, `a label such as "api" or a host under ${domain} (e.g. "api.${domain}"): other domains are not this portal's`, owner);
  return label;
}

/** nginx size in KiB, for comparisons. */
const kib = (size: string): number => {
  const [, n, unit] = SIZE.exec(size)!;
  return (Number(n) / (unit === '' ? 1024 : 1)) * (unit === 'm' ? 1024 : 1);
};
const secondsOf = (duration: string): number => {
  const [, n, unit] = DURATION.exec(duration)!;
  return Number(n) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
};

export function bodySize(value: unknown, option: string, owner: string): string {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!SIZE.test(text) || kib(text) > MAX_BODY_KIB)
    fail(option, value ?? '', 'a size such as "25m", "512k" or "2048m" (k or m; at most 2048m, never 0 for unlimited)', owner);
  return text;
}

export function duration(value: unknown, option: string, owner: string, maxSeconds = MAX_TIMEOUT_S): string {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (!DURATION.test(text) || secondsOf(text) > maxSeconds)
    fail(option, value ?? '', `a duration such as "60s", "5m" or "1h" (at most ${maxSeconds} s)`, owner);
  return text;
}

function cors(value: unknown, owner: string): CorsAnswer | undefined {
  if (value === undefined) return undefined;
  const raw = isRecord(value) ? value : { origins: value };
  const unknown = Object.keys(raw).find(key => key !== 'origins' && key !== 'credentials');
  if (unknown) fail('cors', unknown, 'keys origins, credentials', owner);
  const list = typeof raw.origins === 'string' ? raw.origins.split(',') : raw.origins;
  if (!Array.isArray(list) || list.length === 0 || list.length > 20 || list.some(item => typeof item !== 'string')) {
    fail('cors', raw.origins ?? '', 'a list of 1 to 20 origins such as "https://app.example.org"', owner);
  }
  const origins = [...new Set((list as string[]).map(origin => origin.trim().toLowerCase().replace(/\/$/, '')))];
  for (const origin of origins) {
    if (origin !== '*' && !ORIGIN.test(origin))
      fail('cors', origin, 'an origin: scheme, host and optional port, such as "https://app.example.org" (no path)', owner);
  }
  if (origins.includes('*') && origins.length > 1) fail('cors', origins.join(','), '"*" alone or a list of origins, not both', owner);
  if (raw.credentials !== undefined && typeof raw.credentials !== 'boolean') fail('cors-credentials', raw.credentials, 'true or false', owner);
  // browsers refuse credentials with "*", and echoing any Origin with them would let every site read the user's data
  if (raw.credentials === true && origins.includes('*'))
    fail('cors', '*', 'the origins allowed by name with --cors-credentials ("*" with credentials lets any site read the user\'s data)', owner);
  return { origins, ...(raw.credentials === true ? { credentials: true } : {}) };
}

function privateFolder(value: unknown, owner: string): PrivateFolderAnswer | undefined {
  if (value === undefined) return undefined;
  // "/protected/=exports" as typed on the command line
  const raw = typeof value === 'string' ? { path: value.split('=')[0], folder: value.split('=').slice(1).join('=') } : value;
  if (!isRecord(raw) || Object.keys(raw).some(key => key !== 'path' && key !== 'folder') || typeof raw.folder !== 'string') {
    fail('private', value, 'PATH=FOLDER, e.g. "/protected/=exports" (the internal path the app names in X-Accel-Redirect, and a shared folder)', owner);
  }
  const path = routePath(raw.path, 'private', owner, false);
  const folder = raw.folder.trim();
  if (!/^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$/.test(folder))
    fail('private', value, 'PATH=FOLDER with the name of a shared folder, e.g. "/protected/=exports"', owner);
  return { path, folder };
}

/** One route record of an app (or of the backend): every key checked, defaults left absent. */
export function validateRoute(raw: unknown, owner: string, domain: string, ownPaths: readonly string[] = []): RouteAnswer {
  if (!isRecord(raw)) fail('route', raw, 'a route object with a "path"', owner);
  const unknown = Object.keys(raw).find(key => !ROUTE_KEYS.includes(key));
  if (unknown !== undefined) fail('route', unknown, `keys among ${ROUTE_KEYS.join(', ')}`, owner);
  const host = hostLabel(raw.host, 'host', owner, domain);
  // the owner's own paths on the domain (the backend's "/") may be tuned though the stack routes them
  const own = host === undefined && typeof raw.path === 'string' && ownPaths.includes(raw.path.trim().toLowerCase());
  const path = routePath(raw.path, 'route', owner, host !== undefined || own);
  if (raw.websocket !== undefined && typeof raw.websocket !== 'boolean') fail('websocket', raw.websocket, 'true or false', owner);
  const size = raw.bodySize === undefined ? undefined : bodySize(raw.bodySize, 'body-size', owner);
  const timeout = raw.timeout === undefined ? undefined : duration(raw.timeout, 'timeout', owner);
  const connect = raw.connectTimeout === undefined ? undefined : duration(raw.connectTimeout, 'connect-timeout', owner, MAX_CONNECT_S);
  const allowed = cors(raw.cors, owner);
  const hidden = privateFolder(raw.private, owner);
  if (hidden && hidden.path === path) fail('private', hidden.path, `an internal path other than the route ${path} itself`, owner);
  return {
    path,
    ...(host ? { host } : {}),
    ...(raw.websocket === true ? { websocket: true } : {}),
    ...(size ? { bodySize: size } : {}),
    ...(timeout ? { timeout } : {}),
    ...(connect ? { connectTimeout: connect } : {}),
    ...(allowed ? { cors: allowed } : {}),
    ...(hidden ? { private: hidden } : {}),
  };
}

export function validateRoutes(value: unknown, owner: string, domain: string, ownPaths: readonly string[] = []): RouteAnswer[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > 20) fail('route', value, 'a list of at most 20 route objects', owner);
  const routes = value.map(raw => validateRoute(raw, owner, domain, ownPaths));
  const seen = new Set<string>();
  for (const route of [
    ...routes.map(r => ({ host: r.host, path: r.path })),
    ...routes.flatMap(r => (r.private ? [{ host: r.host, path: r.private.path }] : [])),
  ]) {
    const key = routeKey(route);
    if (seen.has(key)) fail('route', key, 'each host and path once', owner);
    seen.add(key);
  }
  return routes;
}

/** "api:/v2/" or "/v2/": how a host and path are named in errors and keys. */
export const routeKey = (route: { readonly host?: string; readonly path: string }): string => (route.host ? `${route.host}:${route.path}` : route.path);

/** The routes of an app: its `routes`, else the older `route` and `websocket` answers as one route. */
export function routesOf(app: { readonly routes?: readonly RouteAnswer[]; readonly route?: string; readonly websocket?: boolean }): readonly RouteAnswer[] {
  if (app.routes) return app.routes;
  return app.route ? [{ path: app.route, ...(app.websocket ? { websocket: true } : {}) }] : [];
}

/** A private folder must be a shared folder of the stack that nginx does not also serve in public. */
export function checkPrivateFolders(
  owners: readonly { readonly id: string; readonly routes: readonly RouteAnswer[] }[],
  folders: readonly { readonly name: string; readonly route?: string; readonly repo?: string }[],
): void {
  for (const { id, routes } of owners) {
    for (const route of routes) {
      if (!route.private) continue;
      const folder = folders.find(f => f.name === route.private!.folder);
      const names =
        folders
          .filter(f => !f.repo)
          .map(f => f.name)
          .join(', ') || 'none';
      if (!folder || folder.repo)
        fail(
          'private',
          `${route.private.path}=${route.private.folder}`,
          `a shared folder of the portal (folders: ${names}); add it with --answers "folders"`,
          `app "${id}"`,
        );
      if (folder.route)
        fail(
          'private',
          `${route.private.path}=${route.private.folder}`,
          `a folder nginx does not also serve in public (it has route ${folder.route})`,
          `app "${id}"`,
        );
    }
  }
}
