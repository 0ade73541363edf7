/**
 * The Helm chart `deploy/helm/<portal>/`: the same objects as the kustomize tree, each a template where what
 * varies per deployment is a value (domain, image tags, settings, replicas, the edge), checked by a strict
 * values.schema.json. Helm reads only files inside the chart, so the repo files mounted as ConfigMaps are
 * copied under `files/`. Secrets are never in the chart: the pods read the Secret `portal-secrets`, made
 * from secrets/ with `kubectl create secret generic` (README). ServiceMonitors are rendered when the
 * Prometheus Operator's CRDs exist, besides the bundled Prometheus.
 */
import { toYaml } from '../../shared/yaml-document.js';
import { managed, MANAGED, type PlannedFile } from '../planned-file.js';
import { ENV_CONFIG_MAP, type KubeContext } from './context.js';
import { fileConfigMaps } from './config-maps.js';
import { baseObjects, deploymentObjects, labelled, type Deployment, type KubeObject } from './objects.js';
import { deploymentFiles } from './pod.js';
import { variableTag } from './images.js';
import { objectFile, settingsOf } from './kustomize.js';
import { selectorOf } from './labels.js';
import type { ConfigMap } from 'kubernetes-types/core/v1.js';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';

/** monitoring.coreos.com/v1 ServiceMonitor, the fields we write (the Prometheus Operator's CRD). */
interface ServiceMonitor {
  readonly apiVersion: 'monitoring.coreos.com/v1';
  readonly kind: 'ServiceMonitor';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly selector: { readonly matchLabels: Readonly<Record<string, string>> };
    readonly endpoints: readonly { readonly port: string; readonly path: string }[];
  };
}

export const HELM_ROOT = 'deploy/helm';
/** Stands for the domain in rendered text; the templates replace it with `.Values.domain`. */
export const DOMAIN_MARK = 'portal-domain.invalid';
const SETTING_MARK = (name: string) => `__setting_${name}__`;
const REPLICAS_MARK = (name: string) => `__replicas_${name}__`;
const FILE_MARK = (file: string) => `__file_${file}__`;
const SERVICE_MONITOR_API = 'monitoring.coreos.com/v1/ServiceMonitor';

/** The chart's files; `repoFiles` gives the content of each file a ConfigMap holds. */
export function helmFiles(
  ctx: KubeContext,
  deployments: readonly Deployment[],
  repoFiles: ReadonlyMap<string, string>,
  deploymentFile: (source: string, d: Deployment) => string,
): PlannedFile[] {
  const portal = ctx.model.answers.name;
  const chart = `${HELM_ROOT}/${portal}`;
  const prod = deployments[0]!;
  const marked: Deployment = { ...prod, domain: DOMAIN_MARK, model: { ...prod.model, answers: { ...prod.model.answers, domain: DOMAIN_MARK } } };
  const tags = imageTags(ctx);
  const replicated = ctx.containers.filter(c => ctx.kinds.get(c.name) === 'Deployment' && !c.singleton).map(c => c.name);
  const { ingress, httpRoute } = deploymentObjects(marked);
  const configs = fileConfigMaps(ctx);
  const own = deploymentFiles(ctx);
  const objects: KubeObject[] = [
    ...baseObjects(ctx).map(object => withReplicaMarks(object, replicated)),
    labelled<ConfigMap>(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: ENV_CONFIG_MAP },
        data: Object.fromEntries(settingsOf(ctx.model, marked).map(([name]) => [name, name === 'DOMAIN' ? DOMAIN_MARK : SETTING_MARK(name)])),
      },
      portal,
    ),
    ...configs.map(config =>
      labelled<ConfigMap>(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: config.name },
          data: Object.fromEntries(config.items.map(item => [item.key, FILE_MARK(item.file)])),
        },
        portal,
      ),
    ),
    ...own.map(({ config }) =>
      labelled<ConfigMap>(
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: config.name },
          data: Object.fromEntries(config.items.map(item => [item.key, FILE_MARK(`deployment/${item.key}`)])),
        },
        portal,
      ),
    ),
  ];
  const template = (object: KubeObject) => templated(toYaml(namespaced(object), `${object.kind} ${object.metadata!.name}.\n${MANAGED}`), tags);
  const copies = [
    ...configs.flatMap(config => config.items.map(item => managed(`${chart}/files/${item.file}`, repoFiles.get(item.file) ?? ''))),
    ...own.flatMap(({ config }) => config.items.map(item => managed(`${chart}/files/deployment/${item.key}`, deploymentFile(item.file, marked)))),
  ];
  return [
    managed(`${chart}/Chart.yaml`, toYaml(chartYaml(ctx), `The ${portal} portal as a Helm chart, rendering the objects of deploy/kubernetes.\n${MANAGED}`)),
    managed(
      `${chart}/values.yaml`,
      toYaml(
        valuesOf(ctx, prod, tags, replicated),
        `Values of the prod deployment (${prod.domain}); values-<deployment>.yaml for each deployment.\n${MANAGED}`,
      ),
    ),
    ...deployments.map(d =>
      managed(
        `${chart}/values-${d.name}.yaml`,
        toYaml(
          valuesOf(ctx, d, tags, replicated),
          `helm template ${portal} ${chart} \\\n  --namespace ${d.namespace} \\\n  -f ${chart}/values-${d.name}.yaml\n${MANAGED}`,
        ),
      ),
    ),
    managed(`${chart}/values.schema.json`, `${JSON.stringify(valuesSchema(ctx, tags, replicated), null, 2)}\n`),
    managed(`${chart}/.helmignore`, '# Managed by generator-portal.\n*.orig\n*.rej\n'),
    ...objects.map(object => managed(`${chart}/templates/${objectFile(object)}`, template(object))),
    managed(`${chart}/templates/${objectFile(ingress)}`, `{{- if eq .Values.edge "ingress" }}\n${template(ingress)}{{- end }}\n`),
    managed(`${chart}/templates/${objectFile(httpRoute)}`, `{{- if eq .Values.edge "gateway" }}\n${template(httpRoute)}{{- end }}\n`),
    managed(`${chart}/templates/servicemonitors.yaml`, serviceMonitors(ctx)),
    ...copies,
  ];
}

