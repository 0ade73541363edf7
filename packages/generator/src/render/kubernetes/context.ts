/** What every Kubernetes mapping reads: the containers run in the cluster and the names shared between objects. */
import type { ContainerSpec } from '../../catalog/types.js';
import type { PortalModel } from '../../model/portal-model.js';

/** The ConfigMap of the deployment's non-secret settings (.env's variables), made by each overlay. */
export const ENV_CONFIG_MAP = 'portal-env';
/** The Secret holding every secret file of the deployment, made by each overlay from secrets/. */
export const SECRETS = 'portal-secrets';
/** Where secret files appear in a container, as in compose's prod file. */
export const SECRETS_PATH = '/run/secrets';
/** The ServiceAccount of pods whose init container waits for a Job. */
export const JOB_WAITER = 'job-waiter';
/** Size asked for each volume claim; an overlay patch changes it. */
export const DEFAULT_CLAIM_SIZE = '10Gi';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'Job' | 'CronJob';

export interface KubeContext {
  readonly model: PortalModel;
  /** The containers run in the cluster, in the model's order. */
  readonly containers: readonly ContainerSpec[];
  readonly kinds: ReadonlyMap<string, WorkloadKind>;
  /** Storage items each StatefulSet claims for itself (volumeClaimTemplates), by container. */
  readonly ownClaims: ReadonlyMap<string, readonly string[]>;
  /** Storage items mounted by several workloads: one PersistentVolumeClaim each. */
  readonly sharedClaims: readonly string[];
  /** Ports each Service answers on, by container. */
  readonly servicePorts: ReadonlyMap<string, readonly number[]>;
  /** Paths of the repo's planned files, to list a mounted folder's files in its ConfigMap. */
  readonly repoFiles: readonly string[];
}

export function kubeContext(model: PortalModel, repoFiles: readonly string[]): KubeContext {
  const containers = model.containers.filter(c => !c.devOnly && !c.notInKubernetes);
  const usersOf = new Map<string, string[]>();
  for (const c of containers) for (const m of c.mounts ?? []) if ('storage' in m) usersOf.set(m.storage, [...(usersOf.get(m.storage) ?? []), c.name]);
  const longRunning = (c: ContainerSpec) => !c.oneShot && !c.schedule;
  // a server whose data no other container mounts keeps it in claims of its own
  const ownClaims = new Map(
    containers
      .filter(longRunning)
      .map(c => [c.name, [...usersOf].filter(([, users]) => users.length === 1 && users[0] === c.name).map(([item]) => item)] as const),
  );
  const kinds = new Map<string, WorkloadKind>(
    containers.map(c => [c.name, c.schedule ? 'CronJob' : c.oneShot ? 'Job' : (ownClaims.get(c.name)?.length ?? 0) > 0 ? 'StatefulSet' : 'Deployment']),
  );
  const claimed = new Set([...ownClaims.entries()].filter(([name]) => kinds.get(name) === 'StatefulSet').flatMap(([, items]) => items));
  const sharedClaims = [...usersOf.keys()].filter(item => !claimed.has(item));
  const scraped = (name: string) => model.scrape.flatMap(target => (target.target.split(':')[0] === name ? [Number(target.target.split(':')[1])] : []));
  const servicePorts = new Map(
    containers.filter(c => c.port && longRunning(c)).map(c => [c.name, [...new Set([c.port!, ...(c.otherPorts ?? []), ...scraped(c.name)])]] as const),
  );
  return { model, containers, kinds, ownClaims, sharedClaims, servicePorts, repoFiles };
}
