/**
 * The old deployment as answers: catalog services for the images the stack provides, Redis roles, the main
 * app as the backend image and every other container as an app with its contract; folders for the volumes
 * the apps mount; and the report of what became what. Pure: files in, answers and report out.
 */
import { defaultName, FLOATING_TAGS, type RawAnswers, type ServiceId } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import type { AppAnswer, FolderAnswer } from '../answers/extras.js';
import type { AppContract, BackendContract } from '../answers/app-contract.js';
import { imageTag } from './catalog-match.js';
import { credentialIn, knownSecrets } from './credentials.js';
import { checkReferences, classify, slug, type Role } from './classify.js';
import type { LoadedCompose } from './compose-load.js';
import { labelRouting, type LabelRoute, type LabelRouting } from './labels.js';
import { emptyReport, type ImportReport } from './report.js';
import { containerPorts, serviceFacts, type PortMapping, type ServiceFacts } from './service-facts.js';
import { rewriteSettings, type StoreRef } from './settings.js';
import { pgbouncerPoolMode, storeRef } from './stores.js';
import { postgresFromFacts, redisFromCommand, redisHadPassword, type PostgresImport } from './server-settings.js';
import { serviceDefinition } from '../catalog/index.js';
import type { RedisSettings } from '../answers/redis-settings.js';
import { POOL_MODES, DEFAULT_PGBOUNCER_PORT } from '../answers/service-settings.js';
import { routeKey, type RouteAnswer } from '../answers/app-routes.js';
import { RESERVED_ROUTES } from '../catalog/site-paths.js';
import { mountsToFolders, type FolderPlan } from './volumes.js';

export interface ImportOptions {
  /** The folder the answers are written into: names the portal. */
  readonly folderName: string;
  /** Pins every in-house image with a floating or missing tag, and names the images of build-only services. */
  readonly imageTag?: string;
  /** Ports given with --port <container>=<port>, for containers whose files name none. */
  readonly ports?: ReadonlyMap<string, number>;
  /** Container names of the generated stack an app id must not take. */
  readonly reservedNames: ReadonlySet<string>;
}

export interface ImportResult {
  readonly answers: RawAnswers;
  readonly report: ImportReport;
}

/** Names of the main app, best first, when no edge route says which it is. */
const MAIN_NAMES = ['backend', 'api', 'web', 'app', 'server'];
/** Keys the stack decides for itself: the report says so once per container. */
const REPLACED_KEYS: Readonly<Record<string, string>> = {
  restart: 'restart policy (prod: unless-stopped)',
  container_name: 'container_name (compose names them per project)',
  logging: 'logging (json-file with rotation)',
  log_driver: 'logging (json-file with rotation)',
  networks: 'networks (internal network; only the edge is public)',
  mem_limit: 'memory limit (the stack sets its own)',
  deploy: 'deploy limits (the stack sets its own)',
  pull_policy: 'pull_policy',
};
/** Keys nothing in the answers can say, with the reason. */
const UNEXPRESSIBLE: Readonly<Record<string, string>> = {
  privileged: 'privileged containers break the hardening (no capabilities, no-new-privileges)',
  network_mode: "network_mode bypasses the stack's internal network",
  net: "net (format 1 network_mode) bypasses the stack's internal network",
  devices: 'host devices are not part of an app contract',
  pid: 'sharing a PID namespace is not part of an app contract',
  ipc: 'sharing IPC is not part of an app contract',
  cap_add: 'extra capabilities are refused by the hardening checklist',
  security_opt: "security options are the stack's own",
  sysctls: 'sysctls are not part of an app contract',
  extra_hosts: 'extra /etc/hosts entries are not part of an app contract',
  external_links: 'links to containers outside the files are not part of an app contract',
  entrypoint: 'an entrypoint override is not part of an app contract (only command)',
  working_dir: 'working_dir is not part of an app contract (set WORKDIR in the image)',
  dns: 'custom DNS servers are not part of an app contract',
  tmpfs: 'tmpfs paths become writable paths only when given with portal app set --writable',
};

