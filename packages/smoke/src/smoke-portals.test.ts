/**
 * The smoke run boots generated portals on a real Docker engine (stand-in images for the official ones)
 * and passes: the default portal in prod and in dev, one with every service (on bind storage), each
 * starter backend, and the Swarm stacks of the default and every-service portals on a single-node Swarm.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { generate, SCENARIOS } from 'generator-portal/testing/generate.js';
import { prepareStandIns, runSmoke, smokeSkip } from './test-support.js';

describe('smoke run: generated stacks boot and work on a real engine', { skip: smokeSkip(), concurrency: 2 }, () => {
  const repos: Record<string, string> = {};
  before(async () => {
    // generating (yeoman-test) must not overlap
    repos.default = await generate({});
    repos.dev = await generate({});
    repos.every = await generate(SCENARIOS['every-service-bind']!);
    repos.fastapi = await generate({ backend: 'fastapi', services: 'postgis,redis,celery,tileserver,varnish,nginx,prometheus,backup' });
    repos.node = await generate({ backend: 'node', services: 'postgis,redis,tileserver,varnish,nginx,backup' });
    repos.swarm = await generate({ targets: 'compose,swarm' });
    repos.swarmEvery = await generate({ ...SCENARIOS['every-service']!, targets: 'compose,swarm' });
    await prepareStandIns();
  });

  it('default portal (django, postgis, redis, tileserver, varnish, nginx, backup)', async () => {
    const run = await runSmoke(repos.default!);
    assert.equal(run.code, 0, run.output);
    for (const line of [
      /engine: dockerd \(Debian's docker\.io\)/,
      /db: postgis\/postgis:16-3\.5 -> portal-smoke\/postgis:\w+ \(stand-in: /,
      /ok {4}healthcheck of db: pg_isready/,
      /ok {4}healthcheck of varnish/,
      /ok {4}healthcheck of nginx/,
      /ok {4}migrate ran to completion/,
      /ok {4}only the edge publishes ports \(nginx\)/,
      /ok {4}network isolation: db, redis reached from \w+_internal, not from the edge network \w+_edge/,
      /ok {4}varnish: read-only root refuses writes, each tmpfs takes them/,
      /ok {4}db: capabilities are CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID and no-new-privileges holds/,
      /ok {4}redis: capabilities are none and no-new-privileges holds/,
      /ok {4}db: memory 1024 MiB and pids 200 limits in the container's cgroup/,
      /ok {4}app health \/health answers 200 from the app through nginx \(https/,
      /ok {4}\/static\/\S+ is served from \/srv\/static\//,
      /ok {4}\/media\/\S+ is served from \/srv\/media\//,
      /ok {4}tiles: GET \/tiles\/\S+\/0\/0\/0\.pbf is a vector tile/,
      /ok {4}tiles: the same tile again is a cache hit in varnish/,
      /ok {4}API answers are not cached/,
      /ok {4}security headers/,
      /ok {4}restore\.sh db into smoke_restore: \d+ tables, same row counts/,
      /ok {4}restore\.sh files media: 4 files, same checksums/,
      /ok {4}backend killed \(SIGKILL to its main process\) comes back healthy/,
      /stopped the stack and the engine, no process left/,
    ])
      assert.match(run.output, line);
  });

  it('default portal in dev: the dev override boots with the source mounted', async () => {
    const run = await runSmoke(repos.dev!, ['--dev']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /\(dev: docker-compose\.yml \+ docker-compose\.override\.yml\)/);
    assert.match(run.output, /ok {4}backend: backend is live at \/app/);
    assert.match(run.output, /ok {4}dev: backend answers GET \/health on 127\.0\.0\.1:8000/);
    assert.match(run.output, /ok {4}dev: nginx answers GET \/ on 127\.0\.0\.1:8080/);
  });

  it('every service on bind storage: rabbitmq broker, celery worker, prometheus with every exporter, grafana stand-in', async () => {
    const run = await runSmoke(repos.every!);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ok {4}scripts\/create-storage\.sh made the host folders of bind storage/);
    assert.match(run.output, /ok {4}a task sent by the app runs on celery-worker through the broker/);
    assert.match(run.output, /ok {4}prometheus: every scrape target up \(backend, grafana, nginx, postgres, prometheus, rabbitmq, redis, tileserver\)/);
    assert.match(run.output, /ok {4}healthcheck of rabbitmq: rabbitmq-diagnostics/);
    assert.match(run.output, /ok {4}restore\.sh files grafana-data/);
    assert.match(run.output, /ok {4}network isolation: [\w, -]*\brabbitmq\b/);
    // traefik has no Debian package: the run says so and goes through the hop traefik routes to
    assert.match(run.output, /not started: traefik: no stand-in image for traefik/);
    assert.match(run.output, /edge: nginx/);
  });

  it('fastapi backend with celery on redis and prometheus', async () => {
    const run = await runSmoke(repos.fastapi!);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ok {4}a task sent by the app runs on celery-worker through the broker/);
    assert.match(run.output, /ok {4}prometheus: every scrape target up/);
  });

  it('node backend', async () => {
    const run = await runSmoke(repos.node!);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /backend: `npm ci --omit=dev` dropped/);
    assert.match(run.output, /ok {4}API answers are not cached: GET \/api\/ twice through nginx \(https, Host portal\.localhost\) reaches the app twice/);
  });

  it("Swarm: the default portal's deploy/swarm/stack.yml on a single-node Swarm", async () => {
    const run = await runSmoke(repos.swarm!, ['--swarm']);
    assert.equal(run.code, 0, run.output);
    for (const line of [
      /ok {4}docker swarm init: a single-node Swarm/,
      /ok {4}docker stack deploy -c deploy\/swarm\/stack\.yml \S+: 8 services/,
      /ok {4}every service of the Swarm stack reaches its replicas and passes its healthcheck \(8 services\)/,
      /ok {4}the Swarm edge answers: GET \/ on https:\/\/\S+ \(port 443, host mode\)/,
      /ok {4}the Swarm edge routes GET \/health to backend: 200/,
      /ok {4}the Swarm edge routes GET \/tiles\/index\.json to tileserver: 200/,
      /stopped the stack and the engine, no process left/,
    ])
      assert.match(run.output, line);
  });

  it('Swarm: every service, traefik aside (no stand-in), on a single-node Swarm', async () => {
    const run = await runSmoke(repos.swarmEvery!, ['--swarm']);
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /not started in the Swarm \(no stand-in image\): traefik/);
    assert.match(run.output, /ok {4}every service of the Swarm stack reaches its replicas and passes its healthcheck \(16 services\)/);
    assert.match(run.output, /ok {4}the Swarm edge routes GET \/health to backend: 200/);
  });
});
