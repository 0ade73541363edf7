/**
 * Test helper: the Kubernetes target of a model as the planned files, and one deployment's objects put
 * together the way kustomize does (base + overlay, generated ConfigMaps and Secret with their keys, the
 * namespace), for the checks that run without kubectl. The validators test runs the real kustomize.
 */
import { parse, parseAllDocuments } from 'yaml';
import type { PlannedFile } from '../render/planned-file.js';
import { planFiles } from '../render/file-plan.js';
import { seededSecrets } from '../render/secret-source.js';
import type { PortalModel } from '../model/portal-model.js';
import type { RawAnswers } from '../answers/answers.js';
import { SCENARIOS } from './generate.js';
import { KUBE_ROOT } from '../render/kubernetes/kustomize.js';
import { composeWaits, type Loose } from '../render/kubernetes/cross-checks.js';

/** The answer matrix with the kubernetes target, and every service with an instance (a second overlay). */
const WITH_INSTANCE = { instances: [{ name: 'staging', domain: 'staging.example.org' }] };
export const KUBE_SCENARIOS: Record<string, RawAnswers> = {
  ...Object.fromEntries(Object.entries(SCENARIOS).map(([name, options]) => [name, { ...options, targets: ['kubernetes'] } as RawAnswers])),
  'every-service-instance': { ...SCENARIOS['every-service'], ...WITH_INSTANCE, services: `${SCENARIOS['every-service']!.services},pgbouncer,scheduler,flower,mongodb`, targets: ['kubernetes'] } as RawAnswers,
};

export const planOf = (model: PortalModel): PlannedFile[] => planFiles(model, seededSecrets('kube-test'));

/** Objects of one overlay folder (`overlays/prod`, `gateway/prod`), assembled from the planned files. */
export function assemble(files: readonly PlannedFile[], folder: string): Loose[] {
  const byPath = new Map(files.map(file => [file.path, file.content]));
  const build = (dir: string): Loose[] => {
    const kustomization = parse(byPath.get(`${dir}/kustomization.yaml`) ?? '') as Loose;
    if (!kustomization) throw new Error(`no kustomization in ${dir}`);
    const objects: Loose[] = (kustomization.resources ?? []).flatMap((resource: string) => {
      const path = normalise(`${dir}/${resource}`);
      return byPath.has(`${path}/kustomization.yaml`) ? build(path) : [parse(byPath.get(path)!) as Loose];
    });
    for (const generator of [...(kustomization.configMapGenerator ?? []).map((g: Loose) => ({ ...g, kind: 'ConfigMap' })), ...(kustomization.secretGenerator ?? []).map((g: Loose) => ({ ...g, kind: 'Secret' }))]) {
      const keys = [...(generator.files ?? []).map((entry: string) => entry.split('=')[0]), ...(generator.literals ?? []).map((entry: string) => entry.split('=')[0])];
      objects.push({ apiVersion: 'v1', kind: generator.kind, metadata: { name: generator.name }, data: Object.fromEntries(keys.map((key: string) => [key, ''])) });
    }
    for (const patch of kustomization.patches ?? []) {
      const target = parse(patch.patch) as Loose;
      if (target.$patch === 'delete') objects.splice(objects.findIndex(o => o.kind === target.kind && o.metadata?.name === target.metadata?.name), 1);
    }
    if (kustomization.namespace) for (const o of objects) if (o.kind !== 'Namespace') o.metadata = { ...o.metadata, namespace: kustomization.namespace };
    return objects;
  };
  return build(`${KUBE_ROOT}/${folder}`);
}

function normalise(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

/** A multi-document YAML stream (kubectl kustomize's output) as objects. */
export const objectsOf = (stream: string): Loose[] => parseAllDocuments(stream).map(doc => doc.toJS() as Loose).filter(Boolean);

/** compose's depends_on of the planned base and prod files (what the init containers stand for). */
export const composeWaitsOf = (files: readonly PlannedFile[]): Map<string, Record<string, string>> =>
  composeWaits(['docker-compose.yml', 'docker-compose.prod.yml'].map(path => parse(files.find(file => file.path === path)?.content ?? '{}') as Loose));

/** kubernetes-models' class for an object, by apiVersion and kind; undefined for kinds it does not know (HTTPRoute). */
export async function validateWithModels(object: Loose): Promise<'validated' | 'unknown kind'> {
  const [group, version] = String(object.apiVersion).includes('/') ? String(object.apiVersion).split('/') : ['', String(object.apiVersion)];
  const path = group ? `kubernetes-models/${group}/${version}/${object.kind}` : `kubernetes-models/${version}/${object.kind}`;
  let module: Loose;
  try {
    module = await import(path);
  } catch {
    return 'unknown kind';
  }
  const Model = module[object.kind as string] ?? module.default;
  new Model(object).validate();
  return 'validated';
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
    typeof value === 'string' ? (hashed.get(value) ?? value) : Array.isArray(value) ? value.map(rename) : value && typeof value === 'object' ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)])) : value;
  const keyed = (objects: readonly Loose[]) =>
    new Map(objects.filter(o => o.kind !== 'Namespace' && o.kind !== 'Secret').map(o => rename(o) as Loose).map(o => [`${o.kind}/${o.metadata.name}`, o] as const));
  return [keyed(kustomized), keyed(helm)];
}