export function mapDeployment(compose: LoadedCompose, options: ImportOptions): ImportResult {
  const facts = new Map([...compose.services].map(([name, raw]) => [name, serviceFacts(name, raw)]));
  checkReferences(facts);
  const roles = classify(facts);
  const report = emptyReport();
  const routing = new Map([...facts].map(([name, f]) => [name, labelRouting(f.labels)]));
  for (const name of compose.unset) report.notExpressed.push(`variable ${name} is used in the files but set in no .env: it was read as empty`);

  // the stack's services, and what apps dial them by
  const services = new Set<ServiceId>();
  const redisRoles: string[] = [];
  const stores = new Map<string, StoreRef>();
  const dockerSecrets = new Map<string, StoreRef & { field: 'password' }>();
  for (const [name, role] of roles) {
    const f = facts.get(name)!;
    if (role.kind === 'catalog' && role.service !== 'edge') services.add(role.service === 'zookeeper' ? 'kafka' : role.service);
    if (role.kind === 'redis-role') redisRoles.push(role.role);
    const ref = storeRef(f, role);
    if (ref) {
      stores.set(name, ref);
      for (const secret of f.secrets) {
        const file = [...f.environment].find(([key, value]) => /PASS(WORD)?_FILE$/.test(key) && value === `/run/secrets/${secret}`);
        if (file) dockerSecrets.set(secret, { ...ref, field: 'password' });
      }
    }
  }
  if (redisRoles.length > 0) services.add('redis');
  const pooler = pgbouncerAnswers(facts, roles, stores, report);
  const shaped = serverAnswers(facts, roles, defaultName(options.folderName).replace(/-/g, '_'), services, compose.root, report);
  const edgeKinds = [...roles].filter(([, r]) => r.kind === 'catalog' && r.service === 'edge').map(([name]) => facts.get(name)!.image ?? '');
  const traefikUsed =
    edgeKinds.some(image => /traefik/.test(image)) ||
    [...routing.values()].some(r => r.routed) ||
    Object.values(compose.networks).some(n => isExternal(n) && /traefik/i.test(JSON.stringify(n)));
  if (traefikUsed) services.add('traefik');
  if (edgeKinds.some(image => /nginx/.test(image))) services.add('nginx');

  // app ids: the old name where free, so apps keep dialling each other by it
  const appNames = [...roles].filter(([, r]) => r.kind === 'app').map(([name]) => name);
  const main = pickMain(appNames, routing);
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const name of appNames) {
    if (name === main) {
      ids.set(name, 'backend');
      continue;
    }
    let id = slug(name);
    if (options.reservedNames.has(id) || id.startsWith('redis-') || id === 'backend') id = slug(`${id}-app`);
    for (let n = 2; used.has(id); n += 1) id = slug(`${slug(name).slice(0, 27)}-${n}`);
    used.add(id);
    ids.set(name, id);
  }
  if (main) {
    used.add('backend');
    // the others reach the main app by its old name: an alias of the backend
    stores.set(main, { store: 'backend', host: 'backend', port: appPort(facts.get(main)!, routing.get(main)!, options), fields: [], old: {} });
  }

  const domain = mainDomain(routing, main);
  const secrets = knownSecrets(facts.values());
  const folders: FolderPlan = { byTarget: new Map(), names: new Set(options.reservedNames) };
  const apps: AppAnswer[] = [];
  let backend: { image: string; port: number; contract: BackendContract } | undefined;
  const routes = new Map<string, string>();

  const hostOf = serviceHosts(roles, routing, domain);
  for (const [name, role] of roles) {
    const f = facts.get(name)!;
    const route = routing.get(name)!;
    if (role.kind !== 'app') {
      const row = nonAppRow(f, role, stores.get(name), route, report, hostOf.get(name));
      report.rows.push({ ...row, carried: [...row.carried, ...(shaped.carried.get(name) ?? [])] });
      continue;
    }
    const id = ids.get(name)!;
    const image = pinnedImage(f, options, report);
    const port = appPort(f, route, options);
    const rewritten = rewriteSettings(f.environment, stores, new Map([...ids].map(([old, newId]) => [old, newId])), dockerSecrets);
    for (const variable of rewritten.replacedSecrets) report.replacedSecrets.push(`${name} ${variable}`);
    for (const note of rewritten.notes) report.notExpressed.push(`${name} ${note}`);
    const aliases = aliasesOf(f, rewritten.dialled, stores, options.reservedNames, used, report);
    const mounts = mountsToFolders(f, facts, roles, folders, report);
    const carried: string[] = [`image ${image}`, `port ${port}`];
    const names = Object.keys(rewritten.settings);
    if (names.length > 0) carried.push(`settings ${names.join(', ')}`);
    if (Object.keys(aliases).length > 0)
      carried.push(
        `aliases ${Object.entries(aliases)
          .map(([a, s]) => `${a}->${s}`)
          .join(', ')}`,
      );
    if (mounts.length > 0) carried.push(`mounts ${mounts.join(', ')}`);
    const dialledBy = [...facts.values()].some(
      other =>
        other.links.has(name) ||
        [...other.environment.values()].some(value => typeof value === 'string' && new RegExp(`(^|[/@:])${name.replace(/[.]/g, '\\.')}([:/]|$)`).test(value)),
    );
    const idle = f.command !== undefined && IDLE.test(f.command.join(' '));
    const worker = !idle && !dialledBy && !route.routed && f.expose.length === 0 && !f.ports.some(isTcp) && f.healthcheck === undefined;
    const set = setHint(name === main, id);
    const inCommand = f.command && credentialIn(f.command, secrets);
    if (inCommand)
      throw new PortalInputError(
        `Invalid command of service ${quoted(name)}: it holds a credential (${inCommand}); pass it through an environment variable or a secret file, then import again.`,
      );
    const health = worker ? `none:${name} listens on no port the old files name and nothing dials it (a worker)` : healthOf(f, port, set, secrets, report);
    if (worker) report.notExpressed.push(`${name}: a worker without a probe; give one with ${set('health', 'cmd:<check>')}`);
    const user = userOf(f, set, report);
    if (f.command) carried.push(`command ${f.command.join(' ')}`);
    if (user) carried.push(`user ${user}`);
    carried.push(`health ${health}`);
    const contract: AppContract = {
      ...(names.length > 0 ? { settings: rewritten.settings } : {}),
      ...(rewritten.fileSettings.length > 0 ? { fileSettings: rewritten.fileSettings } : {}),
      ...(Object.keys(aliases).length > 0 ? { aliases } : {}),
      ...(user ? { user } : {}),
      health,
      ...(f.command ? { command: [...f.command] } : {}),
    };
    const appRoutes = routesOfApp(f, route, name === main, domain, routes, report);
    if (appRoutes.length > 0)
      carried.push(`routes ${appRoutes.map(r => `${r.host ? `${r.host}.<domain>` : ''}${r.path}${r.bodySize ? ` (body ${r.bodySize})` : ''}`).join(', ')}`);
    unexpressible(f, port, report);
    report.notExpressed.push(
      `${name}: runs with a read-only root filesystem as a non-root user; if the image writes outside its mounts, add ${set('writable', '<path>')} (or ${set('read-write-root', '"<reason>"')})`,
    );
    if (name === main) {
      backend = { image, port, contract: appRoutes.length > 0 ? { ...contract, routes: appRoutes } : contract };
      report.rows.push({ old: name, became: 'backend (main app)', carried });
    } else {
      apps.push({ id, image, port, ...(appRoutes.length > 0 ? { routes: appRoutes } : {}), ...contract });
      report.rows.push({ old: name, became: `app ${id}`, carried });
    }
  }
  report.kept.push(
    'every variable name the apps read, their mount paths, commands and ports; host names through aliases where the stack names the store otherwise',
  );

  // a sub-domain an app answers too stays the app's: the service goes back to its path
  const appHosts = new Set([...apps.flatMap(app => app.routes ?? []), ...(backend?.contract.routes ?? [])].flatMap(r => (r.host ? [r.host] : [])));
  const hostAnswers = Object.fromEntries(
    [...hostOf].flatMap(([old, { key, label }]) => {
      if (!appHosts.has(label)) return [[key, label]];
      report.notExpressed.push(`${old}: Traefik host ${label}.${domain}: an app answers there too, so the stack serves it on its path`);
      return [];
    }),
  );
  const folderList: FolderAnswer[] = [...folders.byTarget].map(([target, name]) => ({ name, target }));
  const name = defaultName(options.folderName);
  const answers: RawAnswers = {
    name,
    ...(domain ? { domain } : {}),
    ...(backend ? { backend: 'image', backendImage: backend.image, backendPort: backend.port, backendContract: backend.contract } : {}),
    services: services.size > 0 ? [...services] : 'none',
    storage: 'volumes',
    ...(apps.length > 0 ? { apps } : {}),
    ...(folderList.length > 0 ? { folders: folderList } : {}),
    ...(redisRoles.length > 0 ? { redisRoles } : {}),
    ...pooler,
    ...hostAnswers,
    ...shaped.answers,
  };
  if (!backend)
    report.notExpressed.push(
      'no container runs an in-house image: the generated backend is the starter (django) one; choose --backend on the first portal run',
    );
  return { answers, report };
}

