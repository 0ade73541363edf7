/**
 * Checks on a built set of Kubernetes objects (one deployment, as `kubectl kustomize` prints it) that the
 * API server's schema does not make: names, selectors that find pods, references that resolve, probes on
 * ports the container opens, claims of StatefulSets. Each returns one sentence per fault.
 */

/** A parsed object: what kubectl prints, read loosely. */
export type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** Kinds whose names are DNS labels (they become host names or label values). */
const LABEL_NAMED = new Set(['Service', 'Namespace', 'StatefulSet']);

interface Pod {
  readonly owner: string;
  readonly labels: Record<string, string>;
  readonly spec: Loose;
  readonly claimTemplates: readonly string[];
}

/**
 * The pods a CloudNativePG Cluster makes, as its operator labels them (pkg/utils/labels_annotations.go) with
 * its `postgres` container's ports (pkg/specs/pods.go): the primary's, which Services select.
 */
function clusterPod(o: Loose): Pod {
  return {
    owner: `Cluster ${o.metadata?.name}`,
    labels: { ...o.spec?.inheritedMetadata?.labels, 'cnpg.io/cluster': o.metadata?.name, 'cnpg.io/instanceRole': 'primary', role: 'primary' },
    spec: {
      containers: [
        {
          name: 'postgres',
          ports: [
            { name: 'postgresql', containerPort: 5432 },
            { name: 'metrics', containerPort: 9187 },
            { name: 'status', containerPort: 8000 },
          ],
        },
      ],
    },
    claimTemplates: [],
  };
}

/** The pod templates of the workloads, with who owns them. */
export function podsOf(objects: readonly Loose[]): Pod[] {
  return objects.flatMap((o): Pod[] => {
    const owner = `${o.kind} ${o.metadata?.name}`;
    if (o.kind === 'Cluster' && String(o.apiVersion).startsWith('postgresql.cnpg.io/')) return [clusterPod(o)];
    const template =
      o.kind === 'CronJob'
        ? o.spec?.jobTemplate?.spec?.template
        : ['Deployment', 'StatefulSet', 'Job', 'DaemonSet'].includes(o.kind)
          ? o.spec?.template
          : undefined;
    if (!template) return [];
    return [
      {
        owner,
        labels: template.metadata?.labels ?? {},
        spec: template.spec ?? {},
        claimTemplates: (o.spec?.volumeClaimTemplates ?? []).map((c: Loose) => c.metadata?.name),
      },
    ];
  });
}

const matches = (selector: Record<string, string> | undefined, labels: Record<string, string>): boolean =>
  Object.entries(selector ?? {}).every(([key, value]) => labels[key] === value);

export function crossCheck(objects: readonly Loose[]): string[] {
  return [
    ...checkNames(objects),
    ...checkSelectors(objects),
    ...checkReferences(objects),
    ...checkProbes(objects),
    ...checkStatefulSets(objects),
    ...checkWaitTargets(objects),
  ];
}

function checkNames(objects: readonly Loose[]): string[] {
  const faults: string[] = [];
  for (const o of objects) {
    const name = String(o.metadata?.name ?? '');
    const rule = LABEL_NAMED.has(o.kind) ? DNS_LABEL : DNS_SUBDOMAIN;
    if (!rule.test(name)) faults.push(`${o.kind} "${name}": not a valid DNS-1123 ${LABEL_NAMED.has(o.kind) ? 'label' : 'subdomain'}`);
  }
  for (const pod of podsOf(objects)) {
    for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      if (!DNS_LABEL.test(c.name)) faults.push(`${pod.owner}: container name "${c.name}" is not a DNS-1123 label`);
      for (const port of c.ports ?? [])
        if (port.name && !/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port.name))
          faults.push(`${pod.owner}: port name "${port.name}" is not an IANA service name`);
    }
    for (const v of pod.spec.volumes ?? []) if (!DNS_LABEL.test(v.name)) faults.push(`${pod.owner}: volume name "${v.name}" is not a DNS-1123 label`);
  }
  return faults;
}

function checkSelectors(objects: readonly Loose[]): string[] {
  const pods = podsOf(objects);
  const faults: string[] = [];
  for (const o of objects) {
    const own = `${o.kind} ${o.metadata?.name}`;
    if (['Deployment', 'StatefulSet'].includes(o.kind) && !matches(o.spec?.selector?.matchLabels, o.spec?.template?.metadata?.labels ?? {})) {
      faults.push(`${own}: its selector does not match its own pod labels`);
    }
    const selector =
      o.kind === 'Service'
        ? o.spec?.selector
        : o.kind === 'PodDisruptionBudget'
          ? o.spec?.selector?.matchLabels
          : o.kind === 'NetworkPolicy'
            ? o.spec?.podSelector?.matchLabels
            : undefined;
    if (selector && Object.keys(selector).length > 0 && !pods.some(pod => matches(selector, pod.labels))) faults.push(`${own}: its selector matches no pod`);
  }
  return faults;
}

