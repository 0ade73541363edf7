/**
 * What an app declares about itself, so the stack adapts to the image instead of the image to the stack:
 * the settings it reads (by its own names, as values or URL templates over the stores' fields), the host
 * names it dials, how it runs (user, writable paths, health check) and its dev-only settings.
 * Only the shape is checked here; whether a store or field exists is checked against the catalog by the model.
 */
import { PortalInputError } from './input-error.js';
import { quoted } from './quoted.js';
import { validateRoutes, type RouteAnswer } from './app-routes.js';
import { validateDevMounts, type DevMount } from './dev-mounts.js';

export interface AppContract {
  /** Variable name -> value or template, e.g. DATABASE_URL -> postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}. */
  readonly settings?: Readonly<Record<string, string>>;
  /** Settings handed over as a file: the app reads `<NAME>_FILE` (each one secret field, e.g. {postgis.password} or {secret}). */
  readonly fileSettings?: readonly string[];
  /** Settings in dev only (debug flags, a dev server's URL); the same templates. */
  readonly devSettings?: Readonly<Record<string, string>>;
  /** Extra host names -> the store they reach, e.g. postgis -> postgis, mongo -> mongodb (hard-coded hosts keep working). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** "image": the image's own USER; else "uid" or "uid:gid". Default: our app user. */
  readonly user?: string;
  /** Paths the app writes while the root stays read-only: in-memory, emptied at each start. */
  readonly writable?: readonly string[];
  /** Why the app needs a writable root filesystem (recorded as a checklist exception). */
  readonly readWriteRoot?: string;
  /** Capabilities a root-started image needs (nginx binding port 80, then switching to its worker user), and why. */
  readonly capabilities?: Capabilities;
  /** It reaches the internet (a data download): it joins the edge network, as the scheduler does. */
  readonly outbound?: boolean;
  /** "http:/path", "tcp:<port>", "cmd:<shell command>" or "none:<reason>". */
  readonly health?: string;
  /** The image's command, replaced (each word one item). */
  readonly command?: readonly string[];
  /** Where the app reads its config folder: each deployment mounts its own `config/<deployment>/` there, read-only. */
  readonly configFolder?: string;
  /** Folders of the repo mounted in dev only (the app's source, for a reload without a rebuild). */
  readonly devMounts?: readonly DevMount[];
  /** The command in dev only (a server that reloads on changes), each word one item. */
  readonly devCommand?: readonly string[];
}

export interface Capabilities {
  readonly add: readonly RootStartCapability[];
  readonly reason: string;
}

/**
 * What an image started as root may get back after `cap_drop: ALL`: bind a port below 1024, hand files to
 * and switch to its own user. Nothing that reaches the host (SYS_ADMIN, NET_ADMIN, SYS_PTRACE ...).
 */
/**
 * Checklist rules an app's declared contract may depart from, each recorded with its reason as a label on the
 * service (see render/compose.ts); the checklist waives no other rule that way.
 */
export const RECORDABLE_RULES = ['CMP-09', 'CMP-14', 'CMP-24', 'CMP-26', 'RDS-02'] as const;

