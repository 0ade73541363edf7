/**
 * The real kustomize on the answer matrix: every overlay and Gateway variant builds with `kubectl
 * kustomize`, each object it prints passes kubernetes-models' schema, and the cross-checks pass on it.
 * Skipped, with the reason, where kubectl is not installed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { modelOf } from '../../testing/model.js';
import { KUBE_SCENARIOS, objectsOf, planOf, validateWithModels } from '../../testing/kubernetes.js';
import { kubernetesCheck, kustomizeFolders } from '../../verify/kubernetes-checks.js';
import { runTool } from '../../verify/run-tool.js';
import { tool } from '../../verify/tools.js';
import type { PlannedFile } from '../planned-file.js';

const kubectl = tool('kubectl');

function writeRepo(files: readonly PlannedFile[]): string {
  const repo = mkdtempSync(join(tmpdir(), 'portal-kube-'));
  for (const file of files) {
    mkdirSync(dirname(join(repo, file.path)), { recursive: true });
    writeFileSync(join(repo, file.path), file.content);
  }
  return repo;
}

describe('kubectl kustomize on the answer matrix', { skip: !kubectl && 'kubectl not found (.ci/install-validators unpacks it into .tools/bin)' }, () => {
  for (const [name, raw] of Object.entries(KUBE_SCENARIOS)) {
    it(`${name}: every overlay builds, and what it prints is valid and consistent`, async t => {
      const repo = writeRepo(planOf(modelOf(raw)));
      t.after(() => rmSync(repo, { recursive: true, force: true }));
      const folders = kustomizeFolders(repo);
      assert.ok(folders.length >= 2, folders.join());
      for (const folder of folders) {
        const run = await runTool(kubectl!, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', folder], { cwd: repo });
        assert.equal(run.code, 0, `${folder}: ${run.stderr}`);
        const objects = objectsOf(run.stdout);
        const kinds = await Promise.all(objects.map(validateWithModels));
        assert.deepEqual(objects.filter((_, i) => kinds[i] === 'unknown kind').map(o => o.kind), folder.includes('/gateway/') ? ['HTTPRoute'] : [], folder);
        // kustomize named the generated ConfigMaps and Secret with a hash and rewrote every reference to them
        assert.ok(objects.some(o => o.kind === 'ConfigMap' && /^portal-env-[a-z0-9]{10}$/.test(o.metadata.name)), folder);
      }
      const results = [await kubernetesCheck.run(repo)].flat();
      assert.deepEqual(results.filter(r => r.status !== 'passed'), []);
      assert.equal(results.length, folders.length);
    });
  }

  it('fails verify on a fault kustomize itself refuses, naming the folder', async t => {
    const files = planOf(modelOf(KUBE_SCENARIOS.defaults!)).map(file =>
      file.path === 'deploy/kubernetes/overlays/prod/kustomization.yaml' ? { ...file, content: file.content.replace('  - ../../base\n', '  - ../../bases\n') } : file,
    );
    const repo = writeRepo(files);
    t.after(() => rmSync(repo, { recursive: true, force: true }));
    const results = [await kubernetesCheck.run(repo)].flat();
    const failedFolders = results.filter(r => r.status === 'failed').map(r => r.name);
    assert.deepEqual(failedFolders, ['kubectl kustomize deploy/kubernetes/overlays/prod', 'kubectl kustomize deploy/kubernetes/gateway/prod']);
  });
});
