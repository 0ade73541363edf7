/**
 * Re-runs merge the user's edits into the Kubernetes files as into compose: kustomize's YAML key by key,
 * the chart's values key by key, the chart's templates (Go templates, not YAML) line by line.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPortal } from 'generator-portal/testing/bin.js';
import { freshFolder } from 'generator-portal/testing/generate.js';
import { runTool } from '../checks/run-tool.js';
import { tool } from '../checks/tools.js';

const edit = (folder: string, path: string, change: (text: string) => string) => {
  const file = join(folder, path);
  const before = readFileSync(file, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `${path}: the edit changed nothing`);
  writeFileSync(file, after);
};

describe('kubernetes files on a re-run', () => {
  it("keep the user's edits and take the generator's changes", async () => {
    const folder = freshFolder('portal');
    assert.equal((await runPortal(['--yes', '--services', 'postgis,redis,nginx', '--targets', 'kubernetes', '--secret-seed', 'x'], { cwd: folder })).code, 0);
    edit(folder, 'deploy/kubernetes/base/deployment-backend.yaml', text =>
      text.replace(/^spec:\n {2}replicas: 1$/m, 'spec:\n  # three for the launch\n  replicas: 3'),
    );
    edit(folder, 'deploy/helm/portal/values.yaml', text => text.replace(/^ {2}backend: 1$/m, '  # two for the launch\n  backend: 2'));
    edit(folder, 'deploy/helm/portal/templates/deployment-backend.yaml', text => text.replace(/^spec:$/m, 'spec:\n  # scaled by the values'));
    const run = await runPortal(['add', 'celery', '--secret-seed', 'x'], { cwd: folder });
    assert.equal(run.code, 0, run.stderr);
    const read = (path: string) => readFileSync(join(folder, path), 'utf8');
    const base = read('deploy/kubernetes/base/deployment-backend.yaml');
    assert.match(base, /# three for the launch\n {2}replicas: 3/);
    assert.match(base, /name: TASK_BROKER\n\s+value: redis/);
    const values = read('deploy/helm/portal/values.yaml');
    assert.match(values, /# two for the launch\n {2}backend: 2/);
    assert.match(values, /celery-worker: 1/);
    const template = read('deploy/helm/portal/templates/deployment-backend.yaml');
    assert.match(template, /spec:\n {2}# scaled by the values\n {2}replicas: \{\{ index \.Values\.replicas "backend" \}\}/);
    assert.match(template, /namespace: \{\{ \.Release\.Namespace \}\}/);
    assert.match(template, /name: TASK_BROKER/);
    assert.match(read('deploy/kubernetes/base/kustomization.yaml'), /- deployment-celery-worker\.yaml/);
    const helm = tool('helm');
    if (helm) {
      const rendered = await runTool(helm, ['template', 'portal', 'deploy/helm/portal', '-f', 'deploy/helm/portal/values-prod.yaml'], { cwd: folder });
      assert.equal(rendered.code, 0, rendered.stderr);
      // the values file the user edited is the chart's default
      assert.match((await runTool(helm, ['template', 'portal', 'deploy/helm/portal'], { cwd: folder })).stdout, /name: backend\n[\s\S]*?replicas: 2/);
    }
  });
});