export const ROOT_START_CAPABILITIES = ['CHOWN', 'DAC_OVERRIDE', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'] as const;
export type RootStartCapability = (typeof ROOT_START_CAPABILITIES)[number];

export const CONTRACT_KEYS = [
  'settings',
  'fileSettings',
  'devSettings',
  'aliases',
  'user',
  'writable',
  'readWriteRoot',
  'capabilities',
  'outbound',
  'health',
  'command',
  'configFolder',
  'devMounts',
  'devCommand',
] as const;

/** A placeholder in a setting: a store's field ({postgis.host}), the app's own secret ({secret}) or the instance's domain ({domain}). */
export const PLACEHOLDER = /\{([a-z][a-z0-9-]*)(?:\.([a-zA-Z][a-zA-Z0-9]*))?\}/g;

/** One piece of a setting template: literal text, or a placeholder's store (or secret, domain) and field. */
export type TemplatePart = { readonly literal: string } | { readonly store: string; readonly field?: string; readonly raw: string };

/**
 * A setting template in pieces: `{{` and `}}` are a literal brace (a tile URL's {z}/{x}/{y} is written
 * {{z}}/{{x}}/{{y}}), `{name}` or `{name.field}` a placeholder; undefined when any other brace is left.
 */
export function templateParts(template: string): TemplatePart[] | undefined {
  const parts: TemplatePart[] = [];
  let literal = '';
  const one = new RegExp(PLACEHOLDER.source, 'y');
  for (let at = 0; at < template.length;) {
    const char = template[at]!;
    if ((char === '{' || char === '}') && template[at + 1] === char) {
      literal += char;
      at += 2;
      continue;
    }
    if (char === '}') return undefined;
    if (char !== '{') {
      literal += char;
      at += 1;
      continue;
    }
    one.lastIndex = at;
    const match = one.exec(template);
    if (!match) return undefined;
    if (literal) parts.push({ literal });
    literal = '';
    parts.push({ store: match[1]!, ...(match[2] ? { field: match[2] } : {}), raw: match[0] });
    at += match[0].length;
  }
  if (literal) parts.push({ literal });
  return parts;
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const HOST = /^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const CONTAINER_PATH = /^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** The image's own folders a tmpfs must not hide. */
const SYSTEM_PATHS = /^\/(etc|usr|bin|sbin|lib|lib64|proc|sys|dev|boot)(\/|$)/;
const MAX_VALUE = 512;
const MAX_REASON = 200;

function fail(option: string, value: unknown, allowed: string, app: string): never {
  throw new PortalInputError(`Invalid --${option} ${quoted(value)} of app "${app}": expected ${allowed}.`);
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function textList(value: unknown, option: string, app: string, max = 20): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some(item => typeof item !== 'string')) fail(option, value, 'a list of text values', app);
  if (list.length > max) fail(option, `${list.length} entries`, `at most ${max}`, app);
  return (list as string[]).map(item => item.trim());
}

/** `NAME=value` pairs as typed on the command line, or a record from an answers file. */
export function settingsRecord(value: unknown, option: string, app: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const pairs: [string, unknown][] = isRecord(value)
    ? Object.entries(value)
    : textList(value, option, app, 100).map(pair => {
        const at = pair.indexOf('=');
        if (at <= 0) fail(option, pair, 'NAME=value, e.g. DATABASE_URL=postgresql://{postgis.user}:{postgis.password}@{postgis.host}/{postgis.db}', app);
        return [pair.slice(0, at), pair.slice(at + 1)];
      });
  if (pairs.length > 100) fail(option, `${pairs.length} settings`, 'at most 100', app);
  const out = new Map<string, string>();
  for (const [name, raw] of pairs) {
    if (!VARIABLE.test(name)) fail(option, name, 'a variable name: letters, digits and underscores, not starting with a digit, at most 64 characters', app);
    if (out.has(name)) fail(option, name, 'each variable once', app);
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') fail(option, `${name}=${JSON.stringify(raw)}`, 'a text value', app);
    const text = String(raw);
    if (text.length > MAX_VALUE) fail(option, name, `a value of at most ${MAX_VALUE} characters`, app);
    // compose and .env are line based: a newline or NUL would end the value or corrupt the file
    if (/[\0-\x1f\x7f]/.test(text)) fail(option, `${name}=${text}`, 'a value without control characters or line breaks', app);
    if (!templateParts(text))
      fail(option, `${name}=${text}`, 'braces only around a placeholder such as {postgis.host}, {secret} or {domain}, and {{ or }} for a literal brace', app);
    out.set(name, text);
  }
  // a Map, then an object of own keys: a setting named __proto__ or constructor is a setting like any other
  return Object.fromEntries(out);
}

export function aliasRecord(value: unknown, app: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const pairs: [string, unknown][] = isRecord(value)
    ? Object.entries(value)
    : textList(value, 'alias', app).map(pair => {
        const at = pair.indexOf('=');
        if (at <= 0) fail('alias', pair, 'host=store, e.g. postgis=postgis or mongo=mongodb', app);
        return [pair.slice(0, at), pair.slice(at + 1)];
      });
  const out = new Map<string, string>();
  for (const [host, store] of pairs) {
    if (!HOST.test(host) || host === 'localhost')
      fail('alias', host, 'a host name other than localhost: lowercase letters, digits and dashes, at most 63 characters', app);
    if (typeof store !== 'string' || !HOST.test(store)) fail('alias', `${host}=${String(store)}`, 'host=store, e.g. mongo=mongodb', app);
    out.set(host, store);
  }
  return Object.fromEntries(out);
}

function containerPaths(value: unknown, app: string): string[] {
  const paths = textList(value, 'writable', app);
  for (const path of paths) {
    if (!CONTAINER_PATH.test(path) || path.split('/').some(part => part === '.' || part === '..'))
      fail('writable', path, 'an absolute path in the container, e.g. "/app/logs"', app);
    if (SYSTEM_PATHS.test(path)) fail('writable', path, "a path outside the image's system folders (/etc, /usr, /bin, /lib, /proc, /sys, /dev)", app);
  }
  if (new Set(paths).size !== paths.length) fail('writable', paths.join(','), 'each path once', app);
  return paths;
}

/** The folder each deployment (main, every instance) mounts its own config/<deployment>/ at. */
function configFolder(value: unknown, app: string): string | undefined {
  if (value === undefined) return undefined;
  const path = typeof value === 'string' ? value.trim() : '';
  const allowed = 'the absolute path the app reads its config folder from, e.g. "/systemapic/config"';
  if (path.length > 128 || !CONTAINER_PATH.test(path) || path.split('/').some(part => part === '.' || part === '..'))
    fail('config-folder', value ?? '', allowed, app);
  if (SYSTEM_PATHS.test(path) || path === '/tmp') fail('config-folder', path, `${allowed}, outside the system folders and /tmp`, app);
  return path;
}

function reason(value: unknown, option: string, app: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.length < 10 || text.length > MAX_REASON || /[\0-\x1f\x7f]/.test(text))
    fail(option, value ?? '', `a reason of 10 to ${MAX_REASON} characters on one line`, app);
  return text;
}

