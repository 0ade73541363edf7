/**
 * With the Prometheus Operator's CRDs the chart adds ServiceMonitors; the operator's Prometheus runs in its
 * own namespace, and the chart's default-deny NetworkPolicy (ingress only from the portal's own pods)
 * dropped every scrape. Each ServiceMonitor comes with a NetworkPolicy opening its port to the pods the
 * operator labels as its Prometheus.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import { ALL_SERVICES, modelOf } from '../../testing/model.js';
import { assemble, objectsOf, planOf } from '../../testing/kubernetes.js';
import { crossCheck, type Loose } from './cross-checks.js';
import type { RawAnswers } from '../../answers/answers.js';

describe('helm: ServiceMonitors and the NetworkPolicies their scrapes need', () => {
  it("every ServiceMonitor has a policy letting the operator's Prometheus reach its port", () => {
    const model = modelOf({ services: ALL_SERVICES, targets: ['kubernetes'] } as RawAnswers);
    const files = planOf(model);
    const template = files.find(file => file.path === `deploy/helm/${model.answers.name}/templates/servicemonitors.yaml`)!.content;
    // as helm renders it with the CRDs: the guard lines dropped, the namespace filled in
    const rendered = objectsOf(template.replace(/^\{\{-.*\}\}$/gm, '').replace(/\{\{ \.Release\.Namespace \}\}/g, model.answers.name));
    const monitors = rendered.filter(o => o.kind === 'ServiceMonitor');
    assert.ok(monitors.length >= 4);
    const overlay = assemble(files, 'overlays/prod');
    for (const monitor of monitors) {
      const service = overlay.find(o => o.kind === 'Service' && isDeepStrictEqual(o.spec.selector, monitor.spec.selector.matchLabels))!;
      const port =
        service.spec.ports.find((p: Loose) => p.name === monitor.spec.endpoints[0].port).targetPort ??
        service.spec.ports.find((p: Loose) => p.name === monitor.spec.endpoints[0].port).port;
      const policy = rendered.find(o => o.kind === 'NetworkPolicy' && isDeepStrictEqual(o.spec.podSelector.matchLabels, monitor.spec.selector.matchLabels));
      assert.ok(policy, `no policy for ${monitor.metadata.name}`);
      assert.deepEqual(policy.spec.ingress, [
        {
          from: [
            {
              namespaceSelector: {},
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/managed-by': 'prometheus-operator' } },
            },
          ],
          ports: [{ protocol: 'TCP', port }],
        },
      ]);
    }
    assert.deepEqual(crossCheck([...overlay, ...rendered.filter(o => o.kind === 'NetworkPolicy')]), []);
  });
});
