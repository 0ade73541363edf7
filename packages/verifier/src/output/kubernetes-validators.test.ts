/**
 * The real kustomize on the answer matrix: every overlay and Gateway variant builds with `kubectl
 * kustomize`, each object it prints passes kubernetes-models' schema, and the cross-checks pass on it.
 * Skipped, with the reason, where kubectl is not installed.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { modelOf } from 'generator-portal/testing/model.js';
import { comparable, KUBE_SCENARIOS, objectsOf, planOf, validateWithModels, writeRepo } from 'generator-portal/testing/kubernetes.js';
import { deploymentsOf } from 'generator-portal/render/kubernetes/objects.js';
import { crossCheck, type Loose } from 'generator-portal/render/kubernetes/cross-checks.js';
import { helmCheck } from '../verify/kubernetes-checks.js';
import { kubernetesCheck, kustomizeFolders } from '../verify/kubernetes-checks.js';
import { isDeepStrictEqual } from 'node:util';
import { runTool } from '../checks/run-tool.js';
import { verifyRepo } from '../verify/index.js';
import { yamllintCheck } from '../verify/file-checks.js';
import { checklistCheck } from '../checklist/index.js';
import { tool } from '../checks/tools.js';

const kubectl = tool('kubectl');
const helm = tool('helm');

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
        // CRDs' kinds: the Gateway API's, CloudNativePG's (cloudnative-pg.test.ts validates those against its CRDs)
        const crds = folder.includes('/gateway/')
          ? ['HTTPRoute']
          : folder.includes('/cloudnative-pg/')
            ? objects.filter(o => /^postgresql\.cnpg\.io\//.test(o.apiVersion)).map(o => o.kind)
            : [];
        if (folder.includes('/cloudnative-pg/')) assert.ok(crds.includes('Cluster'), folder);
        assert.deepEqual(
          objects.filter((_, i) => kinds[i] === 'unknown kind').map(o => o.kind),
          crds,
          folder,
        );
        // kustomize named the generated ConfigMaps and Secret with a hash and rewrote every reference to them
        assert.ok(
          objects.some(o => o.kind === 'ConfigMap' && /^portal-env-[a-z0-9]{10}$/.test(o.metadata.name)),
          folder,
        );
      }
      const results = [await kubernetesCheck.run(repo)].flat();
      assert.deepEqual(
        results.filter(r => r.status !== 'passed'),
        [],
      );
      assert.equal(results.length, folders.length);
    });
  }

  it('the other checks of portal verify pass on a repo with the Kubernetes target (yamllint, the checklist)', async t => {
    const repo = writeRepo(planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!)));
    t.after(() => rmSync(repo, { recursive: true, force: true }));
    const results = await verifyRepo(repo, [yamllintCheck, checklistCheck]);
    assert.deepEqual(
      results.filter(r => r.status === 'failed'),
      [],
    );
    assert.ok(
      results.some(r => r.name === 'yamllint' && r.status === 'passed'),
      JSON.stringify(results.map(r => [r.name, r.status])),
    );
  });

  it('fails verify on a fault kustomize itself refuses, naming the folder', async t => {
    const files = planOf(modelOf(KUBE_SCENARIOS.defaults!)).map(file =>
      file.path === 'deploy/kubernetes/overlays/prod/kustomization.yaml'
        ? { ...file, content: file.content.replace('  - ../../base\n', '  - ../../bases\n') }
        : file,
    );
    const repo = writeRepo(files);
    t.after(() => rmSync(repo, { recursive: true, force: true }));
    const results = [await kubernetesCheck.run(repo)].flat();
    const failedFolders = results.filter(r => r.status === 'failed').map(r => r.name);
    // the Gateway and CloudNativePG variants build on the overlay, so they fail with it
    assert.deepEqual(failedFolders, [
      'kubectl kustomize deploy/kubernetes/overlays/prod',
      'kubectl kustomize deploy/kubernetes/gateway/prod',
      'kubectl kustomize deploy/kubernetes/cloudnative-pg/prod',
    ]);
  });
});

describe(
  'helm on the answer matrix',
  { skip: (!kubectl || !helm) && 'kubectl or helm not found (.ci/install-validators unpacks them into .tools/bin)' },
  () => {
    for (const [name, raw] of Object.entries(KUBE_SCENARIOS)) {
      it(`${name}: the chart lints strictly and renders, per deployment, what kustomize renders`, async t => {
        const model = modelOf(raw);
        const repo = writeRepo(planOf(model));
        t.after(() => rmSync(repo, { recursive: true, force: true }));
        const chart = `deploy/helm/${model.answers.name}`;
        for (const d of deploymentsOf(model)) {
          const values = `${chart}/values-${d.name}.yaml`;
          const lint = await runTool(helm!, ['lint', '--strict', chart, '-f', values], { cwd: repo });
          assert.equal(lint.code, 0, `${d.name}: ${lint.output}`);
          const rendered = await runTool(helm!, ['template', model.answers.name, chart, '--namespace', d.namespace, '-f', values], { cwd: repo });
          assert.equal(rendered.code, 0, `${d.name}: ${rendered.stderr}`);
          const kustomized = await runTool(kubectl!, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', `deploy/kubernetes/overlays/${d.name}`], {
            cwd: repo,
          });
          const [fromKustomize, fromHelm] = comparable(objectsOf(kustomized.stdout), objectsOf(rendered.stdout));
          assert.deepEqual([...fromHelm.keys()].sort(), [...fromKustomize.keys()].sort(), d.name);
          const differing = [...fromKustomize].filter(([key, object]) => !isDeepStrictEqual(object, fromHelm.get(key))).map(([key]) => key);
          assert.deepEqual(differing, [], d.name);
          // the Secret the README has the user create from secrets/: the chart's pods find every key they read
          const secret = {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'portal-secrets' },
            data: Object.fromEntries(model.secrets.map(s => [s.name, ''])),
          };
          const objects: Loose[] = [...objectsOf(rendered.stdout), secret];
          await Promise.all(objects.map(validateWithModels));
          assert.deepEqual(crossCheck(objects), [], d.name);
        }
        // with the Prometheus Operator's CRDs, a ServiceMonitor per scrape target in the cluster; none without
        const withCrds = await runTool(helm!, ['template', model.answers.name, chart, '--api-versions', 'monitoring.coreos.com/v1/ServiceMonitor'], {
          cwd: repo,
        });
        const monitors = objectsOf(withCrds.stdout).filter(o => o.kind === 'ServiceMonitor');
        assert.equal(monitors.length > 0, model.scrape.length > 0, name);
        for (const monitor of monitors) {
          const service = objectsOf(withCrds.stdout).find(o => o.kind === 'Service' && isDeepStrictEqual(o.spec.selector, monitor.spec.selector.matchLabels));
          assert.ok(
            service?.spec.ports.some((p: Loose) => p.name === monitor.spec.endpoints[0].port),
            `${monitor.metadata.name} scrapes a port its Service has`,
          );
        }
      });
    }

    it("the chart's schema refuses a bad value, a misspelt key and an unknown edge", async t => {
      const model = modelOf(KUBE_SCENARIOS.defaults!);
      const repo = writeRepo(planOf(model));
      t.after(() => rmSync(repo, { recursive: true, force: true }));
      const chart = `deploy/helm/${model.answers.name}`;
      for (const [set, message] of [
        ['domain=Bad_Domain', /at '\/domain': 'Bad_Domain' does not match pattern/],
        ['replicass.backend=2', /additional properties 'replicass' not allowed/],
        ['edge=nodeport', /at '\/edge'/],
        ['replicas.backend=-1', /at '\/replicas\/backend'/],
      ] as const) {
        const run = await runTool(helm!, ['template', 'x', chart, '--set', set], { cwd: repo });
        assert.notEqual(run.code, 0, set);
        assert.match(run.stderr, message, set);
      }
      const results = [await helmCheck.run(repo)].flat();
      assert.deepEqual(
        results.map(r => r.status),
        ['passed'],
      );
    });

    it("fails verify when the chart renders an object unlike kustomize's", async t => {
      const model = modelOf(KUBE_SCENARIOS.defaults!);
      const files = planOf(model).map(file =>
        file.path === `deploy/helm/${model.answers.name}/templates/deployment-tileserver.yaml`
          ? { ...file, content: file.content.replace('port: 7800', 'port: 7801') }
          : file,
      );
      const repo = writeRepo(files);
      t.after(() => rmSync(repo, { recursive: true, force: true }));
      const [result] = [await helmCheck.run(repo)].flat();
      assert.equal(result!.status, 'failed');
      assert.match(result!.detail, /values-prod\.yaml: Deployment\/tileserver: Helm renders it differently from kustomize/);
    });
  },
);