/** `{"add": ["NET_BIND_SERVICE", ...], "reason": "..."}`: only capabilities of the root-start list, each once, with a reason. */
function capabilities(value: unknown, app: string): Capabilities | undefined {
  if (value === undefined) return undefined;
  const allowed = `{"add": [some of ${ROOT_START_CAPABILITIES.join(', ')}], "reason": "<why the image needs them>"}`;
  if (!isRecord(value) || Object.keys(value).some(key => key !== 'add' && key !== 'reason')) fail('capabilities', value, allowed, app);
  const add = textList(value.add, 'capabilities', app).map(cap => cap.toUpperCase().replace(/^CAP_/, ''));
  if (add.length === 0) fail('capabilities', '', `the capabilities its reason is for, among ${ROOT_START_CAPABILITIES.join(', ')}`, app);
  const other = add.find(cap => !(ROOT_START_CAPABILITIES as readonly string[]).includes(cap));
  if (other !== undefined)
    fail(
      'capabilities',
      other,
      `capabilities among ${ROOT_START_CAPABILITIES.join(', ')} (what a root-started image needs to bind its port and switch to its own user)`,
      app,
    );
  if (new Set(add).size !== add.length) fail('capabilities', add.join(','), 'each capability once', app);
  return { add: [...add].sort() as RootStartCapability[], reason: reason(value.reason, 'capabilities-reason', app) };
}

/** `http:/path`, `tcp:<port>`, `cmd:<command>` or `none:<reason>`. */
export function validateHealth(value: unknown, app: string): string {
  const text = typeof value === 'string' ? value.trim() : '';
  const [kind, ...rest] = text.split(':');
  const arg = rest.join(':').trim();
  const allowed = '"http:/health", "tcp:5432", "cmd:<shell command>" or "none:<reason>"';
  if (kind === 'http' && /^\/[A-Za-z0-9._~/?=&-]{0,127}$/.test(arg)) return `http:${arg}`;
  if (kind === 'tcp' && /^[0-9]{1,5}$/.test(arg) && Number(arg) >= 1 && Number(arg) <= 65535) return `tcp:${Number(arg)}`;
  if (kind === 'cmd' && arg.length > 0 && arg.length <= 256 && !/[\0-\x1f\x7f]/.test(arg)) return `cmd:${arg}`;
  if (kind === 'none') return `none:${reason(arg, 'health', app)}`;
  return fail('health', value ?? '', allowed, app);
}

function validateUser(value: unknown, app: string): string {
  const text = typeof value === 'string' ? value.trim() : String(value ?? '');
  if (text === 'image') return text;
  const match = /^([0-9]{1,10})(?::([0-9]{1,10}))?$/.exec(text);
  if (!match) fail('user', value ?? '', '"image" (the image\'s own USER) or a numeric "uid" or "uid:gid"', app);
  if (match[1] === '0' || match[2] === '0') fail('user', text, 'a non-root uid and gid (0 is root); "image" to keep the image\'s own', app);
  return text;
}

