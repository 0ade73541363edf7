import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortalInputError } from '../answers/input-error.js';
import { ALL_SERVICES, modelOf } from '../testing/model.js';

const names = (raw: Parameters<typeof modelOf>[0]) => modelOf(raw).containers.map(c => c.name);

describe('portal model', () => {
  it('adds dependencies and says why', () => {
    const model = modelOf({ services: 'celery,tileserver,grafana' });
    assert.deepEqual(model.services, ['postgis', 'redis', 'celery', 'tileserver', 'nginx', 'prometheus', 'grafana']);
    assert.deepEqual(model.notes, [
      'added redis: celery needs a broker',
      'added postgis: the tileserver serves tables from PostGIS',
      'added nginx: a proxy routes /tiles/ to the tileserver',
      'added prometheus: grafana charts what Prometheus collects',
    ]);
    assert.equal(model.broker, 'redis');
  });

  it('adds a proxy for a service only a proxy routes to, varnish when chosen', () => {
    assert.deepEqual(modelOf({ services: 'tileserver' }).services, ['postgis', 'tileserver', 'nginx']);
    assert.deepEqual(modelOf({ services: 'tileserver,varnish' }).services, ['postgis', 'tileserver', 'varnish']);
    // Flower is never cached: nginx routes it even where varnish is chosen
    const flower = modelOf({ services: 'flower,varnish' });
    assert.ok(flower.services.includes('nginx'), flower.services.join());
    assert.ok(flower.notes.includes('added nginx: nginx routes /flower/ (or its sub-domain) to Flower'), flower.notes.join('\n'));
  });

  it('makes each proxy wait for every upstream it resolves, healthy only on the main path', () => {
    const dependsOn = (raw: Parameters<typeof modelOf>[0], name: string) => modelOf(raw).containers.find(c => c.name === name)?.dependsOn;
    assert.deepEqual(dependsOn({ services: 'tileserver,varnish,nginx,grafana' }, 'nginx'), { grafana: 'service_started', varnish: 'service_healthy' });
    assert.deepEqual(dependsOn({ services: 'tileserver,varnish,nginx,grafana' }, 'varnish'), { backend: 'service_healthy', tileserver: 'service_started' });
    // varnish in front routes grafana too
    assert.deepEqual(dependsOn({ services: 'varnish,grafana' }, 'varnish'), { backend: 'service_healthy', grafana: 'service_started' });
    assert.deepEqual(dependsOn({ services: 'tileserver,nginx' }, 'nginx'), { backend: 'service_healthy', tileserver: 'service_started' });
  });

  it('publishes each dev port on a host port of its own, the front keeping the usual one', () => {
    const published = (raw: Parameters<typeof modelOf>[0]) =>
      Object.fromEntries(
        modelOf(raw)
          .containers.filter(c => c.devPublish)
          .map(c => [c.name, c.devPublish!.map(p => `${p.host}:${p.container}`)]),
      );
    const image = published({ backend: 'image', backendImage: 'acme/api:1.0', backendPort: '8080', services: 'nginx' });
    assert.deepEqual([image.nginx, image.backend], [['8080:8080'], ['18080:8080']]);
    const node = published({ backend: 'node', services: 'nginx,grafana' });
    assert.deepEqual([node.backend, node.grafana], [['3000:3000'], ['13000:3000']]);
  });

  it('names each secret file after its .env variable (the writer relies on it to keep them in step)', () => {
    for (const secret of modelOf({ services: ALL_SERVICES }).secrets) assert.equal(secret.env, secret.name.toUpperCase());
  });

  it('uses rabbitmq as the broker when it is chosen', () => {
    const model = modelOf({ services: 'celery,rabbitmq' });
    assert.equal(model.broker, 'rabbitmq');
    assert.ok(!model.services.includes('redis'));
  });

  it('refuses celery without a Python backend, and backup without a database', () => {
    assert.throws(() => modelOf({ backend: 'node', services: 'celery' }), PortalInputError);
    assert.throws(() => modelOf({ services: 'backup' }), /backup.*postgis/);
  });

  it('puts nginx, else varnish, else the backend in front', () => {
    assert.equal(modelOf({ services: 'nginx,varnish' }).front.name, 'nginx');
    assert.equal(modelOf({ services: 'varnish' }).front.name, 'varnish');
    assert.equal(modelOf({ services: 'none' }).front.name, 'backend');
    assert.equal(modelOf({ services: 'traefik' }).tls, 'traefik');
    assert.equal(modelOf({ services: 'nginx' }).tls, 'nginx');
  });

  it('sorts routes most specific first and sends cacheable ones through varnish', () => {
    const routes = modelOf({ services: 'tileserver,varnish,nginx,grafana' }).routes;
    assert.equal(routes.at(-1)!.path, '/');
    const byPath = Object.fromEntries(routes.map(r => [r.path, r]));
    assert.equal(byPath['/tiles/']!.viaVarnish, true);
    assert.equal(byPath['/api/']!.viaVarnish, true);
    assert.equal(byPath['/grafana/']!.viaVarnish, false);
    assert.equal(byPath['/static/']!.files, '/srv/static');
  });

  it('gives every app container the settings and secrets of the chosen services', () => {
    const model = modelOf({ services: 'postgis,redis,celery' });
    for (const name of ['backend', 'celery-worker', 'celery-beat', 'migrate']) {
      const container = model.containers.find(c => c.name === name)!;
      assert.equal(container.environment?.POSTGRES_HOST, 'db', name);
      assert.ok(
        container.secrets?.some(s => s.env === 'REDIS_PASSWORD'),
        name,
      );
    }
  });

  it('adds exporters only with prometheus', () => {
    assert.ok(!names({ services: 'postgis,redis,nginx' }).some(n => n.endsWith('exporter')));
    assert.deepEqual(
      names({ services: 'postgis,redis,nginx,prometheus' }).filter(n => n.endsWith('exporter')),
      ['postgres-exporter', 'redis-exporter', 'nginx-exporter'],
    );
  });

  it('is deterministic', () => {
    assert.deepEqual(modelOf({ services: ALL_SERVICES }), modelOf({ services: ALL_SERVICES }));
  });
});