const isExternal = (network: unknown): boolean => network !== null && typeof network === 'object' && Boolean((network as Record<string, unknown>).external);

/**
 * The main app becomes the backend at `/`: one Traefik answered at the root of a host (best named like a
 * main app), else one named backend, api, web, app or server, else the first without a path route.
 */
function pickMain(apps: readonly string[], routing: ReadonlyMap<string, LabelRouting>): string | undefined {
  const atRoot = apps.filter(name => routing.get(name)!.routes.some(r => !r.path || r.path === '/'));
  const named = (list: readonly string[]) => MAIN_NAMES.map(main => list.find(name => name === main)).find(Boolean);
  return named(atRoot) ?? atRoot[0] ?? named(apps) ?? apps.find(name => !routing.get(name)!.routes.some(r => r.path)) ?? apps[0];
}

function pinnedImage(f: ServiceFacts, options: ImportOptions, report: ImportReport): string {
  if (!f.image) {
    if (!options.imageTag)
      throw new PortalInputError(
        `Invalid service ${quoted(f.name)}: it is only built (build: ${f.build}) and has no image to pull; give --image-tag <release> to name the image your CI pushes as ${defaultName(options.folderName)}-${slug(f.name)}:<release>.`,
      );
    const image = `${defaultName(options.folderName)}-${slug(f.name)}:${options.imageTag}`;
    report.notExpressed.push(
      `${f.name}: built from ${f.build} in the old files; build and push it as ${image} (the generated stack pulls images, it builds only its own starters)`,
    );
    return image;
  }
  const tag = imageTag(f.image);
  const floating = tag === undefined || FLOATING_TAGS.has(tag) || /latest/.test(tag);
  if (!floating) {
    if (f.build) report.notExpressed.push(`${f.name}: also built from ${f.build} in the old files; the stack pulls ${f.image}, push it from your CI`);
    return f.image;
  }
  if (!options.imageTag)
    throw new PortalInputError(
      `Invalid image ${quoted(f.image)} of service ${quoted(f.name)}: its tag is ${tag ? `the floating "${tag}"` : 'missing (compose pulls latest)'}; give --image-tag <release> to pin the in-house images.`,
    );
  const repository = tag === undefined ? f.image : f.image.slice(0, f.image.lastIndexOf(':'));
  const image = `${repository.toLowerCase()}:${options.imageTag}`;
  report.notExpressed.push(`${f.name}: image ${f.image} had ${tag ? `the floating tag "${tag}"` : 'no tag'}; pinned to ${image} (--image-tag)`);
  return image;
}

