/**
 * An old container's variables as an app's `settings`: every name kept; a value that points at another
 * container (a host name, `host:port`, a URL with credentials) becomes the store's connection template, and
 * a literal password, secret, token or key becomes a generated secret, so that none lands in `.yo-rc.json`.
 */

/** An old container the stack provides, as apps name it: the store's fields and what the old one used. */
export interface StoreRef {
  /** Connection store id of the new stack: postgis, pgbouncer, redis, redis-<role>, rabbitmq, mongodb, orientdb, kafka. */
  readonly store: string;
  /** The container answering for the store in the new stack (db for postgis). */
  readonly host: string;
  readonly port: number;
  readonly fields: readonly ('user' | 'password' | 'db' | 'vhost')[];
  /** The old container's own credentials, recognised when an app repeats them. */
  readonly old: { readonly user?: string; readonly password?: string; readonly db?: string };
}

export interface Rewritten {
  readonly settings: Record<string, string>;
  readonly fileSettings: string[];
  /** Variable -> what became of its value, for the report. */
  readonly notes: string[];
  /** Variables whose literal secret was replaced by a generated one. */
  readonly replacedSecrets: string[];
  /** Old host names the app dials through its variables. */
  readonly dialled: Set<string>;
}

/** Names whose value is a credential. */
export const SECRET_NAME = /(PASSWORD|PASSWD|_PASS$|^PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|_KEY$|CREDENTIALS?)/i;
/** What the answers can hold in a value: no control characters, 512 at most (braces doubled: single ones are placeholders). */
const STORABLE = (value: string) => !/[\u0000-\u001f\u007f]/.test(value) && value.length <= 512;

/** URL schemes and the credentials our stores ask for where the old URL had none. */
const CREDENTIALS_ADDED: Readonly<Record<string, 'password' | 'user-password'>> = {
  redis: 'password',
  rediss: 'password',
  amqp: 'user-password',
  pyamqp: 'user-password',
  postgres: 'user-password',
  postgresql: 'user-password',
  'postgresql+psycopg2': 'user-password',
  'postgresql+asyncpg': 'user-password',
  postgis: 'user-password',
  mongodb: 'user-password',
};

const URL = /^([a-z][a-z0-9+.-]*):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([A-Za-z0-9._-]+)(?::(\d+))?(\/.*)?$/;

export function rewriteSettings(
  environment: ReadonlyMap<string, string | null>,
  stores: ReadonlyMap<string, StoreRef>,
  apps: ReadonlyMap<string, string>,
  dockerSecrets: ReadonlyMap<string, StoreRef & { field: 'password' }>,
): Rewritten {
  const out: Rewritten = { settings: {}, fileSettings: [], notes: [], replacedSecrets: [], dialled: new Set() };
  const hostOfPrefix = new Map<string, StoreRef>();
  // first the host variables, so that POSTGRES_PORT / _USER next to POSTGRES_HOST know their store
  for (const [name, value] of environment) {
    const host = /^(.*?)(HOST|HOSTNAME|SERVER)$/.exec(name);
    if (host && value && stores.has(value)) hostOfPrefix.set(host[1]!, stores.get(value)!);
  }
  const template = (ref: StoreRef, field: string) => `{${ref.store}.${field}}`;
  const fromShell: string[] = [];
  for (const [name, raw] of environment) {
    if (raw === null) {
      out.settings[name] = '';
      fromShell.push(name);
      continue;
    }
    const value = raw.trim();
    // a docker secret handed over as a file: the same file setting, with our own secret behind it
    const fileOf = /^(.*)_FILE$/.exec(name);
    const secretFile = /^\/run\/secrets\/([^/]+)$/.exec(value);
    if (fileOf && secretFile) {
      const base = fileOf[1]!;
      const ref = dockerSecrets.get(secretFile[1]!);
      out.settings[base] = ref ? template(ref, 'password') : '{secret}';
      out.fileSettings.push(base);
      if (!ref) out.replacedSecrets.push(name);
      out.notes.push(
        `${name}: docker secret ${secretFile[1]} -> ${ref ? `the ${ref.store} password file` : 'a generated secret file (put the old content into it if it was not a single secret)'}`,
      );
      continue;
    }
    const prefix = /^(.*?)(PORT|USER|USERNAME|PASSWORD|PASS|DB|DBNAME|NAME|SCHEMA|DATABASE|VHOST)$/.exec(name);
    const sibling = prefix ? hostOfPrefix.get(prefix[1]!) : undefined;
    const byStore = storeValue(name, value, sibling, stores, template);
    if (byStore) {
      out.settings[name] = byStore.text;
      if (byStore.text.endsWith('.password}')) out.replacedSecrets.push(name);
      if (byStore.note) out.notes.push(byStore.note);
      if (byStore.host) out.dialled.add(byStore.host);
      continue;
    }
    const url = URL.exec(value);
    const password = url?.[3];
    if (url) {
      const rewritten = rewriteUrl(url, stores, apps, template);
      if (rewritten) {
        out.settings[name] = rewritten.text;
        if (password || (url[2] && !stores.has(url[4]!))) out.replacedSecrets.push(name);
        if (rewritten.host) out.dialled.add(rewritten.host);
        continue;
      }
    }
    if (apps.has(value) && apps.get(value) !== value) {
      out.settings[name] = apps.get(value)!;
      out.dialled.add(value);
      continue;
    }
    if (SECRET_NAME.test(name) && value !== '' && !/^(true|false|0|1|none|null)$/i.test(value)) {
      out.settings[name] = '{secret}';
      out.replacedSecrets.push(name);
      continue;
    }
    // a literal brace (a tile URL's {z}) is written twice in a setting template
    const literal = value.replace(/[{}]/g, brace => brace + brace);
    if (!STORABLE(literal)) {
      out.settings[name] = '';
      out.notes.push(
        `${name}: its value (a line break or over 512 characters) cannot be an answer; set it by hand in docker-compose.override.yml or the image`,
      );
      continue;
    }
    out.settings[name] = literal;
  }
  if (fromShell.length > 0)
    out.notes.push(`${fromShell.join(', ')}: no value in the old files or .env (compose took them from the shell); kept empty, set them with portal app set`);
  return out;
}

