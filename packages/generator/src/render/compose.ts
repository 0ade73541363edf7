/** PortalModel -> the three compose files: base (no ports), dev override, prod override. */
import { EXCEPTION_LABEL, type ContainerSpec, type Mount, type SecretUse } from '../catalog/types.js';
import type { PortalModel } from '../model/portal-model.js';
import type { BindVolume, ComposeFile, ComposeService } from '../catalog/compose-types.js';
import type { DevMount } from '../answers/dev-mounts.js';

export interface ComposeSet {
  readonly base: ComposeFile;
  readonly dev: ComposeFile;
  readonly prod: ComposeFile;
}

export const HEALTH_DEFAULTS = { interval: '10s', timeout: '5s', retries: 5, startPeriod: '30s' };
export const LOGGING = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };

export function renderCompose(model: PortalModel): ComposeSet {
  const shared = model.containers.filter(c => !c.prodOnly && !c.devOnly);
  const prodOnly = model.containers.filter(c => c.prodOnly);
  // defined whole in the file of their environment, so the other one never names them
  const devOnly = model.containers.filter(c => c.devOnly);
  const secretEnv = new Map(model.secrets.map(secret => [secret.name, secret.env]));
  return {
    base: {
      services: Object.fromEntries(shared.map(c => [c.name, baseService(c)])),
      networks: { edge: {}, internal: {} },
      volumes: volumesFor(model, shared),
    },
    dev: {
      services: Object.fromEntries([
        ...shared.map(c => [c.name, devService(c, secretEnv)] as const).filter(([, s]) => Object.keys(s).length > 0),
        ...devOnly.map(c => [c.name, whole(baseService(c), devService(c, secretEnv))] as const),
      ]),
      ...(hasStorage(devOnly) ? { volumes: volumesFor(model, devOnly) } : {}),
    },
    prod: {
      services: Object.fromEntries([
        ...shared.map(c => [c.name, prodService(c, model)] as const),
        ...prodOnly.map(c => [c.name, whole(baseService(c), prodService(c, model))] as const),
      ]),
      // in prod, data services cannot reach or be reached from outside; a shared Traefik's network is someone else's
      networks: { internal: { internal: true }, ...externalNetworks(model) },
      ...(hasStorage(prodOnly) ? { volumes: volumesFor(model, prodOnly) } : {}),
      ...(model.secrets.length > 0 ? { secrets: Object.fromEntries(model.secrets.map(s => [s.name, { file: `./secrets/${s.name}` }])) } : {}),
    },
  };
}

const hasStorage = (containers: readonly ContainerSpec[]): boolean => containers.some(c => c.mounts?.some(m => 'storage' in m));

/**
 * A service defined in one override file only: its base keys with that environment's keys on top, where
 * the environment and volumes add to the base ones instead of replacing them (an app container's settings
 * stay next to its `*_FILE` secrets).
 */
function whole(base: ComposeService, extra: ComposeService): ComposeService {
  const environment = base.environment || extra.environment ? { environment: { ...base.environment, ...extra.environment } } : {};
  const volumes = base.volumes || extra.volumes ? { volumes: [...(base.volumes ?? []), ...(extra.volumes ?? [])] } : {};
  return { ...base, ...extra, ...environment, ...volumes };
}

function baseService(c: ContainerSpec): ComposeService {
  const health = c.healthcheck ? { ...HEALTH_DEFAULTS, ...c.healthcheck } : undefined;
  return {
    image: c.image,
    ...(c.profiles?.length ? { profiles: [...c.profiles] } : {}),
    ...(c.build ? { build: { context: c.build.context, target: 'prod' }, pull_policy: 'build' as const } : {}),
    ...(c.hostname ? { hostname: c.hostname } : {}),
    ...(c.user ? { user: c.user } : {}),
    ...(c.entrypoint ? { entrypoint: [...c.entrypoint] } : {}),
    ...(c.command ? { command: [...c.command] } : {}),
    ...(c.environment && Object.keys(c.environment).length > 0 ? { environment: { ...c.environment } } : {}),
    ...(c.mounts?.length ? { volumes: c.mounts.map(mountString) } : {}),
    ...(c.writableRoot ? {} : { read_only: true }),
    ...(c.tmpfs?.length ? { tmpfs: [...c.tmpfs] } : {}),
    ...(health
      ? {
          healthcheck: {
            test: [...health.test],
            interval: health.interval,
            timeout: health.timeout,
            retries: health.retries,
            start_period: health.startPeriod,
          },
        }
      : {}),
    ...(c.dependsOn && Object.keys(c.dependsOn).length > 0
      ? {
          depends_on: Object.fromEntries(
            Object.entries(c.dependsOn)
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([name, condition]) => [name, { condition }]),
          ),
        }
      : {}),
    networks: c.aliases?.length ? Object.fromEntries(c.networks.map(n => [n, n === 'internal' ? { aliases: [...c.aliases!] } : null])) : [...c.networks],
    ...(c.exceptions?.length ? { labels: c.exceptions.map(e => `${EXCEPTION_LABEL}${e.rule}=${e.reason.replace(/\$/g, '$$$$')}`) } : {}),
    cap_drop: ['ALL'],
    ...(c.capAdd?.length ? { cap_add: [...c.capAdd] } : {}),
    security_opt: ['no-new-privileges:true'],
    mem_limit: c.limits.memory,
    cpus: c.limits.cpus,
    pids_limit: c.limits.pids,
    logging: LOGGING,
  };
}

