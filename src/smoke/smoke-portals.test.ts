/**
 * The smoke run boots generated portals for real (Debian's servers, stand-ins where Debian has none) and
 * passes: the default portal, one with every service (on bind storage), and each starter backend.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generate, SCENARIOS } from '../testing/generate.js';
import { runSmoke, smokeSkip } from '../testing/smoke.js';

describe('smoke run: generated stacks boot and work', { skip: smokeSkip() }, () => {
  // generating (yeoman-test) must not overlap, so each test generates, then runs
  it('default portal (django, postgis, redis, tileserver, varnish, nginx, backup)', async () => {
    const run = await runSmoke(await generate({}));
    assert.equal(run.code, 0, run.output);
    for (const line of [
      /ok {4}healthcheck of db: pg_isready/,
      /ok {4}healthcheck of nginx/,
      /ok {4}app health \/health answers 200 from the app through nginx \(https/,
      /ok {4}\/static\/\S+ is served from \/srv\/static\//,
      /ok {4}\/media\/\S+ is served from \/srv\/media\//,
      /ok {4}migrate ran to completion/,
      /stopped \d+ services by PID, no process left/,
      /ok {4}tiles: GET \/tiles\/tiles\.demo_places\/0\/0\/0\.pbf is a vector tile/,
      /ok {4}tiles: the same tile again is a cache hit in varnish/,
      /ok {4}API answers are not cached/,
      /ok {4}security headers/,
      /ok {4}restore\.sh db into smoke_restore: \d+ tables, same row counts/,
      /ok {4}restore\.sh files media: 4 files, same checksums/,
      /stand-in for tileserver: pg_tileserv has no Debian package/,
    ]) assert.match(run.output, line);
  });

  it('every service on bind storage: rabbitmq broker, celery worker, prometheus with every exporter, grafana stand-in', async () => {
    const run = await runSmoke(await generate(SCENARIOS['every-service-bind']!));
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ok {4}scripts\/create-storage\.sh made the host folders of bind storage/);
    assert.match(run.output, /ok {4}a task sent by the app runs on celery-worker through the broker/);
    assert.match(run.output, /ok {4}prometheus: every scrape target up \(backend, grafana, nginx, postgres, prometheus, rabbitmq, redis, tileserver\)/);
    assert.match(run.output, /ok {4}healthcheck of rabbitmq: rabbitmq-diagnostics/);
    assert.match(run.output, /ok {4}restore\.sh files grafana-data/);
    // traefik has no Debian package: the run says so and goes through the hop traefik routes to
    assert.match(run.output, /not started: traefik: no Debian package or stand-in for traefik/);
    assert.match(run.output, /edge: nginx/);
  });

  it('fastapi backend with celery on redis and prometheus', async () => {
    const run = await runSmoke(await generate({ backend: 'fastapi', services: 'postgis,redis,celery,tileserver,varnish,nginx,prometheus,backup' }));
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ok {4}a task sent by the app runs on celery-worker through the broker/);
    assert.match(run.output, /ok {4}prometheus: every scrape target up/);
  });

  it('node backend', async () => {
    const run = await runSmoke(await generate({ backend: 'node', services: 'postgis,redis,tileserver,varnish,nginx,backup' }));
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /ok {4}API answers are not cached: GET \/api\/ twice through nginx \(https, Host portal\.localhost\) reaches the app twice/);
  });
});
