/** One ContainerSpec -> one Swarm service: the base and prod keys of compose, in the keys Swarm reads. */
import { EXCEPTION_LABEL, type ContainerSpec } from '../../catalog/types.js';
import type { PortalModel } from '../../model/portal-model.js';
import { edgePorts, HEALTH_DEFAULTS, LOGGING } from '../compose.js';
import { configReference, deployedMounts, swarmMounts, type RepoConfig } from './mounts.js';
import type { Deploy, StackService } from './stack-types.js';
import { waitingStart, WAIT_SCRIPT } from './waits.js';

/** What one deployment (prod or an instance) gives every service. */
export interface Deployment {
  readonly model: PortalModel;
  /** Stack name and prefix of its secrets, configs and node labels. */
  readonly project: string;
  /** Volumes the instance mounts in place of prod's, by container. */
  readonly instanceVolumes: Readonly<Record<string, readonly string[]>>;
  /** Every file the plan writes, repo-relative, and whether it is executable. */
  readonly repoFiles: ReadonlyMap<string, boolean>;
  /** From the stack file's folder to the repo root. */
  readonly root: string;
}

export const WAIT_CONFIG = 'wait-for.sh';

export interface RenderedService {
  readonly service: StackService;
  readonly configs: RepoConfig[];
  readonly secrets: string[];
  readonly storage: string[];
}

export function swarmService(c: ContainerSpec, deployment: Deployment): RenderedService {
  const { model } = deployment;
  const uses = c.secrets ?? [];
  const secrets = [...new Set(uses.map(use => use.secret))];
  const mounts = swarmMounts(deployedMounts(c, deployment.instanceVolumes[c.name]), c.tmpfs ?? [], deployment.repoFiles, deployment.root);
  const start = waitingStart(c, model.containers);
  const environment = { ...c.environment, ...Object.fromEntries(uses.map(use => [use.fileEnv ?? `${use.env}_FILE`, `/run/secrets/${use.secret}`])) };
  const ports = edgePorts(c, model).map(publish => {
    const [, published, target] = publish.split(':');
    return { target: Number(target), published: Number(published), protocol: 'tcp' as const, mode: 'host' as const };
  });
  // a shared Traefik's routers: on the containers for a Docker provider (OMP-IRD/traefik-proxy), on the service (deploy.labels) for a Swarm one
  const labels = [...(c.exceptions ?? []).map(e => `${EXCEPTION_LABEL}${e.rule}=${e.reason.replace(/\$/g, '$$$$')}`), ...(c.prod?.labels ?? [])];
  const configs = [...mounts.configs.map(configReference), ...(start ? [{ source: WAIT_CONFIG, target: WAIT_SCRIPT }] : [])];
  const service: StackService = {
    image: c.image,
    ...(c.hostname ? { hostname: c.hostname } : {}),
    ...(c.user ? { user: c.user } : {}),
    ...(start ? start : { ...(c.entrypoint ? { entrypoint: [...c.entrypoint] } : {}), ...(c.command ? { command: [...c.command] } : {}) }),
    ...(Object.keys(environment).length > 0 ? { environment } : {}),
    ...(mounts.volumes.length > 0 ? { volumes: mounts.volumes } : {}),
    ...(configs.length > 0 ? { configs } : {}),
    ...(secrets.length > 0 ? { secrets } : {}),
    ...(c.writableRoot ? {} : { read_only: true as const }),
    ...healthcheck(c),
    networks: networks(c),
    ...(labels.length > 0 ? { labels } : {}),
    cap_drop: ['ALL'],
    ...(c.capAdd?.length ? { cap_add: [...c.capAdd] } : {}),
    logging: LOGGING,
    ...(ports.length > 0 ? { ports } : {}),
    deploy: deploy(c, deployment.project, mounts.storage, ports.length > 0),
  };
  return { service, configs: mounts.configs, secrets, storage: mounts.storage };
}

function healthcheck(c: ContainerSpec): Pick<StackService, 'healthcheck'> {
  // a job runs an app image whose HEALTHCHECK probes a server the job never starts
  if (c.oneShot) return { healthcheck: { disable: true } };
  if (!c.healthcheck) return {};
  const health = { ...HEALTH_DEFAULTS, ...c.healthcheck };
  return {
    healthcheck: { test: [...health.test], interval: health.interval, timeout: health.timeout, retries: health.retries, start_period: health.startPeriod },
  };
}

/** The base networks and those prod adds (a shared Traefik's), with the internal aliases. */
function networks(c: ContainerSpec): StackService['networks'] {
  const names = [...new Set([...c.networks, ...(Array.isArray(c.prod?.networks) ? c.prod.networks : [])])];
  return c.aliases?.length ? Object.fromEntries(names.map(n => [n, n === 'internal' ? { aliases: [...c.aliases!] } : null])) : names;
}

/** The node label a storage item's services are placed by: local volumes live on one node. */
export const storageLabel = (project: string, item: string): string => `${project}.${item}`;

function deploy(c: ContainerSpec, project: string, storage: readonly string[], publishes: boolean): Deploy {
  const stateful = storage.length > 0;
  const limits = { cpus: c.limits.cpus, memory: c.limits.memory, pids: c.limits.pids };
  return {
    // a service kept as an alternative (a compose profile) is declared but not started: `docker service scale`
    ...(c.oneShot ? { mode: 'replicated-job' as const } : { mode: 'replicated' as const, replicas: c.profiles?.length ? 0 : 1 }),
    ...(c.prod?.labels ? { labels: [...c.prod.labels] } : {}),
    // a stateful service is only placed where a quarter of its memory limit is free
    resources: { limits, ...(stateful ? { reservations: { memory: quarter(c.limits.memory) } } : {}) },
    restart_policy: c.oneShot ? { condition: 'on-failure', delay: '5s', max_attempts: 3 } : { condition: 'any', delay: '5s' },
    ...(stateful ? { placement: { constraints: [...new Set(storage)].map(item => `node.labels.${storageLabel(project, item)}==true`) } } : {}),
    // two servers on one data folder, or two edges on one host port, must never overlap
    ...(c.oneShot
      ? {}
      : { update_config: { parallelism: 1, order: stateful || publishes ? 'stop-first' : 'start-first', failure_action: 'rollback', monitor: '30s' } }),
  };
}

function quarter(memory: string): string {
  const match = /^(\d+)([mg])$/i.exec(memory);
  if (!match) throw new Error(`internal: memory limit ${memory} is not <number>m or <number>g`);
  const mebibytes = Number(match[1]) * (match[2]!.toLowerCase() === 'g' ? 1024 : 1);
  return `${Math.max(1, Math.floor(mebibytes / 4))}m`;
}