function appPort(f: ServiceFacts, route: LabelRouting, options: ImportOptions): number {
  const given = options.ports?.get(f.name);
  if (given) return given;
  const fromHealth =
    typeof f.healthcheck?.test === 'string' || Array.isArray(f.healthcheck?.test)
      ? /(?:localhost|127\.0\.0\.1):(\d{1,5})/.exec([f.healthcheck!.test].flat().join(' '))?.[1]
      : undefined;
  const port = route.port ?? f.expose[0] ?? f.ports.find(isTcp)?.container ?? (fromHealth ? Number(fromHealth) : undefined);
  if (port) return port;
  const other = f.ports.filter(p => !isTcp(p)).map(p => `${containerPorts(p)}/${p.protocol}`);
  throw new PortalInputError(
    `Invalid service ${quoted(f.name)}: no ${other.length > 0 ? `TCP port (its ${other.join(', ')} cannot be an app's port: the answers take one TCP port, probed over TCP)` : 'port'} in its expose, ports, Traefik labels or healthcheck; give the TCP port its image listens on with --ports ${f.name}=<port>.`,
  );
}

/** TCP, the only protocol an app port, its probe, its routes and dev publishing speak. */
const isTcp = (p: PortMapping): boolean => p.protocol === undefined;

/** Containers kept running only to `docker exec` into (cron jobs): nothing listens. */
const IDLE = /^(tail -f \/dev\/null|sleep infinity|cat)$/;

/**
 * How to change one contract key of an imported app: `portal app set` knows the apps by their new id; the
 * main app is the backend, whose contract is `backendContract` in .yo-rc.json (app set does not reach it).
 */
type SetHint = (option: string, value: string) => string;
function setHint(isMain: boolean, id: string): SetHint {
  const camel = (option: string) => option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  return isMain
    ? option => `backendContract.${camel(option)} in .yo-rc.json, then portal --yes`
    : (option, value) => `portal app set ${id} --${option} ${value}`;
}

function healthOf(f: ServiceFacts, port: number, set: SetHint, secrets: ReadonlySet<string>, report: ImportReport): string {
  const test = f.healthcheck?.test;
  if (test === undefined && f.command && IDLE.test(f.command.join(' ')))
    return `none:idle container (${f.command.join(' ')}) that jobs run commands in; nothing listens`;
  if (f.healthcheck?.disable || (Array.isArray(test) && test[0] === 'NONE'))
    return `none:the old deployment disabled the healthcheck of ${f.name}`.slice(0, 200);
  if (test !== undefined) {
    const words = Array.isArray(test) ? (test[0] === 'CMD' || test[0] === 'CMD-SHELL' ? test.slice(1) : test) : [test];
    const command = words.join(' ').trim();
    const credential = credentialIn(command.split(/\s+/), secrets);
    if (credential) report.notExpressed.push(`${f.name}: its healthcheck holds a credential (${credential}), so it was not carried over`);
    const url = /https?:\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?(\/[A-Za-z0-9._~/?=&-]*)/.exec(command);
    if (!credential && url && /^(curl|wget)\b/.test(command)) return `http:${url[1]}`;
    if (!credential && command.length > 0 && command.length <= 256 && !/[\u0000-\u001f]/.test(command)) return `cmd:${command}`;
  }
  // a check too long or holding control characters is not a health answer: say so, not "none"
  const why =
    test === undefined ? 'had no healthcheck' : 'its healthcheck is not one the answers take (over 256 characters, control characters, or a credential)';
  report.notExpressed.push(`${f.name}: ${why}; the stack probes tcp:${port} (${set('health', 'http:/path')} for a better one)`);
  return `tcp:${port}`;
}

function userOf(f: ServiceFacts, set: SetHint, report: ImportReport): string | undefined {
  if (f.user === undefined) return undefined;
  const match = /^([0-9]{1,10})(?::([0-9]{1,10}))?$/.exec(f.user);
  if (match && match[1] !== '0' && match[2] !== '0') return f.user;
  report.notExpressed.push(
    `${f.name}: user ${quoted(f.user)} is ${match ? 'root' : 'not a numeric uid[:gid]'}; it runs as the stack's app user 10001 (or ${set('user', 'image')})`,
  );
  return undefined;
}

function aliasesOf(
  f: ServiceFacts,
  dialled: ReadonlySet<string>,
  stores: ReadonlyMap<string, StoreRef>,
  reserved: ReadonlySet<string>,
  apps: ReadonlySet<string>,
  report: ImportReport,
): Record<string, string> {
  const hosts = new Map<string, string>();
  for (const [target, alias] of f.links) if (stores.has(target)) hosts.set(alias, target);
  for (const host of [...dialled, ...f.dependsOn]) if (stores.has(host)) hosts.set(host, host);
  const aliases: Record<string, string> = {};
  for (const [host, old] of [...hosts].sort(([a], [b]) => a.localeCompare(b))) {
    const { store, host: answeredBy } = stores.get(old)!;
    const name = host.toLowerCase();
    if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(name) || name === 'localhost') {
      report.notExpressed.push(
        `${f.name}: host name ${quoted(host)} (for ${old}) is not a DNS label the network can answer; its variables were rewritten to the store's host`,
      );
      continue;
    }
    if (name === answeredBy) continue;
    if (reserved.has(name) || apps.has(name)) {
      report.notExpressed.push(
        `${f.name}: host name ${name} (for ${old}) is a container of the new stack; the app's variables were rewritten to {${store}.host}, hard-coded uses must change`,
      );
      continue;
    }
    aliases[name] = store;
  }
  for (const [target, alias] of f.links) {
    if (!stores.has(target) && alias !== target)
      report.notExpressed.push(`${f.name}: link alias ${alias} for ${target}: aliases reach stores only; the app must dial ${target}`);
  }
  return aliases;
}

