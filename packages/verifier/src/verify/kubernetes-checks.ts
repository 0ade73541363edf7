/**
 * The Kubernetes target of a generated repo: `kubectl kustomize` builds every overlay (and its Gateway API
 * variant), then the cross-checks of render/kubernetes/cross-checks.ts run on what kustomize printed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { checkWaits, composeWaits, crossCheck, renderingDifferences, type Loose } from 'generator-portal/render/kubernetes/cross-checks.js';
import { KUBE_ROOT } from 'generator-portal/render/kubernetes/kustomize.js';
import { failed, passed, skipped, type Check, type CheckResult } from '../checks/check.js';
import { firstLines } from '../checks/run-tool.js';
import { runnerFor } from './runner.js';
import { missing } from '../checks/tools.js';

/** A YAML stream (kubectl's or helm's output) as objects. */
const objectsOf = (stream: string): Loose[] =>
  parseAllDocuments(stream)
    .map(doc => doc.toJS() as Loose)
    .filter(Boolean);

/** The folders kustomize builds: each overlay, its Gateway variant and its CloudNativePG variant. */
export function kustomizeFolders(repo: string): string[] {
  const under = (folder: string) =>
    existsSync(join(repo, folder))
      ? readdirSync(join(repo, folder))
          .sort()
          .map(name => `${folder}/${name}`)
      : [];
  return [...under(`${KUBE_ROOT}/overlays`), ...under(`${KUBE_ROOT}/gateway`), ...under(`${KUBE_ROOT}/cloudnative-pg`)].filter(folder =>
    existsSync(join(repo, folder, 'kustomization.yaml')),
  );
}

export const kubernetesCheck: Check = {
  name: 'kubectl kustomize',
  applies: repo => kustomizeFolders(repo).length > 0,
  async run(repo) {
    const kubectl = runnerFor('kubectl');
    if (!kubectl) return skipped(this.name, missing('kubectl'));
    const compose = ['docker-compose.yml', 'docker-compose.prod.yml'].map(file =>
      existsSync(join(repo, file)) ? (parse(readFileSync(join(repo, file), 'utf8')) as Loose) : {},
    );
    const waits = composeWaits(compose);
    const results: CheckResult[] = [];
    for (const folder of kustomizeFolders(repo)) {
      const name = `kubectl kustomize ${folder}`;
      // the kustomizations read the repo's files and secrets/ from outside their folder
      const run = await kubectl.run(['kustomize', '--load-restrictor', 'LoadRestrictionsNone', folder], { cwd: repo });
      if (run.code !== 0) {
        results.push(failed(name, firstLines(run.output)));
        continue;
      }
      const objects = objectsOf(run.stdout);
      const faults = [...crossCheck(objects), ...checkWaits(waits, objects)];
      results.push(faults.length === 0 ? passed(name, `${objects.length} objects, references and selectors resolve`) : failed(name, faults.join('\n')));
    }
    return results;
  },
};

/** The chart of deploy/helm, if the repo has one: its folder and its values file per deployment. */
function helmChart(repo: string): { chart: string; values: string[] } | undefined {
  const root = join(repo, 'deploy/helm');
  const chart = existsSync(root) ? readdirSync(root).find(name => existsSync(join(root, name, 'Chart.yaml'))) : undefined;
  if (!chart) return undefined;
  const values = readdirSync(join(root, chart))
    .filter(file => /^values-[a-z0-9-]+\.yaml$/.test(file))
    .sort();
  return { chart: `deploy/helm/${chart}`, values: values.map(file => `deploy/helm/${chart}/${file}`) };
}

/**
 * `helm lint --strict` with each deployment's values, `helm template` with and without the monitoring CRDs,
 * and the objects it renders compared with kustomize's for the same deployment.
 */
export const helmCheck: Check = {
  name: 'helm lint --strict',
  applies: repo => helmChart(repo) !== undefined,
  async run(repo) {
    const helm = runnerFor('helm');
    if (!helm) return skipped(this.name, missing('helm'));
    const { chart, values } = helmChart(repo)!;
    const faults: string[] = [];
    const kubectl = runnerFor('kubectl');
    for (const file of values) {
      const lint = await helm.run(['lint', '--strict', chart, '-f', file], { cwd: repo });
      if (lint.code !== 0) faults.push(`${file}: ${firstLines(lint.output)}`);
      for (const crds of [[], ['--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor']]) {
        const render = await helm.run(['template', 'portal', chart, '-f', file, ...crds], { cwd: repo });
        if (render.code !== 0) faults.push(`${file}${crds.length ? ' (with the ServiceMonitor CRD)' : ''}: ${firstLines(render.output)}`);
      }
      // the same objects as the deployment's overlay, in the same namespace
      const deployment = /values-([a-z0-9-]+)\.yaml$/.exec(file)![1]!;
      const overlay = `${KUBE_ROOT}/overlays/${deployment}`;
      if (!kubectl || !existsSync(join(repo, overlay))) continue;
      const kustomized = await kubectl.run(['kustomize', '--load-restrictor', 'LoadRestrictionsNone', overlay], { cwd: repo });
      if (kustomized.code !== 0) continue;
      const objects = objectsOf(kustomized.stdout);
      const namespace = objects.find(o => o.kind === 'Namespace')?.metadata?.name ?? 'default';
      const render = await helm.run(['template', 'portal', chart, '-f', file, '--namespace', namespace], { cwd: repo });
      if (render.code === 0) faults.push(...renderingDifferences(objects, objectsOf(render.stdout)).map(fault => `${file}: ${fault}`));
    }
    return faults.length === 0
      ? passed(this.name, `${chart}, ${values.length} deployments, rendered with and without the monitoring CRDs, the objects of kustomize`)
      : failed(this.name, faults.join('\n'));
  },
};
