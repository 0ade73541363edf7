/**
 * Every check must be able to fail: each case plants one fault in a copy of a valid generated repo and
 * expects that check, and only the checks it names, to report it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generate, SCENARIOS } from 'generator-portal/testing/generate.js';
import type { Check } from '../checks/check.js';
import { composeConfigCheck, composeSchemaCheck, dclintCheck } from './compose-checks.js';
import { postgresInitCheck, rabbitmqCheck, redisCheck } from './data-checks.js';
import { celeryCheck, dockerfileSyntaxCheck, jsonCheck, nodeCheck, promtoolCheck, pythonCheck, shellcheckCheck, yamllintCheck } from './file-checks.js';
import { verifyRepo } from './index.js';
import { liveProxyCheck } from './live/live-proxy-check.js';
import { nginxCheck, varnishCheck } from './proxy-checks.js';

interface Fault {
  readonly what: string;
  readonly check: Check;
  readonly file: string;
  readonly plant: (text: string) => string;
}

const append = (extra: string) => (text: string) => `${text}${extra}`;
const replace = (from: string | RegExp, to: string) => (text: string) => {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`fault not planted: ${String(from)} not found`);
  return changed;
};

const FAULTS: readonly Fault[] = [
  {
    what: 'an unset variable',
    check: composeConfigCheck,
    file: 'docker-compose.yml',
    plant: replace('image: postgis/postgis:16-3.5', 'image: postgis/postgis:${PG_TAG}'),
  },
  {
    what: 'a dependency on a missing service',
    check: composeConfigCheck,
    file: 'docker-compose.yml',
    plant: replace('      db:\n        condition: service_healthy', '      dbx:\n        condition: service_healthy'),
  },
  {
    what: 'an unknown service key',
    check: composeSchemaCheck,
    file: 'docker-compose.prod.yml',
    plant: replace('    restart: unless-stopped', '    restart: unless-stopped\n    bogus_key: 1'),
  },
  { what: 'an image on latest', check: dclintCheck, file: 'docker-compose.yml', plant: replace('image: redis:7.4.2-alpine', 'image: redis:latest') },
  { what: 'a duplicate YAML key', check: yamllintCheck, file: 'prometheus/prometheus.yml', plant: replace('global:', 'global:\n  scrape_interval: 30s') },
  { what: 'an unquoted rm -rf', check: shellcheckCheck, file: 'scripts/backup.sh', plant: append('\nrm -rf $dest/*\n') },
  {
    what: 'an unresolvable upstream',
    check: nginxCheck,
    file: 'nginx/snippets/upstreams.conf',
    plant: append('\nupstream broken {\n    server no-such-host.invalid:80;\n}\n'),
  },
  { what: 'an nginx syntax error', check: nginxCheck, file: 'nginx/sites/prod.conf', plant: append('\nserver {\n    listen 8080\n}\n') },
  {
    what: 'a VCL syntax error',
    check: varnishCheck,
    file: 'varnish/default.vcl',
    plant: replace('sub vcl_deliver {', 'sub vcl_deliver {\n    set resp.http.X = ;'),
  },
  { what: 'a bad scrape interval', check: promtoolCheck, file: 'prometheus/prometheus.yml', plant: replace('scrape_interval: 15s', 'scrape_interval: 15x') },
  { what: 'a bad alert expression', check: promtoolCheck, file: 'prometheus/rules/portal.yml', plant: replace('expr: up == 0', 'expr: up ==') },
  { what: 'an unknown instruction', check: dockerfileSyntaxCheck, file: 'backend/Dockerfile', plant: append('\nFOO bar\n') },
  { what: 'a Python syntax error', check: pythonCheck, file: 'backend/portal/views.py', plant: append('\ndef broken(:\n') },
  { what: 'a missing reliability setting', check: celeryCheck, file: 'backend/portal/celery.py', plant: replace('    task_acks_late=True,\n', '') },
  { what: 'a failing init SQL', check: postgresInitCheck, file: 'postgres/initdb/01-extensions.sql', plant: append('\nSELECT no_such_function();\n') },
  {
    what: 'the tileserver reading the app tables',
    check: postgresInitCheck,
    file: 'postgres/initdb/02-roles.sh',
    plant: replace(
      'GRANT USAGE ON SCHEMA tiles TO tileserver;',
      'GRANT USAGE ON SCHEMA tiles TO tileserver;\nALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tileserver;',
    ),
  },
  { what: 'a bad memory value', check: redisCheck, file: 'redis/redis.conf', plant: replace('maxmemory 256mb', 'maxmemory 256xb') },
  { what: 'an unknown setting', check: rabbitmqCheck, file: 'rabbitmq/rabbitmq.conf', plant: append('\nno_such.key = 1\n') },
  {
    what: 'PURGE refused from the inside (Varnish sets X-Forwarded-For itself)',
    check: liveProxyCheck,
    file: 'varnish/default.vcl',
    plant: replace('req.http.X-Forwarded-For != "" + client.ip', 'req.http.X-Forwarded-For'),
  },
  {
    what: 'tiles cached for requests with Authorization',
    check: liveProxyCheck,
    file: 'varnish/default.vcl',
    plant: replace(' || req.http.Authorization', ''),
  },
  { what: 'the Via header left on answers', check: liveProxyCheck, file: 'varnish/default.vcl', plant: replace('    unset resp.http.Via;\n', '') },
  {
    what: 'the API cached',
    check: liveProxyCheck,
    file: 'varnish/default.vcl',
    plant: replace(/(if \(req\.url ~ "\^\/api\/"\) \{\n\s+set req\.backend_hint = be_backend;\n\s+)return \(pass\);/, '$1return (hash);'),
  },
  { what: 'broken JSON', check: jsonCheck, file: 'grafana/dashboards/portal-overview.json', plant: append('}') },
];

describe('each check reports a planted fault', () => {
  let valid = '';
  before(async () => {
    valid = await generate(SCENARIOS['every-service']!);
  });

  it('the unbroken repo passes every check', async () => {
    const results = await verifyRepo(valid);
    assert.deepEqual(
      results.filter(r => r.status === 'failed').map(r => `${r.name}: ${r.detail}`),
      [],
    );
  });

  for (const fault of FAULTS) {
    it(`${fault.check.name} fails on ${fault.what} in ${fault.file}`, async t => {
      const repo = join(mkdtempSync(join(tmpdir(), 'portal-fault-')), 'portal');
      cpSync(valid, repo, { recursive: true });
      const path = join(repo, fault.file);
      writeFileSync(path, fault.plant(readFileSync(path, 'utf8')));
      const results = [await fault.check.run(repo)].flat();
      if (results.every(r => r.status === 'skipped') && process.env.CI !== 'true') return t.skip(results[0]!.detail);
      assert.ok(
        results.some(r => r.status === 'failed'),
        `not caught: ${JSON.stringify(results)}`,
      );
    });
  }

  it('a node syntax error is caught', async () => {
    const repo = await generate({ backend: 'node', services: 'none' });
    writeFileSync(join(repo, 'backend/src/server.js'), 'const = 1;\n');
    const [result] = [await nodeCheck.run(repo)].flat();
    assert.equal(result!.status, 'failed');
  });
});