function checkReferences(objects: readonly Loose[]): string[] {
  const named = (kind: string) => new Map(objects.filter(o => o.kind === kind).map(o => [o.metadata?.name as string, o]));
  const configMaps = named('ConfigMap');
  const secrets = named('Secret');
  const claims = named('PersistentVolumeClaim');
  const services = named('Service');
  const accounts = named('ServiceAccount');
  const faults: string[] = [];
  const keysOf = (o: Loose | undefined) => new Set(Object.keys({ ...o?.data, ...o?.binaryData, ...o?.stringData }));
  for (const pod of podsOf(objects)) {
    const volumes = new Map<string, Loose>((pod.spec.volumes ?? []).map((v: Loose) => [v.name, v]));
    if (pod.spec.serviceAccountName && !accounts.has(pod.spec.serviceAccountName))
      faults.push(`${pod.owner}: ServiceAccount "${pod.spec.serviceAccountName}" does not exist`);
    for (const v of volumes.values()) {
      if (v.configMap) {
        const map = configMaps.get(v.configMap.name);
        if (!map) faults.push(`${pod.owner}: ConfigMap "${v.configMap.name}" does not exist`);
        else
          for (const item of v.configMap.items ?? [])
            if (!keysOf(map).has(item.key)) faults.push(`${pod.owner}: ConfigMap "${v.configMap.name}" has no key "${item.key}"`);
      }
      if (v.secret) {
        const secret = secrets.get(v.secret.secretName);
        if (!secret) faults.push(`${pod.owner}: Secret "${v.secret.secretName}" does not exist`);
        else
          for (const item of v.secret.items ?? [])
            if (!keysOf(secret).has(item.key)) faults.push(`${pod.owner}: Secret "${v.secret.secretName}" has no key "${item.key}"`);
      }
      if (v.persistentVolumeClaim && !claims.has(v.persistentVolumeClaim.claimName))
        faults.push(`${pod.owner}: PersistentVolumeClaim "${v.persistentVolumeClaim.claimName}" does not exist`);
    }
    for (const c of [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])]) {
      for (const from of c.envFrom ?? []) {
        if (from.configMapRef && !configMaps.has(from.configMapRef.name)) faults.push(`${pod.owner}: ConfigMap "${from.configMapRef.name}" does not exist`);
        if (from.secretRef && !secrets.has(from.secretRef.name)) faults.push(`${pod.owner}: Secret "${from.secretRef.name}" does not exist`);
      }
      const mounted = new Map<string, Loose>((c.volumeMounts ?? []).map((m: Loose) => [m.mountPath, m]));
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name) && !pod.claimTemplates.includes(m.name))
          faults.push(`${pod.owner}: container ${c.name} mounts "${m.name}", which is no volume or claim`);
      }
      // `$(VAR)` in a setting: the kubelet expands it from envFrom and the settings above, else passes it on as is
      const defined = new Set<string>(
        (c.envFrom ?? []).flatMap((from: Loose) => [...keysOf(from.configMapRef ? configMaps.get(from.configMapRef.name) : secrets.get(from.secretRef?.name))]),
      );
      for (const variable of c.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
        const source = variable.valueFrom?.secretKeyRef ? secrets : configMaps;
        if (ref && !keysOf(source.get(ref.name)).has(ref.key))
          faults.push(`${pod.owner}: container ${c.name} reads ${variable.name} from key "${ref.key}" of "${ref.name}", which does not hold it`);
        for (const [, name] of String(variable.value ?? '').matchAll(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
          if (name && !defined.has(name)) faults.push(`${pod.owner}: container ${c.name} sets ${variable.name} from $(${name}), which nothing defines`);
        }
        defined.add(variable.name);
      }
      // a *_FILE setting points into a mounted secret: the key must be among the volume's items
      for (const variable of c.env ?? []) {
        if (!/_FILE$/.test(variable.name) || typeof variable.value !== 'string') continue;
        const path = variable.value as string;
        const dir = path.slice(0, path.lastIndexOf('/'));
        const file = path.slice(path.lastIndexOf('/') + 1);
        const mount = mounted.get(dir);
        const volume = mount ? volumes.get(mount.name) : undefined;
        const items = volume?.secret?.items ?? volume?.configMap?.items;
        const has =
          volume &&
          (items
            ? items.some((item: Loose) => item.path === file)
            : keysOf(secrets.get(volume.secret?.secretName) ?? configMaps.get(volume.configMap?.name)).has(file));
        if (!has) faults.push(`${pod.owner}: container ${c.name} reads ${variable.name}=${path}, a file no mounted Secret holds`);
      }
    }
  }
  for (const o of objects) {
    if (o.kind === 'Ingress') {
      for (const rule of o.spec?.rules ?? [])
        for (const path of rule.http?.paths ?? [])
          faults.push(...servicePort(services, `Ingress ${o.metadata.name}`, path.backend?.service?.name, path.backend?.service?.port?.number));
    }
    if (o.kind === 'HTTPRoute') {
      for (const rule of o.spec?.rules ?? [])
        for (const ref of rule.backendRefs ?? []) faults.push(...servicePort(services, `HTTPRoute ${o.metadata.name}`, ref.name, ref.port));
    }
    if (o.kind === 'StatefulSet' && !services.has(o.spec?.serviceName))
      faults.push(`StatefulSet ${o.metadata.name}: its Service "${o.spec?.serviceName}" does not exist`);
    if (o.kind === 'Service') {
      const pods = podsOf(objects).filter(pod => matches(o.spec?.selector, pod.labels));
      const open = new Set(
        pods.flatMap(pod => (pod.spec.containers ?? []).flatMap((c: Loose) => (c.ports ?? []).flatMap((p: Loose) => [p.containerPort, p.name]))),
      );
      for (const port of o.spec?.ports ?? [])
        if (pods.length > 0 && !open.has(port.targetPort ?? port.port))
          faults.push(`Service ${o.metadata.name}: port ${port.port} goes to ${port.targetPort ?? port.port}, which its pods do not open`);
    }
  }
  return faults;
}

