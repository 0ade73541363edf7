/**
 * The Kubernetes target over the answer matrix, without kubectl: every object of every deployment passes
 * kubernetes-models' schema and our cross-checks, no secret value lands in a tracked file, and each planted
 * fault is caught by the check that names it (validators.test.ts runs the same on kustomize's own output).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../../testing/model.js';
import { assemble, composeWaitsOf, KUBE_SCENARIOS, planOf, validateWithModels } from '../../testing/kubernetes.js';
import { checkWaits, crossCheck, type Loose } from './cross-checks.js';
import type { RawAnswers } from '../../answers/answers.js';
import { RANDOM_SEED, randomAnswerSets } from '../../testing/random-answers.js';

/** Drawn in-process (no kubectl): cheap enough for many. */
const RANDOM_K8S_SETS = 40;

const folders = (raw: RawAnswers) => [
  'overlays/prod',
  'gateway/prod',
  ...((raw.instances as { name: string }[] | undefined) ?? []).flatMap(i => [`overlays/${i.name}`, `gateway/${i.name}`]),
];

describe('kubernetes target over the answer matrix', () => {
  for (const [name, raw] of Object.entries(KUBE_SCENARIOS)) {
    it(`${name}: every object is valid and every reference resolves`, async () => {
      const files = planOf(modelOf(raw));
      assert.ok(files.some(file => file.path === 'deploy/kubernetes/base/kustomization.yaml'));
      for (const folder of folders(raw)) {
        const objects = assemble(files, folder);
        const kinds = await Promise.all(objects.map(validateWithModels));
        assert.deepEqual(
          objects.filter((_, i) => kinds[i] === 'unknown kind').map(o => o.kind),
          folder.startsWith('gateway') ? ['HTTPRoute'] : [],
          folder,
        );
        assert.deepEqual([...crossCheck(objects), ...checkWaits(composeWaitsOf(files), objects)], [], folder);
      }
    });
  }

  it(`passes on ${RANDOM_K8S_SETS} randomly drawn answer sets (seed ${RANDOM_SEED})`, () => {
    let rendered = 0;
    for (const options of randomAnswerSets(RANDOM_SEED, RANDOM_K8S_SETS)) {
      const files = planOf(modelOf({ ...options, targets: ['kubernetes'] } as RawAnswers));
      rendered++;
      for (const folder of ['overlays/prod', 'gateway/prod']) {
        const objects = assemble(files, folder);
        assert.deepEqual([...crossCheck(objects), ...checkWaits(composeWaitsOf(files), objects)], [], `${JSON.stringify(options)} ${folder}`);
      }
    }
    assert.equal(rendered, RANDOM_K8S_SETS);
  });

  it('writes no secret value into a tracked file', () => {
    const files = planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!));
    const values = files
      .filter(file => file.ownership === 'secret' && file.path.startsWith('secrets/'))
      .map(file => file.content.trim())
      .filter(value => value.length >= 8);
    assert.ok(values.length > 5);
    for (const file of files.filter(f => f.path.startsWith('deploy/'))) {
      for (const value of values) assert.ok(!file.content.includes(value), `${file.path} holds a secret value`);
    }
  });

  it('renders nothing for Kubernetes unless the target is chosen', () => {
    const files = planOf(modelOf({}));
    assert.ok(!files.some(file => file.path.startsWith('deploy/')));
    assert.doesNotMatch(files.find(file => file.path === 'docs/architecture.md')!.content, /## Deployment targets/);
  });

  it('lists in docs/architecture.md each compose element with its Kubernetes and Swarm forms, and what has none', () => {
    const doc = planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!)).find(file => file.path === 'docs/architecture.md')!.content;
    assert.match(doc, /^\| Compose \| Kubernetes \| Swarm \|$/m);
    assert.match(doc, /^\| `pids_limit` \| none per pod/m);
    assert.match(doc, /^\| `migrate` \(one-shot\) \| Job; .* \| `deploy.mode: replicated-job` \|$/m);
    assert.match(doc, /^\| db \| StatefulSet \+ headless Service \|$/m);
    assert.match(doc, /^\| traefik \| none: the cluster's Gateway/m);
  });

  it('maps each kind of service to its workload', () => {
    const objects = assemble(planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!)), 'overlays/prod');
    const kind = (name: string) =>
      objects
        .filter(o => o.metadata.name === name)
        .map(o => o.kind)
        .sort()
        .join(',');
    assert.equal(kind('db'), 'Service,StatefulSet');
    assert.equal(objects.find(o => o.kind === 'Service' && o.metadata.name === 'db')!.spec.clusterIP, 'None');
    // initdb refuses the claim's root, which holds lost+found
    const db = objects.find(o => o.kind === 'StatefulSet' && o.metadata.name === 'db')!;
    assert.deepEqual(db.spec.template.spec.containers[0].volumeMounts[0], { name: 'pgdata', mountPath: '/var/lib/postgresql/data', subPath: 'pgdata' });
    assert.equal(kind('backend'), 'Deployment,PodDisruptionBudget,Service');
    assert.equal(kind('tileserver'), 'Deployment,PodDisruptionBudget,Service');
    assert.equal(kind('celery-worker'), 'Deployment');
    assert.equal(kind('migrate'), 'Job');
    assert.equal(kind('backup'), 'CronJob');
    assert.equal(kind('scheduler'), 'CronJob');
    assert.equal(kind('traefik'), '');
    const beat = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'celery-beat')!;
    assert.deepEqual([beat.spec.replicas, beat.spec.strategy.type], [1, 'Recreate']);
    const backup = objects.find(o => o.kind === 'CronJob' && o.metadata.name === 'backup')!;
    assert.equal(backup.spec.schedule, '0 3 * * *');
    assert.ok(backup.spec.jobTemplate.spec.template.spec.containers[0].env.some((v: Loose) => v.name === 'BACKUP_ONCE' && v.value === '1'));
    const backend = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'backend')!.spec.template.spec;
    assert.deepEqual(
      backend.initContainers.map((c: Loose) => c.name),
      ['wait-db', 'wait-migrate', 'wait-mongodb', 'wait-pgbouncer', 'wait-rabbitmq', 'wait-redis'],
    );
    const main = backend.containers[0];
    assert.deepEqual(main.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    assert.deepEqual(main.readinessProbe.httpGet, { path: '/health', port: 8000, httpHeaders: [{ name: 'Host', value: '127.0.0.1:8000' }] });
    assert.deepEqual(backend.volumes.find((v: Loose) => v.name === 'tmp-0').emptyDir, { medium: 'Memory', sizeLimit: '64Mi' });
    assert.deepEqual(main.resources.limits, { memory: '512Mi', cpu: '1000m' });
    // an image without a shell is probed over TCP
    const exporter = objects.find(o => o.kind === 'Deployment' && o.metadata.name === 'postgres-exporter')!.spec.template.spec;
    assert.deepEqual(exporter.containers[0].livenessProbe.tcpSocket, { port: 9187 });
    assert.equal(exporter.securityContext.runAsNonRoot, true);
    const staging = assemble(planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!)), 'overlays/staging');
    assert.equal(staging.find(o => o.kind === 'Ingress')!.spec.rules[0].host, 'staging.example.org');
    assert.ok(staging.every(o => o.kind === 'Namespace' || o.metadata.namespace === 'portal-staging'));
  });
});