/**
 * An app's Traefik routes as route answers: a host under the domain becomes its sub-domain label (a host-only
 * rule answers at "/" there), a path on the domain stays a path; the main app keeps only its sub-domains
 * (it answers every path of the domain already). Hosts of other sites are reported.
 */
function routesOfApp(
  f: ServiceFacts,
  route: LabelRouting,
  isMain: boolean,
  domain: string | undefined,
  taken: Map<string, string>,
  report: ImportReport,
): RouteAnswer[] {
  const out: RouteAnswer[] = [];
  for (const r of route.routes) {
    const path = r.path ? `${r.path.toLowerCase().replace(/\/+$/, '')}/` : '/';
    const hosts = r.hosts.length > 0 ? r.hosts.map(h => subDomainOf(h, domain)) : [null];
    for (const [i, host] of hosts.entries()) {
      if (host === undefined) {
        report.notExpressed.push(
          `${f.name}: host ${r.hosts[i]} is not under the portal's domain ${domain ?? '(none)'}; only its own domain and sub-domains are answers`,
        );
        continue;
      }
      const onDomain = host === null;
      if (onDomain && (isMain || RESERVED_ROUTES.includes(path))) {
        if (!isMain)
          report.notExpressed.push(`${f.name}: route ${path} on the portal's domain is the stack's own; give it a sub-domain (portal app set --routes)`);
        else if (path !== '/') report.notExpressed.push(`${f.name}: route ${r.path} of the main app: the backend answers every path at /`);
        continue;
      }
      const answer: RouteAnswer = { path, ...(onDomain ? {} : { host }), ...routeOptions(f, r, report) };
      const key = routeKey(answer);
      const owner = taken.get(key);
      const shown = onDomain ? (r.path ?? path) : `${host}.${domain}${path}`;
      if (owner && owner !== f.name)
        throw new PortalInputError(
          `Invalid route ${quoted(shown)}: both ${quoted(owner)} and ${quoted(f.name)} are routed there; give each its own host or path prefix.`,
        );
      if (owner === f.name) continue;
      taken.set(key, f.name);
      out.push(answer);
    }
  }
  // the answers take 20 routes an app; the rest are named, never dropped unsaid
  const dropped = out.slice(MAX_APP_ROUTES);
  if (dropped.length > 0)
    report.notExpressed.push(
      `${f.name}: routes ${dropped.map(r => `${r.host ? `${r.host}.<domain>` : ''}${r.path}`).join(', ')}: an app takes at most ${MAX_APP_ROUTES} routes; the first ${MAX_APP_ROUTES} were kept, give the rest a shared path prefix`,
    );
  return out.slice(0, MAX_APP_ROUTES);
}

const MAX_APP_ROUTES = 20;

/** null: the domain itself; a label: a sub-domain of it; undefined: another site. */
function subDomainOf(host: string, domain: string | undefined): string | null | undefined {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!domain) return undefined;
  if (h === domain) return null;
  if (!h.endsWith(`.${domain}`)) return undefined;
  const label = h.slice(0, -domain.length - 1);
  return /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/.test(label) ? label : undefined;
}

