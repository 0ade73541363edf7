/**
 * compose's healthchecks ask http://127.0.0.1:<port>/...; the kubelet asks the pod's address, and sends it
 * as Host unless the probe names one (kubernetes pkg/probe/http/request.go: req.Host = headers.Get("Host")).
 * Django refuses a Host outside ALLOWED_HOSTS with 400 (CommonMiddleware calls request.get_host()), and
 * the backend allows ${DOMAIN},localhost,127.0.0.1,backend: without the header it never became ready.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { handlerOf } from './probes.js';
import { modelOf } from '../../testing/model.js';
import { assemble, planOf } from '../../testing/kubernetes.js';
import { podsOf } from './cross-checks.js';
import type { RawAnswers } from '../../answers/answers.js';

describe('kubernetes: HTTP probes send the Host compose sends', () => {
  it('a local URL keeps its host and port as the Host header', () => {
    assert.deepEqual(handlerOf(['CMD', 'wget', '-q', '--spider', 'http://localhost:8081/healthz']), {
      httpGet: { path: '/healthz', port: 8081, httpHeaders: [{ name: 'Host', value: 'localhost:8081' }] },
    });
  });

  it('the Django backend: every probe asks with a Host its ALLOWED_HOSTS holds', () => {
    const model = modelOf({ targets: ['kubernetes'] } as RawAnswers);
    const allowed = String(model.containers.find(c => c.name === 'backend')!.environment?.DJANGO_ALLOWED_HOSTS).split(',');
    const backend = podsOf(assemble(planOf(model), 'overlays/prod')).find(pod => pod.owner === 'Deployment backend')!.spec.containers[0];
    for (const probe of [backend.startupProbe, backend.readinessProbe, backend.livenessProbe]) {
      const host = probe.httpGet.httpHeaders?.find((h: { name: string }) => h.name === 'Host')?.value as string | undefined;
      assert.ok(host && allowed.includes(host.split(':')[0]!), `Host ${host} is not among ${allowed.join(',')}`);
    }
  });
});
