/**
 * In-house containers from prebuilt images (`portal add app`): wired like the backend, probed, routed.
 * An app that declares its settings gets exactly those (see app-settings.ts), under its own names.
 */
import type { AppAnswer } from '../../answers/extras.js';
import { limits, TMP } from '../defaults.js';
import { APP_USER } from './folders.js';
import { resolveAppSettings } from './app-settings.js';
import { deploymentConfigFolder, type CatalogContext, type ContainerSpec, type Contribution, type DependsCondition, type Healthcheck, type RecordedException } from '../types.js';

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
    ...(app.user === 'image' ? [{ rule: 'CMP-26', reason: 'runs as its image\'s own USER (its contract)' }] : []),
  ];
  const devEnvironment = settings && Object.keys(settings.devEnvironment).length > 0 ? { environment: { ...settings.devEnvironment } } : {};
  // one config folder per deployment at the path the app reads: prod here, dev and each instance override it
  const config = app.configFolder;
  const dev = { ...devEnvironment, ...(config ? { volumes: [`${deploymentConfigFolder('dev')}:${config}:ro`] } : {}) };
  const spec: Partial<ContainerSpec> = {
    ...(settings ? { ownSettings: true, environment: settings.environment, secrets: settings.secrets } : {}),
    ...(Object.keys(dev).length > 0 ? { dev } : {}),
    ...(config ? { mounts: [{ file: deploymentConfigFolder('prod'), target: config, perDeployment: true }] } : {}),
    // compose would read a $ as the start of a variable of the host
    ...(app.command ? { command: app.command.map(word => word.replace(/\$/g, '$$$$')) } : {}),
    ...(health.healthcheck ? { healthcheck: health.healthcheck } : { healthExemption: health.healthExemption! }),
    ...(waitsFor ? { dependsOn: waitsFor } : {}),
    ...(app.readWriteRoot
      ? { writableRoot: app.readWriteRoot, tmpfs: [] }
      : { tmpfs: [TMP, ...(app.writable ?? []).filter(path => path !== '/tmp').map(path => `${path}:${tmpfsOwner(user)}size=64m`)] }),
    // not root, whatever the image defaults to; the same uid owns the shared folders
    ...(user ? { user } : {}),
    ...(exceptions.length > 0 ? { exceptions } : {}),
  };
  return {
    spec,
    contribution: {
      secrets: settings?.ownSecrets ?? [],
      aliases: Object.entries(app.aliases ?? {}).map(([alias, store]) => ({ alias, store, app: app.id })),
    },
  };
}

export function appContribution(app: AppAnswer, ctx: CatalogContext): Contribution {
  const { spec, contribution } = contractParts(app, ctx);
  return {
    ...contribution,
    containers: [
      {
        name: app.id,
        role: `In-house service (${app.image})${app.route ? `, at ${app.route}` : ''}`,
        image: app.image,
        isApp: true,
        dependsOn: {
          ...(ctx.has('postgis') ? { db: 'service_healthy' as const } : {}),
          ...(ctx.has('redis') ? { redis: 'service_healthy' as const } : {}),
        },
        networks: ['internal'],
        port: app.port,
        devPorts: [app.port],
        limits: limits('512m', '1.0'),
        ...spec,
      },
    ],
    routes: app.route
      ? [
          {
            path: app.route,
            title: `${app.id}${app.websocket ? ' (websocket)' : ''}`,
            upstream: { host: app.id, port: app.port, stripPrefix: false },
            // an in-house API: nothing is cached unless the app's team says so in varnish/custom.vcl
            cache: app.websocket ? 'none' : 'pass',
            ...(app.websocket ? { websocket: true } : {}),
          },
        ]
      : [],
  };
}

/** A tmpfs owned by the app's user; with the image's own user unknown, writable by any (sticky, like /tmp). */
const tmpfsOwner = (user: string | undefined): string => {
  if (!user) return 'mode=1777,';
  const [uid, gid = uid] = user.split(':');
  return `uid=${uid},gid=${gid},mode=0750,`;
};