/** Largest body a route answer takes (2048m); a larger limit is lowered to it, with a report line. */
const MAX_BODY_BYTES = 2048 * 1024 * 1024;

/** The body size a route's buffering labels said, in nginx units (Traefik labels name no timeouts; websockets it passes unasked). */
function routeOptions(f: ServiceFacts, r: LabelRoute, report: ImportReport): Pick<RouteAnswer, 'bodySize'> {
  if (!r.maxBodyBytes) return {};
  if (r.maxBodyBytes > MAX_BODY_BYTES) {
    report.notExpressed.push(
      `${f.name}: body limit ${r.maxBodyBytes} bytes (Traefik buffering) is over the 2048m a route takes; lowered to 2048m (larger uploads need a resumable protocol)`,
    );
    return { bodySize: '2048m' };
  }
  return { bodySize: r.maxBodyBytes % (1024 * 1024) === 0 ? `${r.maxBodyBytes / (1024 * 1024)}m` : `${Math.ceil(r.maxBodyBytes / 1024)}k` };
}

/**
 * Redis and PostgreSQL shaped as the old command lines and variables said, and stock services the old files
 * kept under a compose profile kept as alternatives where their catalog entry has a profile.
 */
function serverAnswers(
  facts: ReadonlyMap<string, ServiceFacts>,
  roles: ReadonlyMap<string, Role>,
  database: string,
  services: ReadonlySet<ServiceId>,
  root: string | undefined,
  report: ImportReport,
): { answers: { redisSettings?: Record<string, RedisSettings>; postgres?: PostgresImport; alternatives?: string[] }; carried: Map<string, string[]> } {
  const carried = new Map<string, string[]>();
  const redisSettings: Record<string, RedisSettings> = {};
  let postgres: PostgresImport | undefined;
  const alternatives: string[] = [];
  for (const [name, role] of roles) {
    const f = facts.get(name)!;
    const server = role.kind === 'redis-role' ? `redis-${role.role}` : role.kind === 'catalog' && role.service === 'redis' ? 'redis' : undefined;
    if (server) {
      const found = redisFromCommand(f, root);
      report.notExpressed.push(...found.notes);
      if (found.passwordFile) report.replacedSecrets.push(`${name} requirepass in ${found.passwordFile} (a generated password in .env / secrets/)`);
      if (Object.keys(found.settings).length > 0) {
        redisSettings[server] = found.settings;
        carried.set(name, [`redisSettings.${server}: ${found.carried.join(', ')}`]);
      }
      // kept on: our templates carry the password to every URL an app reads; only an app dialling a bare host misses it
      if (!redisHadPassword(f) && !found.passwordFile)
        report.notExpressed.push(
          `${name}: ${found.configUnread ? 'its config file was not read, so whether it had a password is unknown' : 'had no password'}; ${server} now asks for one (URL templates carry it). An app that dials only the host must send it, or answer redisSettings.${server}.auth "off:<reason>" (internal network only, a recorded checklist exception)`,
        );
    }
    if (role.kind === 'catalog' && role.service === 'postgis') {
      const found = postgresFromFacts(f, database, root);
      report.notExpressed.push(...found.notes);
      if (Object.keys(found.settings).length > 0) {
        postgres = found.settings;
        carried.set(name, [`postgres: ${found.carried.join('; ')}`]);
      }
    }
    const profiles = Array.isArray(f.raw.profiles) ? f.raw.profiles.map(String) : [];
    if (role.kind === 'catalog' && role.service !== 'edge' && profiles.length > 0) {
      const id: ServiceId = role.service === 'zookeeper' ? 'kafka' : role.service;
      if (services.has(id) && serviceDefinition(id).profile) {
        if (!alternatives.includes(id)) alternatives.push(id);
        carried.set(name, [...(carried.get(name) ?? []), `profile ${profiles.join(', ')} -> alternative (compose profile ${serviceDefinition(id).profile})`]);
      } else
        report.notExpressed.push(`${name}: compose profile ${profiles.join(', ')}: ${id} cannot be kept aside (other services need it); it starts by default`);
    }
  }
  return {
    answers: {
      ...(Object.keys(redisSettings).length > 0 ? { redisSettings } : {}),
      ...(postgres ? { postgres } : {}),
      ...(alternatives.length > 0 ? { alternatives } : {}),
    },
    carried,
  };
}

/**
 * The old pooler's listen port and pool mode, as answers, so apps dial PgBouncer where they did; a mode
 * PgBouncer does not know is reported and left to the default.
 */