describe('kubernetes cross-checks catch planted faults', () => {
  const fresh = () => assemble(planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!)), 'overlays/prod');
  const find = (objects: Loose[], kind: string, name: string) => objects.find(o => o.kind === kind && o.metadata.name === name)!;
  const faults = (objects: Loose[]) => [
    ...crossCheck(objects),
    ...checkWaits(composeWaitsOf(planOf(modelOf(KUBE_SCENARIOS['every-service-instance']!))), objects),
  ];

  it('a probe on the wrong port', () => {
    const objects = fresh();
    find(objects, 'Deployment', 'tileserver').spec.template.spec.containers[0].readinessProbe.httpGet.port = 7801;
    assert.deepEqual(faults(objects), ['Deployment tileserver: the readinessProbe of tileserver asks port 7801, which the container does not open']);
  });

  it('a selector that matches nothing', () => {
    const objects = fresh();
    find(objects, 'Service', 'redis').spec.selector = { 'app.kubernetes.io/name': 'rediss' };
    assert.deepEqual(faults(objects), ['Service redis: its selector matches no pod']);
  });

  it('a Secret key the pod does not mount', () => {
    const objects = fresh();
    const volume = find(objects, 'Deployment', 'tileserver').spec.template.spec.volumes.find((v: Loose) => v.name === 'secrets');
    volume.secret.items = volume.secret.items.filter((item: Loose) => item.key !== 'tileserver_db_password');
    assert.deepEqual(faults(objects), [
      'Deployment tileserver: container tileserver reads PGPASSWORD_FILE=/run/secrets/tileserver_db_password, a file no mounted Secret holds',
    ]);
  });

  it('a StatefulSet without a claim', () => {
    const objects = fresh();
    const redis = find(objects, 'StatefulSet', 'redis');
    delete redis.spec.volumeClaimTemplates;
    const found = faults(objects);
    assert.ok(found.includes('StatefulSet redis: no volumeClaimTemplates (a stateless server belongs in a Deployment)'), found.join('\n'));
  });

  it('a missing init wait', () => {
    const objects = fresh();
    const spec = find(objects, 'Deployment', 'tileserver').spec.template.spec;
    spec.initContainers = spec.initContainers.filter((c: Loose) => c.name !== 'wait-db');
    assert.deepEqual(faults(objects), ['Deployment tileserver: compose waits for db (service_healthy); no init container does']);
  });
});
