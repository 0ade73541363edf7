/**
 * In-house containers from prebuilt images (`portal add app`): wired like the backend, probed, routed.
 * An app that declares its settings gets exactly those (see app-settings.ts), under its own names.
 */
import type { AppAnswer } from '../../answers/extras.js';
import { limits, TMP } from '../defaults.js';
import { APP_USER, folderRoot } from './folders.js';
import { routesOf, type RouteAnswer } from '../../answers/app-routes.js';
import { resolveAppSettings } from './app-settings.js';
import {
  deploymentConfigFolder,
  type CatalogContext,
  type ContainerSpec,
  type Contribution,
  type DependsCondition,
  type Healthcheck,
  type HttpRoute,
  type RecordedException,
} from '../types.js';

/** The image's tools are unknown: try what common base images ship. */
function probe(app: AppAnswer): { healthcheck?: Healthcheck; healthExemption?: string; exceptions: RecordedException[] } {
  const health = app.health ?? `http:${app.healthPath ?? '/health'}`;
  const at = health.indexOf(':');
  const kind = health.slice(0, at);
  const arg = health.slice(at + 1);
  if (kind === 'none') return { healthExemption: arg, exceptions: [{ rule: 'CMP-14', reason: arg }] };
  const test =
    kind === 'http'
      ? `wget -q -O /dev/null http://127.0.0.1:${app.port}${arg} || curl -fsS -o /dev/null http://127.0.0.1:${app.port}${arg}`
      : kind === 'tcp'
        ? `nc -z 127.0.0.1 ${arg} || bash -c '</dev/tcp/127.0.0.1/${arg}'`
        : arg.replace(/\$/g, '$$$$');
  return { healthcheck: { test: ['CMD-SHELL', test], startPeriod: '60s' }, exceptions: [] };
}

/**
 * The container keys an app's contract decides: its settings (or, without any, the shared ones), waits,
 * user, writable paths, probe, command and recorded exceptions; plus its own secrets and aliases.
 */
export function contractParts(app: AppAnswer, ctx: CatalogContext): { spec: Partial<ContainerSpec>; contribution: Contribution } {
  const declared = app.settings !== undefined || app.devSettings !== undefined;
  const settings = declared ? resolveAppSettings(app, ctx.connections ?? new Map()) : undefined;
  const health = probe(app);
  const aliased = Object.values(app.aliases ?? {}).map(store => ctx.connections?.get(store)?.host ?? store);
  // with settings, it waits for the stores it names; without, the container keeps its usual waits
  const waitsFor: Record<string, DependsCondition> | undefined = settings
    ? Object.fromEntries([...new Set([...settings.stores, ...aliased])].sort().map(host => [host, 'service_healthy' as const]))
    : undefined;
  const user = app.user === 'image' ? undefined : (app.user ?? APP_USER);
  const exceptions: RecordedException[] = [
    ...(settings?.exceptions ?? []),
    ...health.exceptions,
    ...(app.readWriteRoot ? [{ rule: 'CMP-09', reason: app.readWriteRoot }] : []),
    ...(app.capabilities ? [{ rule: 'CMP-02', reason: `cap_add ${app.capabilities.add.join(', ')}: ${app.capabilities.reason}` }] : []),
    ...(app.user === 'image' ? [{ rule: 'CMP-26', reason: "runs as its image's own USER (its contract)" }] : []),
  ];
  const devEnvironment = settings && Object.keys(settings.devEnvironment).length > 0 ? { environment: { ...settings.devEnvironment } } : {};
  // one config folder per deployment at the path the app reads: prod here, dev and each instance override it
  const config = app.configFolder;
  const dev = {
    ...devEnvironment,
    ...(config ? { volumes: [`${deploymentConfigFolder('dev')}:${config}:ro`] } : {}),
    // a server that reloads the mounted source, in dev only
    ...(app.devCommand ? { command: composeWords(app.devCommand) } : {}),
  };
  const spec: Partial<ContainerSpec> = {
    ...(settings ? { ownSettings: true, environment: settings.environment, secrets: settings.secrets } : {}),
    ...(Object.keys(dev).length > 0 ? { dev } : {}),
    ...(config ? { mounts: [{ file: deploymentConfigFolder('prod'), target: config, perDeployment: true }] } : {}),
    ...(app.command ? { command: composeWords(app.command) } : {}),
    ...(app.devMounts?.length ? { devMounts: app.devMounts } : {}),
    ...(health.healthcheck ? { healthcheck: health.healthcheck } : { healthExemption: health.healthExemption! }),
    // the stores it names instead of the usual ones
    ...(waitsFor ? { dependsOn: waitsFor, uses: [] } : {}),
    ...(app.readWriteRoot
      ? { writableRoot: app.readWriteRoot, tmpfs: [] }
      : { tmpfs: [TMP, ...(app.writable ?? []).filter(path => path !== '/tmp').map(path => `${path}:${tmpfsOwner(user)}size=64m`)] }),
    // not root, whatever the image defaults to; the same uid owns the shared folders
    ...(user ? { user } : {}),
    ...(app.capabilities ? { capAdd: app.capabilities.add } : {}),
    ...(exceptions.length > 0 ? { exceptions } : {}),
  };
  return {
    spec,
    contribution: {
      secrets: settings?.ownSecrets ?? [],
      ...(config ? { repoLayout: [CONFIG_FOLDERS_LAYOUT] } : {}),
      aliases: Object.entries(app.aliases ?? {}).map(([alias, store]) => ({ alias, store, app: app.id })),
    },
  };
}