function pgbouncerAnswers(
  facts: ReadonlyMap<string, ServiceFacts>,
  roles: ReadonlyMap<string, Role>,
  stores: ReadonlyMap<string, StoreRef>,
  report: ImportReport,
): { pgbouncerPort?: number; pgbouncerPoolMode?: string } {
  const name = [...roles].find(([, role]) => role.kind === 'catalog' && role.service === 'pgbouncer')?.[0];
  if (!name) return {};
  const port = stores.get(name)?.port;
  const mode = pgbouncerPoolMode(facts.get(name)!);
  const known = mode !== undefined && (POOL_MODES as readonly string[]).includes(mode);
  if (mode !== undefined && !known)
    report.notExpressed.push(`${name}: pool mode ${quoted(mode)} is not one of ${POOL_MODES.join(', ')}; the stack's default (session) is used`);
  return { ...(port && port !== DEFAULT_PGBOUNCER_PORT ? { pgbouncerPort: port } : {}), ...(known ? { pgbouncerPoolMode: mode } : {}) };
}

function unexpressible(f: ServiceFacts, port: number, report: ImportReport): void {
  for (const [key, why] of Object.entries(UNEXPRESSIBLE))
    if (f.raw[key] !== undefined && f.raw[key] !== false) report.notExpressed.push(`${f.name}: ${key}: ${why}`);
  for (const p of f.ports) {
    const shown = `${p.published ? `${p.published}->` : ''}${containerPorts(p)}`;
    if (!isTcp(p)) {
      report.notExpressed.push(
        `${f.name}: ${p.protocol} port${p.last ? 's' : ''} ${shown}/${p.protocol}: not carried; the answers take one TCP port an app (its probe, routes and dev publishing are TCP), so publish it by hand in a compose override`,
      );
      continue;
    }
    const everywhere = !p.hostIp || p.hostIp === '0.0.0.0';
    if (p.published)
      report.notExpressed.push(
        `${f.name}: published port${p.last ? 's' : ''} ${shown}${everywhere ? ' on every address' : ''}: only the edge publishes; dev reaches ${port} on 127.0.0.1 (docker-compose.override.yml)`,
      );
    if (p.last)
      report.notExpressed.push(
        `${f.name}: container ports ${containerPorts(p)}: an app answers on one port; ${p.container === port ? `${port} was carried as its port, ${p.container + 1}-${p.last} were not` : `none of them was carried (its port is ${port})`}`,
      );
  }
  const replaced = [
    ...new Set(
      Object.keys(REPLACED_KEYS)
        .filter(key => f.raw[key] !== undefined)
        .map(key => REPLACED_KEYS[key]!),
    ),
  ];
  if (replaced.length > 0) report.notExpressed.push(`${f.name}: the stack's own ${replaced.join(', ')}`);
  const otherLabels = [...f.labels.keys()].filter(key => !key.startsWith('traefik.'));
  if (otherLabels.length > 0) report.notExpressed.push(`${f.name}: labels ${otherLabels.join(', ')} are not answers (the stack labels its containers itself)`);
}

/**
 * Grafana or Flower routed at the root of one sub-domain of the portal's: answered there (grafanaHost,
 * flowerHost), by old container name. Any other routing stays a note: the stack serves them on their path.
 */
function serviceHosts(
  roles: ReadonlyMap<string, Role>,
  routing: ReadonlyMap<string, LabelRouting>,
  domain: string | undefined,
): Map<string, { key: 'grafanaHost' | 'flowerHost'; label: string }> {
  const found = new Map<string, { key: 'grafanaHost' | 'flowerHost'; label: string }>();
  for (const [name, role] of roles) {
    if (role.kind !== 'catalog' || (role.service !== 'grafana' && role.service !== 'flower')) continue;
    const routes = routing.get(name)!.routes;
    const labels = [...new Set(routes.flatMap(r => r.hosts.map(h => subDomainOf(h, domain))))];
    const atRoot = routes.length > 0 && routes.every(r => !r.path || r.path === '/');
    if (atRoot && labels.length === 1 && typeof labels[0] === 'string')
      found.set(name, { key: role.service === 'grafana' ? 'grafanaHost' : 'flowerHost', label: labels[0] });
  }
  return found;
}