function servicePort(services: Map<string, Loose>, owner: string, name: string | undefined, port: number | undefined): string[] {
  const service = name ? services.get(name) : undefined;
  if (!service) return [`${owner}: Service "${name}" does not exist`];
  return (service.spec?.ports ?? []).some((p: Loose) => p.port === port) ? [] : [`${owner}: Service "${name}" has no port ${port}`];
}

/** HTTP and TCP probes ask a port the container opens. */
function checkProbes(objects: readonly Loose[]): string[] {
  const faults: string[] = [];
  for (const pod of podsOf(objects)) {
    for (const c of pod.spec.containers ?? []) {
      const open = new Set((c.ports ?? []).flatMap((p: Loose) => [p.containerPort, p.name]));
      for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
        const port = c[kind]?.httpGet?.port ?? c[kind]?.tcpSocket?.port;
        if (port !== undefined && !open.has(port)) faults.push(`${pod.owner}: the ${kind} of ${c.name} asks port ${port}, which the container does not open`);
      }
    }
  }
  return faults;
}

/** A StatefulSet keeps data: it claims volumes, and mounts each claim. */
function checkStatefulSets(objects: readonly Loose[]): string[] {
  return objects
    .filter(o => o.kind === 'StatefulSet')
    .flatMap(o => {
      const templates: string[] = (o.spec?.volumeClaimTemplates ?? []).map((t: Loose) => t.metadata?.name);
      if (templates.length === 0) return [`StatefulSet ${o.metadata.name}: no volumeClaimTemplates (a stateless server belongs in a Deployment)`];
      const mounts = new Set((o.spec?.template?.spec?.containers ?? []).flatMap((c: Loose) => (c.volumeMounts ?? []).map((m: Loose) => m.name)));
      return templates.filter(t => !mounts.has(t)).map(t => `StatefulSet ${o.metadata.name}: claim "${t}" is mounted by no container`);
    });
}

/** What init containers wait for exists: `nc -z <service> <port>` a Service port, `kubectl wait job/<name>` a Job. */
function checkWaitTargets(objects: readonly Loose[]): string[] {
  const services = new Map(objects.filter(o => o.kind === 'Service').map(o => [o.metadata?.name as string, o]));
  const jobs = new Set(objects.filter(o => o.kind === 'Job').map(o => o.metadata?.name));
  const faults: string[] = [];
  for (const pod of podsOf(objects)) {
    for (const init of pod.spec.initContainers ?? []) {
      const text = [...(init.command ?? []), ...(init.args ?? [])].join(' ');
      for (const [, host, port] of text.matchAll(/nc -z(?: -w \d+)? ([a-z0-9-]+) (\d+)/g))
        faults.push(...servicePort(services, `${pod.owner} (init ${init.name})`, host, Number(port)));
      for (const [, job] of text.matchAll(/job\/([a-z0-9-]+)/g))
        if (!jobs.has(job)) faults.push(`${pod.owner} (init ${init.name}): Job "${job}" does not exist`);
    }
  }
  return faults;
}