function storeValue(
  name: string,
  value: string,
  sibling: StoreRef | undefined,
  stores: ReadonlyMap<string, StoreRef>,
  template: (ref: StoreRef, field: string) => string,
): { text: string; host?: string; note?: string } | undefined {
  const direct = stores.get(value);
  if (direct) return { text: template(direct, 'host'), host: value };
  const hostPort = /^([A-Za-z0-9._-]+):(\d+)$/.exec(value);
  if (hostPort && stores.has(hostPort[1]!))
    return { text: `${template(stores.get(hostPort[1]!)!, 'host')}:${template(stores.get(hostPort[1]!)!, 'port')}`, host: hostPort[1]! };
  const candidates = sibling ? [sibling] : [...stores.values()];
  for (const ref of candidates) {
    // the port next to a store's host is the store's port, whatever the old server listened on
    if (sibling && /PORT$/.test(name) && /^\d{1,5}$/.test(value))
      return { text: template(ref, 'port'), ...(value !== String(ref.port) ? { note: `${name}: was ${value}; now {${ref.store}.port} (${ref.port})` } : {}) };
    if (ref.fields.includes('password') && ref.old.password && value === ref.old.password && SECRET_NAME.test(name)) return { text: template(ref, 'password') };
    if (ref.fields.includes('user') && ref.old.user && value === ref.old.user && /USER/.test(name)) return { text: template(ref, 'user') };
    if (ref.fields.includes('db') && ref.old.db && value === ref.old.db && /(DB|NAME|SCHEMA|DATABASE)$/.test(name)) return { text: template(ref, 'db') };
  }
  return undefined;
}

function rewriteUrl(
  url: RegExpExecArray,
  stores: ReadonlyMap<string, StoreRef>,
  apps: ReadonlyMap<string, string>,
  template: (ref: StoreRef, field: string) => string,
): { text: string; host?: string } | undefined {
  const [, scheme, user, password, host, port, path = ''] = url;
  const ref = stores.get(host!);
  if (!ref) {
    const app = apps.get(host!);
    // another old container kept as an app: same host name (or its new id); a literal password becomes ours
    if (!app && user === undefined) return undefined;
    // credentials in a URL are secrets (a password, or a key as the user part of a DSN): ours replace them
    const credentials = user === undefined ? '' : password !== undefined ? `${user}:${password ? '{secret}' : ''}@` : user ? '{secret}@' : '@';
    return { text: `${scheme}://${credentials}${app ?? host}${port ? `:${port}` : ''}${path}`, ...(app ? { host: host! } : {}) };
  }
  const wants = CREDENTIALS_ADDED[scheme!];
  const hasUser = ref.fields.includes('user');
  const hasPassword = ref.fields.includes('password');
  let credentials = '';
  if (user !== undefined || password !== undefined || wants) {
    const userPart = hasUser && (user || wants === 'user-password') ? template(ref, 'user') : '';
    const passwordPart = hasPassword && (password !== undefined || wants) ? `:${template(ref, 'password')}` : '';
    credentials = userPart || passwordPart ? `${userPart}${passwordPart}@` : '';
  }
  let tail = path;
  if (ref.fields.includes('db') && /^\/[^/?]+/.test(path)) tail = path.replace(/^\/[^/?]+/, `/${template(ref, 'db')}`);
  if (ref.fields.includes('vhost') && /^\/[^/?]*$/.test(path || '/')) tail = `/${template(ref, 'vhost')}`;
  return {
    text: `${scheme}://${credentials}${template(ref, 'host')}${port ? `:${template(ref, 'port')}` : ref.fields.includes('vhost') ? `:${template(ref, 'port')}` : ''}${tail}`,
    host: host!,
  };
}