const CONFIG_FOLDERS_LAYOUT = {
  path: 'config/',
  what: 'one config folder per deployment (dev, prod, each instance), mounted read-only where the apps read it; its files stay out of git',
} as const;

/**
 * One route of an app (or of the backend) as the proxies need it, and its private folder as an internal
 * location on the same host: the app answers `X-Accel-Redirect: /protected/<file>` and nginx sends the file.
 */
export function appRoutes(id: string, port: number, route: RouteAnswer): HttpRoute[] {
  const traits = [route.websocket ? 'websocket' : '', route.cors ? 'CORS' : '', route.private ? `private files at ${route.private.path}` : ''].filter(Boolean);
  const main: HttpRoute = {
    path: route.path,
    title: `${id}${traits.length > 0 ? ` (${traits.join(', ')})` : ''}`,
    upstream: { host: id, port, stripPrefix: false },
    // an in-house API: nothing is cached unless the app's team says so in varnish/custom.vcl
    cache: route.websocket ? 'none' : 'pass',
    ...(route.websocket ? { websocket: true } : {}),
    ...(route.host ? { host: route.host } : {}),
    ...(route.bodySize ? { bodySize: route.bodySize } : {}),
    ...(route.timeout ? { timeout: route.timeout } : {}),
    ...(route.connectTimeout ? { connectTimeout: route.connectTimeout } : {}),
    ...(route.cors ? { cors: route.cors } : {}),
  };
  if (!route.private) return [main];
  const hidden: HttpRoute = {
    path: route.private.path,
    title: `files of ${route.private.folder}, handed out by ${id} (X-Accel-Redirect)`,
    files: folderRoot({ name: route.private.folder }),
    cache: 'none',
    internal: true,
    ...(route.host ? { host: route.host } : {}),
  };
  return [main, hidden];
}

export function appContribution(app: AppAnswer, ctx: CatalogContext): Contribution {
  const { spec, contribution } = contractParts(app, ctx);
  // the dev server of a single-page front end: prod serves the built files instead
  const devServerOnly = (ctx.answers.folders ?? []).some(folder => folder.devServer?.split(':')[0] === app.id);
  return {
    ...contribution,
    containers: [
      {
        name: app.id,
        role: `In-house service (${app.image})${
          routesOf(app).length > 0
            ? `, at ${routesOf(app)
                .map(r => (r.host ? `${r.host}.<domain>${r.path}` : r.path))
                .join(', ')}`
            : ''
        }${devServerOnly ? ', dev server (dev only)' : ''}`,
        image: app.image,
        isApp: true,
        uses: ['postgis', 'redis'],
        // the edge network is the way out; internal has none
        networks: app.outbound ? ['internal', 'edge'] : ['internal'],
        ...(app.port !== undefined ? { port: app.port, devPorts: [app.port] } : {}),
        limits: limits('512m', '1.0'),
        ...(devServerOnly ? { devOnly: true } : {}),
        ...spec,
      },
    ],
    // an app with routes has a port (answers.ts)
    routes: routesOf(app).flatMap(route => appRoutes(app.id, app.port!, route)),
  };
}

/** compose would read a $ as the start of a variable of the host. */
const composeWords = (words: readonly string[]): string[] => words.map(word => word.replace(/\$/g, '$$$$'));

/** A tmpfs owned by the app's user; with the image's own user unknown, writable by any (sticky, like /tmp). */
const tmpfsOwner = (user: string | undefined): string => {
  if (!user) return 'mode=1777,';
  const [uid, gid = uid] = user.split(':');
  return `uid=${uid},gid=${gid},mode=0750,`;
};