/**
 * Every dependency compose waits for (depends_on service_healthy or service_completed_successfully) is
 * waited for by an init container of the same workload, when that dependency runs in the cluster.
 */
export function checkWaits(dependsOn: ReadonlyMap<string, Readonly<Record<string, string>>>, objects: readonly Loose[]): string[] {
  const inCluster = new Set(objects.filter(o => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(o.kind)).map(o => o.metadata?.name));
  const faults: string[] = [];
  for (const pod of podsOf(objects)) {
    const name = pod.owner.split(' ')[1]!;
    const waits = new Set((pod.spec.initContainers ?? []).map((init: Loose) => init.name));
    for (const [dependency, condition] of Object.entries(dependsOn.get(name) ?? {})) {
      if (condition === 'service_started' || !inCluster.has(dependency)) continue;
      if (!waits.has(`wait-${dependency}`)) faults.push(`${pod.owner}: compose waits for ${dependency} (${condition}); no init container does`);
    }
  }
  return faults;
}

/** compose's depends_on of every service, files merged in order (base, then prod), as checkWaits reads it. */
export function composeWaits(composeFiles: readonly Loose[]): Map<string, Record<string, string>> {
  const waits = new Map<string, Record<string, string>>();
  for (const compose of composeFiles) {
    for (const [name, service] of Object.entries<Loose>(compose?.services ?? {})) {
      const depends = service?.depends_on ?? {};
      const entries = Array.isArray(depends)
        ? depends.map((d: string) => [d, 'service_started'])
        : Object.entries<Loose>(depends).map(([d, v]) => [d, v?.condition ?? 'service_started']);
      waits.set(name, { ...waits.get(name), ...Object.fromEntries(entries) });
    }
  }
  return waits;
}

/**
 * kustomize's and Helm's objects as both should agree on: kustomize's generated names lose their hash (a
 * name that is the chart's name plus a 10-character suffix), references too, and what only one side has goes
 * (the Namespace, which Helm leaves to --create-namespace, and the Secret, which the chart never holds).
 */
export function comparable(kustomized: readonly Loose[], helm: readonly Loose[]): [Map<string, Loose>, Map<string, Loose>] {
  const charted = new Set(helm.filter(o => o.kind === 'ConfigMap').map(o => String(o.metadata?.name)));
  const hashed = new Map<string, string>();
  for (const o of kustomized) {
    const name = String(o.metadata?.name ?? '');
    const base = name.slice(0, -11);
    if ((o.kind === 'ConfigMap' && charted.has(base)) || o.kind === 'Secret') if (/-[a-z0-9]{10}$/.test(name)) hashed.set(name, base);
  }
  const rename = (value: unknown): unknown =>
    typeof value === 'string'
      ? (hashed.get(value) ?? value)
      : Array.isArray(value)
        ? value.map(rename)
        : value && typeof value === 'object'
          ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]))
          : value;
  const keyed = (objects: readonly Loose[]) =>
    new Map(
      objects
        .filter(o => o.kind !== 'Namespace' && o.kind !== 'Secret')
        .map(o => rename(o) as Loose)
        .map(o => [`${o.kind}/${o.metadata.name}`, o] as const),
    );
  return [keyed(kustomized), keyed(helm)];
}

/** Where Helm's objects differ from kustomize's (both comparable()): one sentence per object. */
export function renderingDifferences(kustomized: readonly Loose[], helm: readonly Loose[]): string[] {
  const [fromKustomize, fromHelm] = comparable(kustomized, helm);
  const same = (a: unknown, b: unknown): boolean => JSON.stringify(sorted(a)) === JSON.stringify(sorted(b));
  return [
    ...[...fromKustomize.keys()].filter(key => !fromHelm.has(key)).map(key => `${key}: rendered by kustomize, not by Helm`),
    ...[...fromHelm.keys()].filter(key => !fromKustomize.has(key)).map(key => `${key}: rendered by Helm, not by kustomize`),
    ...[...fromKustomize]
      .filter(([key, object]) => fromHelm.has(key) && !same(object, fromHelm.get(key)))
      .map(([key]) => `${key}: Helm renders it differently from kustomize`),
  ];
}

const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sorted)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sorted(v)]),
        )
      : value;