function command(value: unknown, app: string, option = 'command'): string[] | undefined {
  if (value === undefined) return undefined;
  // typed on the command line, words are split at spaces: quotes would not group them, so they are refused
  if (typeof value === 'string' && /["'\\]/.test(value))
    fail(
      option,
      value,
      `words without quotes or backslashes; give a list in --answers ("${option === 'command' ? 'command' : 'devCommand'}": ["sh", "-c", "node server.js"]) for words with spaces`,
      app,
    );
  const words = typeof value === 'string' ? value.trim().split(/\s+/).filter(Boolean) : textList(value, option, app, 50);
  if (words.length === 0 || words.some(word => word === '' || word.length > MAX_VALUE || /[\0\n\r]/.test(word)))
    fail(option, value, 'the words of a command, e.g. ["node", "server.js"]', app);
  return words;
}

/** The paths the stack routes to a prebuilt backend on the domain (backendRoutes). */
export const BACKEND_PATHS: readonly string[] = ['/', '/api/'];

/** The contract of a prebuilt backend image (`backend: image`): the same keys as an app's. */
export function validateBackendContract(value: unknown, backend: string, domain = 'localhost'): BackendContract | undefined {
  if (value === undefined || value === null) return undefined;
  if (backend !== 'image')
    throw new PortalInputError(`Invalid backendContract: expected it only with --backend image (the backends this generator writes read its own names).`);
  const keys = [...CONTRACT_KEYS, 'routes'];
  if (!isRecord(value)) fail('backend-contract', value, 'an object with some of the keys ' + keys.join(', '), 'backend');
  const unknown = Object.keys(value).find(key => !keys.includes(key));
  if (unknown !== undefined) fail('backend-contract', unknown, `keys among ${keys.join(', ')}`, 'backend');
  const routes = validateRoutes(value.routes, 'the backend', domain, BACKEND_PATHS);
  // the stack routes / and /api/ on the domain to the backend: its own routes there tune those; others are added
  const contract = { ...validateContract(value, 'backend'), ...(routes && routes.length > 0 ? { routes } : {}) };
  return Object.keys(contract).length > 0 ? contract : undefined;
}

/** A prebuilt backend's contract: an app's, plus routes on sub-domains (api.<domain> → the backend). */
export interface BackendContract extends AppContract {
  readonly routes?: readonly RouteAnswer[];
}

/** The contract keys of one app record, checked for shape; absent keys stay absent. */
export function validateContract(raw: Record<string, unknown>, app: string): AppContract {
  const settings = settingsRecord(raw.settings, 'setting', app);
  const devSettings = settingsRecord(raw.devSettings, 'dev-setting', app);
  const fileSettings = textList(raw.fileSettings, 'file-setting', app, 100);
  for (const name of fileSettings) {
    if (!settings || !Object.hasOwn(settings, name)) fail('file-setting', name, "the name of one of the app's --setting values", app);
    // the variable the app is handed instead
    for (const record of [settings, devSettings]) {
      if (record && Object.hasOwn(record, `${name}_FILE`))
        fail(record === settings ? 'setting' : 'dev-setting', `${name}_FILE`, `another name: ${name}_FILE points at the file of --file-setting ${name}`, app);
    }
  }
  const aliases = aliasRecord(raw.aliases, app);
  const writable = containerPaths(raw.writable, app);
  const readWriteRoot = raw.readWriteRoot === undefined ? undefined : reason(raw.readWriteRoot, 'read-write-root', app);
  if (readWriteRoot && writable.length > 0)
    fail('writable', writable.join(','), 'no --writable paths with --read-write-root (the whole root is writable)', app);
  const caps = capabilities(raw.capabilities, app);
  if (raw.outbound !== undefined && typeof raw.outbound !== 'boolean') fail('outbound', raw.outbound, 'true or false', app);
  const health = raw.health === undefined ? undefined : validateHealth(raw.health, app);
  const user = raw.user === undefined ? undefined : validateUser(raw.user, app);
  const words = command(raw.command, app);
  const config = configFolder(raw.configFolder, app);
  if (config && writable.includes(config)) fail('config-folder', config, 'a path other than a --writable one (the config folder is mounted read-only)', app);
  const devMounts = validateDevMounts(raw.devMounts, app);
  const devWords = command(raw.devCommand, app, 'dev-command');
  return {
    ...(settings && Object.keys(settings).length > 0 ? { settings } : {}),
    ...(fileSettings.length > 0 ? { fileSettings: [...new Set(fileSettings)] } : {}),
    ...(devSettings && Object.keys(devSettings).length > 0 ? { devSettings } : {}),
    ...(aliases && Object.keys(aliases).length > 0 ? { aliases } : {}),
    ...(user ? { user } : {}),
    ...(writable.length > 0 ? { writable } : {}),
    ...(readWriteRoot ? { readWriteRoot } : {}),
    ...(caps ? { capabilities: caps } : {}),
    ...(raw.outbound === true ? { outbound: true } : {}),
    ...(health ? { health } : {}),
    ...(words ? { command: words } : {}),
    ...(config ? { configFolder: config } : {}),
    ...(devMounts && devMounts.length > 0 ? { devMounts } : {}),
    ...(devWords ? { devCommand: devWords } : {}),
  };
}
