/**
 * One ContainerSpec as a pod template: the container with its settings, secret files, mounts, probes,
 * limits and hardening, and an init container per service it waits for (compose's depends_on).
 */
import type { Container, EnvVar, PodSpec, PodTemplateSpec, SecurityContext, Volume, VolumeMount } from 'kubernetes-types/core/v1.js';
import type { ContainerSpec, Mount, SecretSpec } from '../../catalog/types.js';
import { API_LABEL, podLabels } from './labels.js';
import { ENV_CONFIG_MAP, JOB_WAITER, SECRETS, SECRETS_PATH, type KubeContext } from './context.js';
import { probesOf } from './probes.js';
import { posix } from 'node:path';
import { configMapOf, type FileConfigMap } from './config-maps.js';
import { cpu, dnsLabel, fromCompose, memory, tmpfsParts } from './values.js';
import { imageOf } from './images.js';

/** Small images the init containers wait with, pinned. */
export const WAIT_IMAGE = 'busybox:1.37.0';
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.33.0';
/** busybox's and kubectl's unprivileged user. */
const WAITER_USER = 65532;

export interface PodOptions {
  /** Scheduled or one-shot runs are not probed, and restart on failure only. */
  readonly run?: 'once';
  /** Its pod claims these storage items itself (a StatefulSet's volumeClaimTemplates). */
  readonly ownClaims?: readonly string[];
  /** Extra variables (a schedule's). */
  readonly environment?: Readonly<Record<string, string>>;
  readonly command?: readonly string[];
}

export function podTemplate(c: ContainerSpec, ctx: KubeContext, options: PodOptions = {}): PodTemplateSpec {
  const waits = initContainers(c, ctx);
  const waitsForJob = waits.some(init => init.image === KUBECTL_IMAGE);
  const { mounts, volumes } = volumesOf(c, ctx, options.ownClaims ?? []);
  const ids = userIds(c.user);
  const spec: PodSpec = {
    serviceAccountName: waitsForJob ? JOB_WAITER : undefined,
    automountServiceAccountToken: waitsForJob ? undefined : false,
    restartPolicy: options.run ? 'OnFailure' : undefined,
    hostname: c.hostname,
    securityContext: {
      seccompProfile: { type: 'RuntimeDefault' },
      runAsUser: ids?.uid,
      runAsGroup: ids?.gid,
      runAsNonRoot: ids ? ids.uid !== 0 : undefined,
      fsGroup: ids?.gid ?? storageGroup(c, ctx),
    },
    initContainers: waits.length > 0 ? waits : undefined,
    containers: [mainContainer(c, mounts, options, ctx.servicePorts.get(c.name) ?? (c.port ? [c.port] : []), ctx.model.secrets)],
    volumes: volumes.length > 0 ? volumes : undefined,
  };
  return { metadata: { labels: podLabels(c, ctx.model.answers.name, waitsForJob ? { [API_LABEL]: 'true' } : {}) }, spec };
}

function mainContainer(
  c: ContainerSpec,
  volumeMounts: VolumeMount[],
  options: PodOptions,
  ports: readonly number[],
  secrets: readonly SecretSpec[],
): Container {
  const command = options.command ?? c.command;
  return {
    name: c.name,
    image: imageOf(c.image),
    command: c.entrypoint?.map(fromCompose),
    args: command?.map(fromCompose),
    envFrom: [{ configMapRef: { name: ENV_CONFIG_MAP } }],
    ...envOf(c, secrets, options.environment),
    ports: ports.length > 0 ? ports.map(port => ({ name: `tcp-${port}`, containerPort: port })) : undefined,
    ...(options.run ? {} : probesOf(c)),
    resources: {
      limits: { memory: memory(c.limits.memory), cpu: cpu(c.limits.cpus) },
      requests: { memory: memory(c.limits.memory), cpu: cpu(c.limits.cpus) },
    },
    securityContext: containerSecurity(c),
    volumeMounts: volumeMounts.length > 0 ? volumeMounts : undefined,
  };
}

/**
 * Settings (compose's `${VAR}` read from the ConfigMap), then each secret as a `*_FILE` path, as in prod.
 * A setting made of a secret's `.env` variable (an app that reads its secret from a variable) takes it from
 * the Secret: the ConfigMap holds no secret, and the kubelet leaves a `$(VAR)` it cannot resolve as is.
 */
