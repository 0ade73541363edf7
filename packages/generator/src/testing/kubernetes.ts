/**
 * Test helper: the Kubernetes target of a model as the planned files, and one deployment's objects put
 * together the way kustomize does (base + overlay, generated ConfigMaps and Secret with their keys, the
 * namespace), for the checks that run without kubectl. The validators test runs the real kustomize.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { PRIVATE_FOLDERS, type PlannedFile } from '../render/planned-file.js';
import { planFiles } from '../render/file-plan.js';
import { seededSecrets } from '../render/secret-source.js';
import type { PortalModel } from '../model/portal-model.js';
import type { RawAnswers } from '../answers/answers.js';
import { SCENARIOS } from './generate.js';
import { KUBE_ROOT } from '../render/kubernetes/kustomize.js';
import { composeWaits, type Loose } from '../render/kubernetes/cross-checks.js';
export { comparable } from '../render/kubernetes/cross-checks.js';

/** The answer matrix with the kubernetes target, and every service with an instance (a second overlay). */
const WITH_INSTANCE = { instances: [{ name: 'staging', domain: 'staging.example.org' }] };
export const KUBE_SCENARIOS: Record<string, RawAnswers> = {
  ...Object.fromEntries(Object.entries(SCENARIOS).map(([name, options]) => [name, { ...options, targets: ['kubernetes'] } as RawAnswers])),
  'every-service-instance': {
    ...SCENARIOS['every-service'],
    ...WITH_INSTANCE,
    services: `${SCENARIOS['every-service']!.services},pgbouncer,scheduler,flower,mongodb`,
    targets: ['kubernetes'],
  } as RawAnswers,
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
    for (const generator of [
      ...(kustomization.configMapGenerator ?? []).map((g: Loose) => ({ ...g, kind: 'ConfigMap' })),
      ...(kustomization.secretGenerator ?? []).map((g: Loose) => ({ ...g, kind: 'Secret' })),
    ]) {
      const keys = [
        ...(generator.files ?? []).map((entry: string) => entry.split('=')[0]),
        ...(generator.literals ?? []).map((entry: string) => entry.split('=')[0]),
      ];
      objects.push({
        apiVersion: 'v1',
        kind: generator.kind,
        metadata: { name: generator.name },
        data: Object.fromEntries(keys.map((key: string) => [key, ''])),
      });
    }
    for (const patch of kustomization.patches ?? []) {
      const target = parse(patch.patch) as Loose;
      if (target.$patch === 'delete')
        objects.splice(
          objects.findIndex(o => o.kind === target.kind && o.metadata?.name === target.metadata?.name),
          1,
        );
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
export const objectsOf = (stream: string): Loose[] =>
  parseAllDocuments(stream)
    .map(doc => doc.toJS() as Loose)
    .filter(Boolean);

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

/** The planned files written to a new temporary folder, the secret folders private as the writer leaves them. */
export function writeRepo(files: readonly PlannedFile[]): string {
  const repo = mkdtempSync(join(tmpdir(), 'portal-kube-'));
  for (const file of files) {
    mkdirSync(dirname(join(repo, file.path)), { recursive: true });
    writeFileSync(join(repo, file.path), file.content, { mode: file.mode ?? 0o644 });
  }
  for (const folder of PRIVATE_FOLDERS) if (existsSync(join(repo, folder))) chmodSync(join(repo, folder), 0o700);
  return repo;
}