function devService(c: ContainerSpec, secretEnv: ReadonlyMap<string, string>): ComposeService {
  const uses = c.secrets ?? [];
  // an app that reads only files gets the same files in dev, straight from secrets/
  const secrets = Object.fromEntries(
    uses.map(use => (use.fileInDev ? [use.fileEnv ?? `${use.env}_FILE`, `/run/secrets/${use.secret}`] : [use.env, `\${${secretEnvOf(use, secretEnv)}}`])),
  );
  const environment = { ...secrets, ...c.dev?.environment };
  const secretFiles = [...new Set(uses.filter(use => use.fileInDev).map(use => use.secret))].map(name => `./secrets/${name}:/run/secrets/${name}:ro`);
  const volumes = [...devSourceMounts(c).map(devSourceVolume), ...secretFiles, ...(c.dev?.volumes ?? [])];
  return {
    ...(c.build?.devSource ? { build: { context: c.build.context, target: 'dev' } } : {}),
    ...(c.dev?.command ? { command: c.dev.command } : {}),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(volumes.length > 0 ? { volumes } : {}),
    ...(c.devPublish?.length ? { ports: c.devPublish.map(p => `127.0.0.1:${p.host}:${p.container}`) } : {}),
    // services of dev only that a proxy waits for there (a front end's dev server)
    ...(c.dev?.depends_on ? { depends_on: c.dev.depends_on } : {}),
  };
}

/** The repo folders dev mounts into a container: the source of our own image, then the app's devMounts. */
export const devSourceMounts = (c: ContainerSpec): DevMount[] => [...(c.build?.devSource ? [c.build.devSource] : []), ...(c.devMounts ?? [])];

/**
 * One source folder in dev. The root stays read-only and the user stays the image's (or the contract's):
 * a bind mount is writable unless `:ro`, and docker makes its mount point before the root turns read-only,
 * so the app starts as in prod with its code replaced. The long form makes a missing folder an error
 * ("bind source path does not exist") instead of an empty folder, made as root, hiding the image's code.
 */
function devSourceVolume(mount: DevMount): BindVolume {
  return { type: 'bind', source: mount.source, target: mount.target, ...(mount.readOnly ? { read_only: true } : {}) };
}

function prodService(c: ContainerSpec, model: PortalModel): ComposeService {
  const uses = c.secrets ?? [];
  const names = [...new Set(uses.map(use => use.secret))];
  const ports = edgePorts(c, model);
  return {
    ...(c.build ? { build: { context: c.build.context, target: 'prod' } } : {}),
    ...(uses.length > 0 ? { environment: Object.fromEntries(uses.map(use => [use.fileEnv ?? `${use.env}_FILE`, `/run/secrets/${use.secret}`])) } : {}),
    ...(names.length > 0 ? { secrets: names } : {}),
    ...(c.prod?.volumes ? { volumes: c.prod.volumes } : {}),
    ...(c.prod?.networks ? { networks: c.prod.networks } : {}),
    ...(c.prod?.labels ? { labels: c.prod.labels } : {}),
    ...(ports.length > 0 ? { ports } : {}),
    restart: c.oneShot ? 'no' : 'unless-stopped',
  };
}

/** Networks the prod file names that the stack does not create (a shared Traefik's). */
function externalNetworks(model: PortalModel): NonNullable<ComposeFile['networks']> {
  const names = model.containers.flatMap(c => (Array.isArray(c.prod?.networks) ? c.prod.networks : [])).filter(name => name !== 'edge' && name !== 'internal');
  return Object.fromEntries([...new Set(names)].map(name => [name, { external: true, name }]));
}

/** Only the edge publishes in prod: traefik when chosen, else the front (nginx, varnish or the backend); behind a shared Traefik, nothing. */
export function edgePorts(c: ContainerSpec, model: PortalModel): string[] {
  if (model.tls === 'shared-traefik') return [];
  if (model.tls === 'traefik') return c.name === 'traefik' ? ['0.0.0.0:80:8000', '0.0.0.0:443:8443'] : [];
  if (c.name !== model.front.name) return [];
  return model.tls === 'nginx' ? [`0.0.0.0:80:${c.port}`, '0.0.0.0:443:8443'] : [`0.0.0.0:80:${c.port}`];
}

function secretEnvOf(use: SecretUse, secretEnv: ReadonlyMap<string, string>): string {
  const env = secretEnv.get(use.secret);
  if (!env) throw new Error(`internal: secret ${use.secret} is used but not declared`);
  return env;
}

function mountString(mount: Mount): string {
  if ('file' in mount) return `${mount.file}:${mount.target}:ro`;
  return `${mount.storage}:${mount.target}${mount.readOnly ? ':ro' : ''}`;
}

/** Named volumes; with bind storage, the same names bound to folders under DATA_ROOT. */
export function volumesFor(model: PortalModel, containers: readonly ContainerSpec[]): ComposeFile['volumes'] {
  const used = new Set(containers.flatMap(c => (c.mounts ?? []).flatMap(m => ('storage' in m ? [m.storage] : []))));
  const items = model.storage.filter(item => used.has(item.name));
  return Object.fromEntries(
    items.map(item => [
      item.name,
      model.answers.storage === 'bind' ? { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: `\${DATA_ROOT}/${item.name}` } } : {},
    ]),
  );
}