function envOf(c: ContainerSpec, secrets: readonly SecretSpec[], extra: Readonly<Record<string, string>> = {}): Pick<Container, 'env'> {
  const secretOf = new Map(secrets.map(secret => [secret.env, secret]));
  const fromSecret = (secret: SecretSpec) => ({ valueFrom: { secretKeyRef: { name: SECRETS, key: secret.name } } });
  const referenced = new Set<SecretSpec>();
  const settings = Object.entries({ ...c.environment, ...extra }).map(([name, value]): EnvVar => {
    const whole = secretOf.get(/^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$/.exec(value)?.[1] ?? '');
    if (whole) return { name, ...fromSecret(whole) };
    for (const [, variable] of value.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)) if (secretOf.has(variable!)) referenced.add(secretOf.get(variable!)!);
    return { name, value: fromCompose(value) };
  });
  // a secret inside a longer value: defined first, so that the kubelet expands `$(VAR)` from it
  const helpers: EnvVar[] = [...referenced].map(secret => ({ name: secret.env, ...fromSecret(secret) }));
  const files = (c.secrets ?? []).map(use => ({ name: use.fileEnv ?? `${use.env}_FILE`, value: `${SECRETS_PATH}/${use.secret}` }));
  // a setting that is itself the helper (same name, same key) is defined once, first
  const same = (setting: EnvVar) =>
    helpers.some(helper => helper.name === setting.name && helper.valueFrom?.secretKeyRef?.key === setting.valueFrom?.secretKeyRef?.key);
  const env = [...helpers, ...settings.filter(setting => !same(setting) && !files.some(file => file.name === setting.name)), ...files];
  return env.length > 0 ? { env } : {};
}

/** Read-only root, every capability dropped (those the spec adds back excepted), no privilege escalation. */
function containerSecurity(c: ContainerSpec): SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: !c.writableRoot,
    capabilities: { drop: ['ALL'], add: c.capAdd?.length ? [...c.capAdd] : undefined },
  };
}

/**
 * The group that may write a storage item the container writes when its user is the image's, by name (our
 * backend's `USER app`): a fresh claim is root's, where compose's new named volume copied the image's
 * folder with its owner. An image started as root that chowns its data itself (CHOWN added) needs none.
 */
function storageGroup(c: ContainerSpec, ctx: KubeContext): number | undefined {
  if (c.capAdd?.includes('CHOWN')) return undefined;
  for (const m of c.mounts ?? []) {
    if (!('storage' in m) || m.readOnly) continue;
    const owner = userIds(ctx.model.storage.find(item => item.name === m.storage)?.owner);
    if (owner && owner.uid !== 0) return owner.gid;
  }
  return undefined;
}

/** `uid[:gid]` when numeric; an image's own user by name is left to the image. */
function userIds(user: string | undefined): { uid: number; gid: number } | undefined {
  const match = user ? /^(\d+)(?::(\d+))?$/.exec(user) : null;
  return match ? { uid: Number(match[1]), gid: Number(match[2] ?? match[1]) } : undefined;
}

/**
 * depends_on as init containers: `service_healthy` waits until the Service answers on its port (a Service
 * routes only to ready pods, so this is the readiness of the dependency); `service_completed_successfully`
 * waits for the Job to complete. `service_started` needs no wait: nothing else starts in order in a cluster.
 */
function initContainers(c: ContainerSpec, ctx: KubeContext): Container[] {
  const security: SecurityContext = {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    runAsUser: WAITER_USER,
    runAsGroup: WAITER_USER,
    capabilities: { drop: ['ALL'] },
  };
  const resources = { limits: { memory: '32Mi', cpu: '100m' }, requests: { memory: '32Mi', cpu: '100m' } };
  return Object.entries(c.dependsOn ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, condition]): Container[] => {
      const kind = ctx.kinds.get(name);
      if (condition === 'service_completed_successfully' && kind === 'Job') {
        return [
          {
            name: `wait-${name}`,
            image: KUBECTL_IMAGE,
            command: ['kubectl', 'wait', '--for=condition=complete', `job/${name}`, '--timeout=30m'],
            resources: { limits: { memory: '64Mi', cpu: '100m' }, requests: { memory: '64Mi', cpu: '100m' } },
            securityContext: security,
          },
        ];
      }
      const port = ctx.servicePorts.get(name)?.[0];
      if (condition !== 'service_healthy' || !port) return [];
      return [
        {
          name: `wait-${name}`,
          image: WAIT_IMAGE,
          command: ['sh', '-c', `until nc -z -w 2 ${name} ${port}; do echo "waiting for ${name}:${port}"; sleep 2; done`],
          resources,
          securityContext: security,
        },
      ];
    });
}

