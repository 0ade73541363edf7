/**
 * The Kubernetes target of a generated repo: `kubectl kustomize` builds every overlay (and its Gateway API
 * variant), then the cross-checks of render/kubernetes/cross-checks.ts run on what kustomize printed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { checkWaits, composeWaits, crossCheck, type Loose } from '../render/kubernetes/cross-checks.js';
import { KUBE_ROOT } from '../render/kubernetes/kustomize.js';
import { failed, passed, skipped, type Check, type CheckResult } from './check.js';
import { firstLines } from './run-tool.js';
import { runnerFor } from './runner.js';
import { missing } from './tools.js';

/** The folders kustomize builds: each overlay and each Gateway variant. */
export function kustomizeFolders(repo: string): string[] {
  const under = (folder: string) => (existsSync(join(repo, folder)) ? readdirSync(join(repo, folder)).sort().map(name => `${folder}/${name}`) : []);
  return [...under(`${KUBE_ROOT}/overlays`), ...under(`${KUBE_ROOT}/gateway`)].filter(folder => existsSync(join(repo, folder, 'kustomization.yaml')));
}

export const kubernetesCheck: Check = {
  name: 'kubectl kustomize',
  applies: repo => kustomizeFolders(repo).length > 0,
  async run(repo) {
    const kubectl = runnerFor('kubectl');
    if (!kubectl) return skipped(this.name, missing('kubectl'));
    const compose = ['docker-compose.yml', 'docker-compose.prod.yml'].map(file => (existsSync(join(repo, file)) ? (parse(readFileSync(join(repo, file), 'utf8')) as Loose) : {}));
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
      const objects = parseAllDocuments(run.stdout).map(doc => doc.toJS() as Loose).filter(Boolean);
      const faults = [...crossCheck(objects), ...checkWaits(waits, objects)];
      results.push(faults.length === 0 ? passed(name, `${objects.length} objects, references and selectors resolve`) : failed(name, faults.join('\n')));
    }
    return results;
  },
};
