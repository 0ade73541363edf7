import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PortalInputError } from 'generator-portal/answers/input-error.js';
import { isExcepted } from '../checklist/exceptions.js';
import { renderCompose } from 'generator-portal/render/compose.js';
import { planFiles } from 'generator-portal/render/file-plan.js';
import { hiddenMetricsPaths } from 'generator-portal/render/nginx.js';
import { seededSecrets } from 'generator-portal/render/secret-source.js';
import { modelOf } from 'generator-portal/testing/model.js';
import { IMAGES } from 'generator-portal/catalog/images.js';

const NEW = 'pgbouncer,mongodb,orientdb,kafka,flower,scheduler,mailpit';
const NEW_CONTAINERS = ['pgbouncer', 'mongodb', 'orientdb', 'zookeeper', 'kafka', 'flower', 'scheduler', 'mailpit'];
/** What compose hands the shell: `$$` becomes `$`. */
const shell = (script: string) => script.replaceAll('$$', '$');

describe('new catalog services', () => {
  const model = modelOf({ services: `${NEW},nginx` });
  const { base, dev, prod } = renderCompose(model);

  it('adds what they need, with a note', () => {
    assert.ok(model.services.includes('postgis'));
    assert.ok(model.services.includes('celery'));
    assert.ok(model.services.includes('redis'));
    assert.ok(model.notes.includes('added postgis: pgbouncer pools the connections to PostGIS'));
    assert.ok(model.notes.includes('added celery: flower monitors the Celery workers'));
    assert.throws(
      () => modelOf({ backend: 'node', services: 'flower' }),
      (error: Error) => error instanceof PortalInputError && /--services "flower"/.test(error.message),
    );
  });

  it('every new container is hardened: pinned image, read-only root, limits, healthcheck or exemption', () => {
    for (const name of NEW_CONTAINERS) {
      const container = model.containers.find(c => c.name === name);
      assert.ok(container, name);
      assert.ok(container.healthcheck?.test.length || container.healthExemption, `${name} has no healthcheck`);
      assert.equal(container.writableRoot, undefined, name);
      assert.ok(container.limits.memory && container.limits.cpus && container.limits.pids, name);
      assert.ok(container.user || container.build || isExcepted('CMP-26', name), `${name} runs as root without an exception`);
      assert.ok(!container.networks.includes('edge') || container.isApp, `${name} is on the edge network`);
    }
    for (const image of Object.values(IMAGES)) assert.match(image, /:[^/:]*\d[^/:]*$/, image);
  });

  it('pgbouncer: the apps connect through it and wait for it, and it refuses to start without the password', () => {
    assert.equal(model.appEnv.POSTGRES_HOST, 'pgbouncer');
    for (const name of ['backend', 'migrate', 'celery-worker', 'celery-beat', 'scheduler']) {
      const container = model.containers.find(c => c.name === name)!;
      assert.equal(container.environment?.POSTGRES_HOST, 'pgbouncer', name);
      assert.equal(container.dependsOn?.pgbouncer, 'service_healthy', name);
    }
    assert.equal(modelOf({ services: 'postgis' }).appEnv.POSTGRES_HOST, 'db');

    const bin = mkdtempSync(join(tmpdir(), 'portal-pgbouncer-'));
    writeFileSync(join(bin, 'pgbouncer'), '#!/bin/sh\necho "started $*"\n', { mode: 0o755 });
    writeFileSync(join(bin, 'secret'), 'pw123');
    const script = shell(base.services.pgbouncer!.entrypoint!.at(-1)!);
    const run = (file: string) =>
      spawnSync('sh', ['-c', script.replaceAll('/tmp/userlist.txt', join(bin, 'userlist.txt'))], {
        encoding: 'utf8',
        env: { PATH: `${bin}:/usr/bin:/bin`, POSTGRES_USER: 'portal', POSTGRES_PASSWORD_FILE: file },
      });
    assert.notEqual(run(join(bin, 'missing')).status, 0);
    const started = run(join(bin, 'secret'));
    assert.match(started.stdout, /started \/etc\/pgbouncer\/pgbouncer\.ini/);
    assert.equal(readFileSync(join(bin, 'userlist.txt'), 'utf8'), '"portal" "pw123"\n');
    const ini = planFiles(model, seededSecrets('t')).find(f => f.path === 'pgbouncer/pgbouncer.ini')!.content;
    assert.match(ini, /^pool_mode = session$/m);
    assert.match(ini, /^auth_file = \/tmp\/userlist\.txt$/m);
  });

  it('mailpit is defined whole in the dev file only, and only dev apps get its SMTP settings', () => {
    assert.equal(base.services.mailpit, undefined);
    assert.equal(prod.services.mailpit, undefined);
    const mailpit = dev.services.mailpit!;
    assert.equal(mailpit.image, IMAGES.mailpit);
    assert.equal(mailpit.read_only, true);
    assert.deepEqual(mailpit.cap_drop, ['ALL']);
    assert.deepEqual(mailpit.healthcheck?.test, ['CMD', '/mailpit', 'readyz']);
    assert.deepEqual(mailpit.ports, ['127.0.0.1:8025:8025']);
    assert.equal(dev.services.backend?.environment?.SMTP_HOST, 'mailpit');
    assert.equal(dev.services.backend?.environment?.SMTP_PORT, '1025');
    assert.equal(base.services.backend?.environment?.SMTP_HOST, undefined);
    assert.equal(prod.services.backend?.environment?.SMTP_HOST, undefined);
    for (const service of [...Object.values(base.services), ...Object.values(prod.services)]) {
      assert.equal(service.depends_on?.mailpit, undefined);
    }
  });

  it('scheduler is defined whole in the prod file only, with the app settings next to its secret files', () => {
    assert.equal(base.services.scheduler, undefined);
    assert.equal(dev.services.scheduler, undefined);
    const scheduler = prod.services.scheduler!;
    assert.deepEqual(scheduler.build, { context: './backend', target: 'prod' });
    assert.equal(scheduler.pull_policy, 'build');
    assert.equal(scheduler.environment?.POSTGRES_HOST, 'pgbouncer');
    assert.equal(scheduler.environment?.SCHEDULER_COMMAND, '${SCHEDULER_COMMAND}');
    assert.equal(scheduler.environment?.POSTGRES_PASSWORD_FILE, '/run/secrets/postgres_password');
    assert.ok(scheduler.volumes?.includes('./scheduler/run-job.sh:/usr/local/bin/run-job.sh:ro'));
    assert.equal(scheduler.restart, 'unless-stopped');
    assert.equal(model.env.find(v => v.name === 'SCHEDULER_COMMAND')?.value, 'python manage.py check');
    const image = renderCompose(modelOf({ backend: 'image', backendImage: 'ghcr.io/acme/api:1.0.0', services: 'scheduler' })).prod.services.scheduler!;
    assert.equal(image.image, 'ghcr.io/acme/api:1.0.0');
    assert.equal(image.build, undefined);
  });

  it('the scheduler loop runs the job every interval, logs its exit status and keeps its heartbeat fresh', () => {
    const script = planFiles(model, seededSecrets('t')).find(f => f.path === 'scheduler/run-job.sh')!;
    assert.equal(script.mode, 0o755);
    const work = mkdtempSync(join(tmpdir(), 'portal-scheduler-'));
    const counter = join(work, 'runs');
    const heartbeat = '/tmp/scheduler-heartbeat';
    const hadHeartbeat = existsSync(heartbeat);
    // the second run stops the loop the way docker stop does
    const job = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n + 1)); echo $n > ${counter}; [ $n -lt 2 ] || kill -TERM $PPID; exit 3`;
    const run = spawnSync('sh', ['-c', script.content], {
      encoding: 'utf8',
      timeout: 20_000,
      env: { PATH: '/usr/bin:/bin', SCHEDULER_COMMAND: job, SCHEDULER_INTERVAL_SECONDS: '1' },
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /start: /);
    assert.match(run.stdout, /end: exit status 3/);
    assert.match(run.stdout, /stopped/);
    const probe = shell(prod.services.scheduler!.healthcheck!.test[1]!);
    assert.equal(spawnSync('sh', ['-c', probe], { env: { PATH: '/usr/bin:/bin', SCHEDULER_INTERVAL_SECONDS: '3600' } }).status, 0);
    const bad = spawnSync('sh', ['-c', script.content], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin', SCHEDULER_COMMAND: 'true', SCHEDULER_INTERVAL_SECONDS: 'hourly' },
    });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /must be a number of seconds/);
    if (!hadHeartbeat) rmSync(heartbeat, { force: true });
  });

  it('flower: routed under /flower/ behind its own password, metrics hidden even without Prometheus', () => {
    const route = model.routes.find(r => r.path === '/flower/')!;
    assert.deepEqual(route.upstream, { host: 'flower', port: 5555, stripPrefix: false });
    assert.equal(route.viaVarnish, false);
    assert.deepEqual(hiddenMetricsPaths(model), ['/flower/metrics']);
    const flower = base.services.flower!;
    const script = flower.command!.at(-1)!;
    assert.match(script, /FLOWER_BASIC_AUTH="admin:\$\$pw"/);
    assert.match(script, /set FLOWER_PASSWORD or a readable FLOWER_PASSWORD_FILE/);
    assert.match(script, /CELERY_BROKER_URL="redis:\/\/:\$\$\{bpw\}@redis:6379\/0"/);
    assert.equal(flower.environment?.FLOWER_URL_PREFIX, 'flower');
    assert.deepEqual(prod.services.flower?.secrets, ['flower_password', 'redis_password']);
    assert.ok(model.secrets.some(s => s.name === 'flower_password'));

    const rabbit = renderCompose(modelOf({ backend: 'fastapi', services: 'rabbitmq,flower' })).base.services.flower!;
    assert.match(rabbit.command!.at(-1)!, /amqp:\/\/\$\$\{RABBITMQ_USER\}:\$\$\{bpw\}@rabbitmq:5672\/\$\$\{RABBITMQ_VHOST\}/);
    assert.deepEqual(Object.keys(rabbit.depends_on ?? {}), ['rabbitmq']);
  });

  it('kafka, mongodb and orientdb stay on the internal network and give the apps their addresses', () => {
    for (const name of ['zookeeper', 'kafka', 'mongodb', 'orientdb', 'pgbouncer']) assert.deepEqual(base.services[name]?.networks, ['internal'], name);
    assert.equal(model.appEnv.KAFKA_BOOTSTRAP_SERVERS, 'kafka:9092');
    assert.equal(model.appEnv.MONGO_HOST, 'mongodb');
    assert.equal(model.appEnv.ORIENTDB_HOST, 'orientdb');
    assert.ok(model.appSecrets.some(s => s.env === 'MONGO_PASSWORD'));
    assert.ok(model.appSecrets.some(s => s.env === 'ORIENTDB_PASSWORD'));
    assert.equal(prod.services.mongodb?.environment?.MONGO_INITDB_ROOT_PASSWORD_FILE, '/run/secrets/mongo_root_password');
    assert.match(base.services.orientdb!.command!.at(-1)!, /ORIENTDB_ROOT_PASSWORD_FILE/);
    assert.deepEqual(base.services.kafka?.depends_on, { zookeeper: { condition: 'service_healthy' } });
  });
});