function chartYaml(ctx: KubeContext): object {
  return {
    apiVersion: 'v2',
    name: ctx.model.answers.name,
    description: `${ctx.model.answers.name} portal, rendered by generator-portal`,
    type: 'application',
    version: '0.1.0',
    appVersion: ctx.model.env.find(v => v.name === 'APP_VERSION')?.value ?? '0.1.0',
  };
}

/** Images whose tag is a value, by image name. */
function imageTags(ctx: KubeContext): Map<string, string> {
  const tags = new Map<string, string>();
  for (const c of ctx.containers) {
    const tag = variableTag(c.image);
    if (tag) tags.set(tag.name, ctx.model.env.find(v => v.name === tag.variable)?.value ?? '');
  }
  return tags;
}

function valuesOf(ctx: KubeContext, d: Deployment, tags: ReadonlyMap<string, string>, replicated: readonly string[]): object {
  return {
    domain: d.domain,
    edge: 'ingress',
    imageTags: Object.fromEntries(tags),
    replicas: Object.fromEntries(replicated.map(name => [name, 1])),
    settings: Object.fromEntries(settingsOf(ctx.model, d).filter(([name]) => name !== 'DOMAIN')),
  };
}

/** Every key known, none more: a misspelt value is refused instead of ignored. */
function valuesSchema(ctx: KubeContext, tags: ReadonlyMap<string, string>, replicated: readonly string[]): object {
  const closed = (properties: Record<string, object>) => ({ type: 'object', additionalProperties: false, required: Object.keys(properties), properties });
  return {
    $schema: 'https://json-schema.org/draft-07/schema#',
    title: `Values of the ${ctx.model.answers.name} chart`,
    ...closed({
      domain: {
        type: 'string',
        maxLength: 253,
        pattern: '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$',
        description: 'Public domain; routed sub-domains are <label>.<domain>',
      },
      edge: { enum: ['ingress', 'gateway'], description: 'An Ingress, or a Gateway API HTTPRoute to the Gateway portal-gateway in namespace gateway' },
      imageTags: closed(Object.fromEntries([...tags.keys()].map(name => [name, { type: 'string', pattern: '^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$' }]))),
      replicas: closed(Object.fromEntries(replicated.map(name => [name, { type: 'integer', minimum: 0, maximum: 50 }]))),
      settings: closed(
        Object.fromEntries(
          settingsOf(ctx.model, { domain: '' } as Deployment)
            .filter(([name]) => name !== 'DOMAIN')
            .map(([name]) => [name, { type: 'string', maxLength: 1000 }]),
        ),
      ),
    }),
  };
}

