/**
 * Planted faults: each breaks one thing the smoke run promises (a route, a healthcheck, the cache, a scrape
 * target, the broker wiring, the backup, and what the engine enforces: networks, read-only roots, tmpfs
 * ownership, healthcheck tools, secret file modes, capabilities) and the run must fail on that check, while
 * the rest still pass.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generate } from 'generator-portal/testing/generate.js';
import { prepareStandIns, runSmoke, smokeSkip } from './test-support.js';

/** Replaces text in a generated file; the fault must really be planted. */
function plant(repo: string, file: string, from: string | RegExp, to: string): void {
  const path = join(repo, file);
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `fault not planted: ${String(from)} not found in ${file}`);
  writeFileSync(path, changed);
}

async function failsOn(repo: string, failing: RegExp, stillPassing: RegExp): Promise<void> {
  const run = await runSmoke(repo);
  assert.equal(run.code, 1, run.output);
  assert.match(run.output, failing);
  assert.match(run.output, stillPassing);
  assert.match(run.output, /smoke run FAILED/);
}

// each run has its own namespaces and work folder, and mostly waits: three at a time
describe('smoke run: planted faults make it fail', { skip: smokeSkip(), concurrency: 3 }, () => {
  const defaults: Record<string, string> = {};
  let monitored: Record<string, string> = {};
  before(async () => {
    // one repo per fault; yeoman-test runs must not overlap
    for (const name of [
      'route',
      'app-route',
      'healthcheck',
      'tile-cache',
      'api-cache',
      'backup',
      'varnish-tmpfs',
      'db-edge',
      'read-only',
      'tool',
      'secret',
      'capability',
    ])
      defaults[name] = await generate({});
    const services = { backend: 'fastapi', services: 'postgis,redis,celery,nginx,prometheus' };
    monitored = { scrape: await generate(services), broker: await generate(services) };
    await prepareStandIns();
  });

  it('the varnish defect: its tmpfs without uid is root-owned 0750 and varnishd (uid 1000) cannot start', async () => {
    plant(defaults['varnish-tmpfs']!, 'docker-compose.yml', '/var/lib/varnish:exec,uid=1000,gid=1000,mode=0750,size=128m', '/var/lib/varnish:exec,size=128m');
    await failsOn(defaults['varnish-tmpfs']!, /FAIL {2}healthcheck of varnish[\s\S]*?(Permission denied|cannot create)/i, /ok {4}healthcheck of tileserver/);
  });

  it('the database on the edge network', async () => {
    plant(defaults['db-edge']!, 'docker-compose.yml', /(\n {2}db:\n[\s\S]*?networks:\n {6}- internal\n)/, '$1      - edge\n');
    await failsOn(
      defaults['db-edge']!,
      /FAIL {2}network isolation: db, redis reached from \w+_internal, not from the edge network \w+_edge\n\s+db is attached to \w+_edge/,
      /ok {4}healthcheck of db/,
    );
  });

  it('a service writing outside its tmpfs on a read-only root: nginx without its /tmp', async () => {
    plant(defaults['read-only']!, 'docker-compose.yml', /(\n {2}nginx:\n[\s\S]*?)\n {4}tmpfs:\n {6}- \/tmp:size=128m/, '$1');
    await failsOn(defaults['read-only']!, /FAIL {2}healthcheck of nginx[\s\S]*?Read-only file system/, /ok {4}healthcheck of varnish/);
  });

  it('a healthcheck calling a tool the image lacks: curl in the tileserver', async () => {
    plant(
      defaults.tool!,
      'docker-compose.yml',
      /(\n {2}tileserver:\n[\s\S]*?test:\n {8}- CMD\n) {8}- wget\n {8}- -q\n {8}- --spider\n/,
      '$1        - curl\n        - -fsS\n',
    );
    await failsOn(defaults.tool!, /FAIL {2}healthcheck of tileserver[\s\S]*?curl/, /ok {4}healthcheck of nginx/);
  });

  it('a secret file the container user cannot read: redis_password mode 0600', async () => {
    plant(defaults.secret!, 'scripts/create-secrets.sh', /(echo "secrets are in)/, 'chmod 600 "$SECRETS_DIR/redis_password"\n$1');
    await failsOn(defaults.secret!, /FAIL {2}healthcheck of redis[\s\S]*?(Permission denied|empty)/, /ok {4}healthcheck of db/);
  });

  it('a capability the entrypoint needs removed: db without SETUID cannot drop to postgres', async () => {
    plant(defaults.capability!, 'docker-compose.yml', /(\n {2}db:\n[\s\S]*?cap_add:\n(?: {6}- \w+\n)*?) {6}- SETUID\n/, '$1');
    await failsOn(defaults.capability!, /FAIL {2}healthcheck of db[\s\S]*?(not permitted|failed)/i, /ok {4}healthcheck of redis/);
  });

  it('a broken route: nginx answers /tiles/ itself', async () => {
    plant(defaults.route!, 'nginx/snippets/routes.conf', 'location /tiles/ {', 'location /tiles/ {\n    return 404;');
    await failsOn(defaults.route!, /FAIL {2}tiles: layer list through the edge\n\s+GET \/tiles\/index\.json answered 404/, /ok {4}app health/);
  });

  it('a broken route to the app: nginx answers / itself with 200', async () => {
    plant(defaults['app-route']!, 'nginx/snippets/routes.conf', /location \/ \{/, 'location / {\n    return 200 "maintenance";');
    await failsOn(
      defaults['app-route']!,
      /FAIL {2}app health \/health answers 200 from the app[^\n]*\n\s+answered 200, but not by the app/,
      /ok {4}tiles: GET/,
    );
  });

  it('a healthcheck that cannot pass: redis probed on the wrong port', async () => {
    plant(defaults.healthcheck!, 'docker-compose.yml', 'redis-cli ping', 'redis-cli -p 6380 ping');
    await failsOn(defaults.healthcheck!, /FAIL {2}healthcheck of redis/, /ok {4}healthcheck of db/);
  });

  it('tiles no longer cached: varnish passes them to the tileserver', async () => {
    plant(defaults['tile-cache']!, 'varnish/default.vcl', /unset req\.http\.Cookie;\n(\s*)return \(hash\);/, 'unset req.http.Cookie;\n$1return (pass);');
    await failsOn(defaults['tile-cache']!, /FAIL {2}tiles: the same tile again is a cache hit in varnish/, /ok {4}tiles: GET .* is a vector tile/);
  });

  it('API answers cached: varnish hashes /api/', async () => {
    plant(
      defaults['api-cache']!,
      'varnish/default.vcl',
      /(req\.url ~ "\^\/api\/"\) \{\n\s*set req\.backend_hint = be_backend;\n\s*)return \(pass\);/,
      '$1unset req.http.Cookie;\n        return (hash);',
    );
    await failsOn(defaults['api-cache']!, /FAIL {2}API answers are not cached/, /ok {4}tiles: the same tile again is a cache hit/);
  });

  it('a backup that loses rows: pg_dump without data', async () => {
    plant(defaults.backup!, 'scripts/backup.sh', 'pg_dump --format=custom --no-owner', 'pg_dump --format=custom --schema-only --no-owner');
    await failsOn(
      defaults.backup!,
      /FAIL {2}restore\.sh db into smoke_restore: row counts differ\n[\s\S]*public\.smoke_rows: 1000 -> 0/,
      /ok {4}restore\.sh files media/,
    );
  });

  it('a scrape target on the wrong port', async () => {
    plant(monitored.scrape!, 'prometheus/prometheus.yml', 'redis-exporter:9121', 'redis-exporter:9122');
    await failsOn(monitored.scrape!, /FAIL {2}prometheus: every scrape target up\n\s+redis redis-exporter:9122: down/, /ok {4}a task sent by the app runs/);
  });

  it('broker wiring: the worker consumes another queue than the app sends to', async () => {
    plant(monitored.broker!, 'docker-compose.yml', /(celery-worker:[\s\S]*?- worker\n)/, '$1      - --queues=reports\n');
    await failsOn(monitored.broker!, /FAIL {2}a task sent by the app runs on celery-worker through the broker/, /ok {4}healthcheck of celery-worker/);
  });
});