/** Storage as claims, repo files as ConfigMaps, tmpfs as in-memory emptyDirs, secret files from the Secret. */
function volumesOf(c: ContainerSpec, ctx: KubeContext, ownClaims: readonly string[]): { mounts: VolumeMount[]; volumes: Volume[] } {
  const mounts: VolumeMount[] = [];
  const volumes: Volume[] = [];
  for (const mount of c.mounts ?? []) {
    if ('storage' in mount) {
      mounts.push({ name: mount.storage, mountPath: mount.target, subPath: mount.claimFolder, readOnly: mount.readOnly || undefined });
      if (!ownClaims.includes(mount.storage))
        volumes.push({ name: mount.storage, persistentVolumeClaim: { claimName: mount.storage, readOnly: mount.readOnly || undefined } });
      continue;
    }
    const config = configMapOf(c, mount, ctx);
    if (!config) continue;
    fileMount(config, mount, mounts, volumes);
  }
  for (const config of perDeploymentFiles(c, ctx)) fileMount(config, config, mounts, volumes);
  (c.tmpfs ?? []).forEach((entry, i) => {
    const { path, size } = tmpfsParts(entry);
    const name = `tmp-${i}`;
    mounts.push({ name, mountPath: path });
    volumes.push({ name, emptyDir: { medium: 'Memory', sizeLimit: size } });
  });
  const secrets = [...new Set((c.secrets ?? []).map(use => use.secret))];
  if (secrets.length > 0) {
    mounts.push({ name: 'secrets', mountPath: SECRETS_PATH, readOnly: true });
    volumes.push({ name: 'secrets', secret: { secretName: SECRETS, defaultMode: 0o444, items: secrets.map(key => ({ key, path: key })) } });
  }
  return { mounts, volumes };
}

function fileMount(config: FileConfigMap, mount: Pick<Extract<Mount, { file: string }>, 'target'>, mounts: VolumeMount[], volumes: Volume[]): void {
  const name = dnsLabel(`cfg-${config.name}`);
  if (config.single) mounts.push({ name, mountPath: mount.target, subPath: config.items[0]!.path, readOnly: true });
  else mounts.push({ name, mountPath: mount.target, readOnly: true });
  volumes.push({ name, configMap: { name: config.name, items: config.items.map(item => ({ key: item.key, path: item.path })) } });
}

/** Files of the prod override that differ per deployment (nginx's site): a ConfigMap each overlay makes. */
function perDeploymentFiles(c: ContainerSpec, ctx: KubeContext): FileConfigMap[] {
  return (c.prod?.volumes ?? []).flatMap(volume => {
    if (typeof volume !== 'string' || !volume.startsWith('./')) return [];
    const [source, target] = volume.split(':') as [string, string];
    const config = configMapOf(c, { file: source, target }, ctx);
    const key = posix.basename(target);
    return config?.single ? [{ ...config, name: deploymentConfigMapName(c), items: [{ key, path: key, file: config.source }], perDeployment: true }] : [];
  });
}

/** The ConfigMap of a container's per-deployment file (nginx's site for the deployment's domain). */
export const deploymentConfigMapName = (c: Pick<ContainerSpec, 'name'>): string => dnsLabel(`${c.name}-deployment`);

/** The per-deployment files of every container: the overlays make their ConfigMaps. */
export const deploymentFiles = (ctx: KubeContext): { container: ContainerSpec; config: FileConfigMap }[] =>
  ctx.containers.flatMap(container => perDeploymentFiles(container, ctx).map(config => ({ container, config })));
