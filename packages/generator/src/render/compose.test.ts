import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_SERVICES, modelOf } from '../testing/model.js';
import { renderCompose } from './compose.js';

const scenarios = {
  defaults: {},
  every: { services: ALL_SERVICES },
  bind: { services: ALL_SERVICES, storage: 'bind', dataRoot: '/mnt/data/p' },
  backendOnly: { services: 'none' },
  varnishFront: { services: 'postgis,tileserver,varnish' },
  node: { backend: 'node', services: 'postgis,redis,nginx' },
};

describe('compose files', () => {
  for (const [scenario, raw] of Object.entries(scenarios)) {
    const model = modelOf(raw);
    const { base, dev, prod } = renderCompose(model);
    const oneShots = new Set(model.containers.filter(c => c.oneShot).map(c => c.name));
    const exempt = new Set(model.containers.filter(c => c.healthExemption).map(c => c.name));

    it(`${scenario}: base publishes no port and every long-running service has a healthcheck`, () => {
      for (const [name, service] of Object.entries(base.services)) {
        assert.equal(service.ports, undefined, name);
        if (!oneShots.has(name) && !exempt.has(name)) assert.ok(service.healthcheck?.test.length, `${name} has no healthcheck`);
      }
    });

    it(`${scenario}: depends_on waits for healthy services, or for one-shot jobs to complete`, () => {
      const all = { ...base.services, ...prod.services };
      for (const [name, service] of Object.entries(all)) {
        for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
          assert.ok(all[dependency], `${name} depends on missing ${dependency}`);
          const expected = oneShots.has(dependency) ? 'service_completed_successfully' : 'service_healthy';
          assert.equal(condition, expected, `${name} -> ${dependency}`);
          if (expected === 'service_healthy') assert.ok(all[dependency]!.healthcheck, `${dependency} has no healthcheck`);
        }
      }
    });

    it(`${scenario}: images are pinned, never latest`, () => {
      for (const [name, service] of Object.entries({ ...base.services, ...prod.services })) {
        if (!service.image) continue;
        assert.match(service.image, /:[^/:]+$/, name);
        assert.doesNotMatch(service.image, /:latest$/, name);
      }
    });

    it(`${scenario}: dev publishes on 127.0.0.1 only`, () => {
      for (const [name, service] of Object.entries(dev.services)) {
        for (const port of service.ports ?? []) assert.match(port, /^127\.0\.0\.1:\d+:\d+$/, name);
      }
    });

    it(`${scenario}: prod publishes ports on the edge only, and every secret is declared`, () => {
      const edge = model.tls === 'traefik' ? 'traefik' : model.front.name;
      for (const [name, service] of Object.entries(prod.services)) {
        if (name !== edge) assert.equal(service.ports, undefined, `${name} publishes in prod`);
        for (const secret of service.secrets ?? []) assert.ok(prod.secrets?.[secret], `${secret} undeclared`);
        assert.ok(service.restart, `${name} has no restart policy`);
      }
      assert.ok(prod.services[edge]?.ports?.length, `${edge} publishes nothing`);
      assert.equal(prod.networks?.internal?.internal, true);
    });
  }

  it('binds every volume to a folder under DATA_ROOT with bind storage', () => {
    const { base } = renderCompose(modelOf(scenarios.bind));
    for (const [name, volume] of Object.entries(base.volumes ?? {})) {
      assert.deepEqual(volume, { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: `\${DATA_ROOT}/${name}` } });
    }
  });

  it('gives secrets as variables in dev and as files in prod', () => {
    const { dev, prod } = renderCompose(modelOf({}));
    assert.equal(dev.services.db?.environment?.POSTGRES_PASSWORD, '${POSTGRES_PASSWORD}');
    assert.equal(prod.services.db?.environment?.POSTGRES_PASSWORD_FILE, '/run/secrets/postgres_password');
    assert.deepEqual(prod.secrets?.postgres_password, { file: './secrets/postgres_password' });
  });

  it('builds the app image with dev and prod targets', () => {
    const { base, dev, prod } = renderCompose(modelOf({}));
    assert.deepEqual(base.services.backend?.build, { context: './backend', target: 'prod' });
    assert.equal(base.services.backend?.pull_policy, 'build');
    assert.equal(dev.services.backend?.build?.target, 'dev');
    assert.equal(prod.services.backend?.build?.target, 'prod');
    assert.deepEqual(dev.services.backend?.volumes?.[0], { type: 'bind', source: './backend', target: '/app' });
  });

  it('in dev, mounts the source into every container built from it, and builds images without a dev target as prod', () => {
    const { dev } = renderCompose(modelOf({ services: 'postgis,redis,celery,tileserver' }));
    for (const name of ['backend', 'migrate', 'celery-worker', 'celery-beat']) {
      assert.equal(dev.services[name]?.build?.target, 'dev', name);
      assert.deepEqual(dev.services[name]?.volumes?.[0], { type: 'bind', source: './backend', target: '/app' }, `${name} runs without its source`);
    }
    assert.equal(dev.services.tileserver?.build, undefined);
  });

  it('stops redis and rabbitmq when their password secret is empty or unreadable, instead of starting them open', () => {
    const { base } = renderCompose(modelOf({ services: 'redis,rabbitmq' }));
    const bin = mkdtempSync(join(tmpdir(), 'portal-fake-'));
    for (const server of ['redis-server', 'docker-entrypoint.sh']) {
      writeFileSync(join(bin, server), '#!/bin/sh\necho "started $* $RABBITMQ_DEFAULT_PASS"\n', { mode: 0o755 });
    }
    const secretFile = join(bin, 'secret');
    writeFileSync(secretFile, 's3cret-value');
    for (const [name, env] of [
      ['redis', 'REDIS_PASSWORD'],
      ['rabbitmq', 'RABBITMQ_PASSWORD'],
    ] as const) {
      // compose turns $$ into $ before the shell sees the command
      const script = base.services[name]!.command!.at(-1)!.replaceAll('$$', '$');
      const run = (file: string) => spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, [`${env}_FILE`]: file } });
      const unreadable = run(join(bin, 'missing'));
      assert.notEqual(unreadable.status, 0, name);
      assert.doesNotMatch(unreadable.stdout, /started/, name);
      assert.match(unreadable.stderr, new RegExp(`set ${env} or a readable ${env}_FILE`), name);
      assert.match(run(secretFile).stdout, /started .*s3cret-value/, name);
    }
  });
});