function nonAppRow(
  f: ServiceFacts,
  role: Role,
  ref: StoreRef | undefined,
  route: LabelRouting,
  report: ImportReport,
  host?: { key: string; label: string },
): { old: string; became: string; carried: string[] } {
  if (role.kind === 'data')
    return {
      old: f.name,
      became: 'named storage',
      carried: [`its volumes ${f.volumes.map(v => v.target).join(', ')} became folders of the containers that used them`],
    };
  if (role.kind === 'helper') return { old: f.name, became: 'dropped', carried: [role.why] };
  if (role.kind === 'redis-role') return { old: f.name, became: `redis role ${role.role} (redis-${role.role})`, carried: storeNotes(f, ref, report) };
  if (role.kind === 'catalog' && role.service === 'edge') {
    const paths = route.routes.map(r => r.path ?? r.hosts.join(',')).filter(Boolean);
    return {
      old: f.name,
      became: 'dropped (the stack provides the edge)',
      carried: [`its routes are the apps' routes${paths.length ? `: ${paths.join(', ')}` : ''}; its config files are replaced by the generated nginx/traefik`],
    };
  }
  const service = role.kind === 'catalog' ? (role.service === 'zookeeper' ? 'kafka (with zookeeper)' : role.service) : 'app';
  if (role.kind === 'catalog') {
    const envNames = [...f.environment.keys()];
    if (envNames.length > 0)
      report.notExpressed.push(
        `${f.name}: variables ${envNames.join(', ')}: the stack configures ${service} itself (credentials generated, apps reach it through templates)`,
      );
    if (f.raw.tmpfs !== undefined) report.notExpressed.push(`${f.name}: tmpfs: the stack sets the writable paths of ${service} itself`);
    const hosts = host ? [] : route.routes.flatMap(r => r.hosts);
    if (hosts.length > 0)
      report.notExpressed.push(
        `${f.name}: Traefik host ${hosts.join(', ')}: the stack serves ${service} where its catalog entry says (e.g. /grafana/), not on a sub-domain of its own`,
      );
  }
  if (!f.image && f.build)
    report.notExpressed.push(`${f.name}: built from ${f.build}; the stack runs the stock ${service} image (check what that Dockerfile added)`);
  const onHost = host ? [`at / on ${host.label}.<domain> (${host.key})`] : [];
  return { old: f.name, became: `service ${service}`, carried: role.kind === 'catalog' ? [...onHost, ...storeNotes(f, ref, report)] : [] };
}

function storeNotes(f: ServiceFacts, ref: StoreRef | undefined, report: ImportReport): string[] {
  const carried: string[] = [];
  if (ref) carried.push(`apps reach it through {${ref.store}.host} and its fields`);
  if (ref?.store === 'pgbouncer') carried.push(`listen port ${ref.port}${pgbouncerPoolMode(f) ? `, pool mode ${pgbouncerPoolMode(f)}` : ''}`);
  if (ref?.old.user || ref?.old.db)
    report.notExpressed.push(
      `${f.name}: database/user ${[ref.old.db, ref.old.user].filter(Boolean).join('/')}: the stack names them after the portal (POSTGRES_DB/POSTGRES_USER in .env); apps read them through the templates`,
    );
  if (ref?.old.password) report.replacedSecrets.push(`${f.name} password (a generated one in .env / secrets/)`);
  for (const v of f.volumes.filter(v => v.kind !== 'bind'))
    carried.push(`data ${v.source ?? v.target} -> its own volume (copy with scripts/migrate-storage.sh)`);
  for (const source of f.volumesFrom) carried.push(`data of ${source} -> its own volume (copy with scripts/migrate-storage.sh)`);
  for (const v of f.volumes.filter(v => v.kind === 'bind')) {
    if (/^\/docker-entrypoint-initdb\.d(\/|$)/.test(v.target))
      report.notExpressed.push(`${f.name}: init scripts ${v.source}:${v.target}: the stack runs its own first-start scripts, not these`);
    else if (!ref || isConfigMount(v.source ?? '', v.target))
      report.notExpressed.push(`${f.name}: bind mount ${v.source}:${v.target}: the stack writes this service's configuration itself`);
    else carried.push(`data ${v.source} -> its own volume (copy with scripts/migrate-storage.sh)`);
  }
  if (f.command)
    report.notExpressed.push(
      `${f.name}: command ${f.command.join(' ')}: the stack runs the service with its own configuration (Redis memory/persistence and PostgreSQL tuning flags are carried as answers, see its row)`,
    );
  for (const p of f.ports)
    if (p.published)
      report.notExpressed.push(
        `${f.name}: published port${p.last ? 's' : ''} ${p.published}->${containerPorts(p)}: stores are internal; dev reaches them on 127.0.0.1`,
      );
  return carried;
}

/** The domain the routes share: the one host, or the parent of every sub-domain (api.x.org, admin.x.org: x.org). */
/** A mount of configuration (a file, /etc, init scripts, the old config folder) rather than the server's data. */
const isConfigMount = (source: string, target: string): boolean => /\.[a-z]{1,5}$/i.test(source) || /^\/(etc|docker-entrypoint|usr)|config/.test(target);

function mainDomain(routing: ReadonlyMap<string, LabelRouting>, main: string | undefined): string | undefined {
  const ordered = [...(main ? [routing.get(main)!] : []), ...routing.values()];
  const hosts = [...new Set(ordered.flatMap(r => r.routes.flatMap(route => route.hosts)).map(h => h.toLowerCase()))].filter(
    h => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(h) && !/localhost$/.test(h),
  );
  if (hosts.length <= 1) return hosts[0];
  const split = hosts.map(h => h.split('.').reverse());
  const common: string[] = [];
  for (let i = 0; split.every(parts => parts[i] !== undefined && parts[i] === split[0]![i]); i += 1) common.push(split[0]![i]!);
  return common.length >= 2 ? common.reverse().join('.') : hosts[0];
}