function withReplicaMarks<T extends KubeObject>(object: T, replicated: readonly string[]): T {
  if (object.kind !== 'Deployment' || !replicated.includes(object.metadata!.name!)) return object;
  const deployment = object as T & { spec: object };
  return { ...deployment, spec: { ...deployment.spec, replicas: REPLICAS_MARK(object.metadata!.name!) } };
}

const CLUSTER_WIDE = new Set(['Namespace']);
/** Objects in the release's namespace, as kustomize's `namespace:` puts them (a RoleBinding's ServiceAccount too). */
function namespaced(object: KubeObject): KubeObject {
  if (CLUSTER_WIDE.has(object.kind!)) return object;
  const subjects =
    object.kind === 'RoleBinding'
      ? { subjects: object.subjects?.map(subject => (subject.kind === 'ServiceAccount' ? { ...subject, namespace: '__namespace__' } : subject)) }
      : {};
  return { ...object, ...subjects, metadata: { ...object.metadata, namespace: '__namespace__' } } as KubeObject;
}

/** The marks in serialized YAML become template expressions (the template is text until Helm renders it). */
function templated(yaml: string, tags: ReadonlyMap<string, string>): string {
  let text = yaml
    .replace(/__namespace__/g, '{{ .Release.Namespace }}')
    .replace(/__replicas_([a-z0-9-]+)__/g, (_, name: string) => `{{ index .Values.replicas "${name}" }}`)
    .replace(/__setting_([A-Za-z0-9_]+)__/g, (_, name: string) => `{{ index .Values.settings "${name}" | quote }}`)
    // the domain first: the file marks below name it in their replace
    .replace(new RegExp(DOMAIN_MARK.replace(/\./g, '\\.'), 'g'), '{{ .Values.domain }}')
    .replace(
      /__file_([^\s"]+?)__/g,
      (_, file: string) => `{{ .Files.Get "files/${file}"${file.startsWith('deployment/') ? ` | replace "${DOMAIN_MARK}" .Values.domain` : ''} | quote }}`,
    );
  for (const name of tags.keys())
    text = text.replace(new RegExp(`(image: )${name.replace(/[.]/g, '\\.')}$`, 'gm'), `$1${name}:{{ index .Values.imageTags "${name}" }}`);
  return text;
}

/** Labels the Prometheus Operator gives the pods of its Prometheus (prometheus-operator pkg/prometheus/statefulset.go). */
const OPERATOR_PROMETHEUS = { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator' };

/**
 * A ServiceMonitor per scrape target in the cluster, with the NetworkPolicy letting the operator's
 * Prometheus reach it, only where the Prometheus Operator's CRDs exist.
 */
function serviceMonitors(ctx: KubeContext): string {
  const monitors = ctx.model.scrape.flatMap(target => {
    const [host, port] = target.target.split(':') as [string, string];
    const container = ctx.containers.find(c => c.name === host);
    if (!container || !ctx.servicePorts.get(host)?.includes(Number(port))) return [];
    const name = target.job.replace(/[^a-z0-9-]/g, '-');
    const monitor = labelled<ServiceMonitor>(
      {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { name },
        spec: { selector: { matchLabels: selectorOf(container) }, endpoints: [{ port: `tcp-${port}`, path: target.metricsPath ?? '/metrics' }] },
      },
      ctx.model.answers.name,
    );
    // the operator's Prometheus runs in its own namespace: default-deny would drop its scrapes
    const scrapes = labelled<NetworkPolicy>(
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: `scrape-${name}` },
        spec: {
          podSelector: { matchLabels: selectorOf(container) },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: OPERATOR_PROMETHEUS } }], ports: [{ protocol: 'TCP', port: Number(port) }] }],
        },
      },
      ctx.model.answers.name,
    );
    return [monitor, scrapes];
  });
  const body = monitors
    .map(monitor => `---\n${templated(toYaml({ ...monitor, metadata: { ...monitor.metadata, namespace: '__namespace__' } }), new Map())}`)
    .join('');
  return `{{- /* ${MANAGED} */}}\n{{- if .Capabilities.APIVersions.Has "${SERVICE_MONITOR_API}" }}\n${body}{{- end }}\n`;
}
