/**
 * The live proxy check on real nginx and varnish: each edge topology passes as generated, and each defence
 * against forged request headers, planted away, makes it fail with the matching finding.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { generate } from 'generator-portal/testing/generate.js';
import type { CheckResult } from '../../checks/check.js';
import { liveProxyCheck } from './live-proxy-check.js';

const TOPOLOGIES = {
  /** nginx terminates TLS (the defaults): prod runs over HTTPS with a throwaway certificate. */
  nginxTls: {},
  /** traefik, then nginx, then varnish. */
  traefikNginx: { services: 'postgis,redis,celery,tileserver,varnish,nginx,traefik,prometheus,grafana' },
  /** varnish is the edge itself (no nginx, no traefik). */
  varnishEdge: { backend: 'fastapi', services: 'postgis,tileserver,varnish' },
  /** traefik, then varnish as the front. */
  traefikVarnish: { backend: 'fastapi', services: 'postgis,tileserver,varnish,traefik' },
} as const;
type Topology = keyof typeof TOPOLOGIES;

interface Fault {
  readonly what: string;
  readonly repo: Topology;
  readonly file: string;
  readonly plant: (text: string) => string;
  /** The finding that names the fault. */
  readonly finding: RegExp;
}

const replace = (from: string | RegExp, to: string) => (text: string) => {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`fault not planted: ${String(from)} not found`);
  return changed;
};

const FAULTS: readonly Fault[] = [
  {
    what: "nginx forwards the client's Host header, port included, as X-Forwarded-Host (issue 12, finding 11)",
    repo: 'traefikNginx',
    file: 'nginx/snippets/proxy.conf',
    plant: replace('proxy_set_header X-Forwarded-Host $public_host;', 'proxy_set_header X-Forwarded-Host $http_host;'),
    finding: /prod: GET \S+: grafana received X-Forwarded-Host '[^']+:1234'/,
  },
  {
    // grafana's route: nginx proxies to the app directly (varnish would strip it again on the others)
    what: "nginx passes a client's Forwarded header on",
    repo: 'traefikNginx',
    file: 'nginx/snippets/proxy.conf',
    plant: replace('proxy_set_header Forwarded "";\n', ''),
    finding: /prod: GET \/grafana\/poison: grafana received forwarded/,
  },
  {
    what: "nginx passes a client's X-Forwarded-Proto on",
    repo: 'traefikNginx',
    file: 'nginx/snippets/proxy.conf',
    plant: replace('proxy_set_header X-Forwarded-Proto $public_scheme;', 'proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;'),
    finding: /prod: GET \S+: grafana received X-Forwarded-Proto 'http', expected https/,
  },
  {
    what: 'nginx appends to the X-Forwarded-For a client wrote',
    repo: 'nginxTls',
    file: 'nginx/snippets/proxy.conf',
    plant: replace('proxy_set_header X-Forwarded-For $remote_addr;', 'proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;'),
    finding: /received x-forwarded-for '203\.0\.113\.66, [^']*': an address the client wrote/,
  },
  {
    what: 'nginx passes a method override on',
    repo: 'traefikNginx',
    file: 'nginx/snippets/proxy.conf',
    plant: replace('proxy_set_header X-HTTP-Method-Override "";\n', ''),
    finding: /prod: GET \/grafana\/poison: grafana received x-http-method-override: 'DELETE'/,
  },
  {
    what: 'the TLS default server answers a Host that is not the domain',
    repo: 'nginxTls',
    file: 'nginx/sites/prod.conf',
    plant: replace('    return 421;\n', ''),
    finding: /prod: GET with Host evil\.example: answered \d+, expected no answer or 421/,
  },
  {
    what: 'varnish as the edge serves any Host in prod',
    repo: 'varnishEdge',
    file: 'varnish/default.vcl',
    plant: replace(/ {8}if \(req\.method != "PURGE" && [^\n]*\n[^\n]*\n {8}\}\n/, ''),
    finding: /prod: a request for an unknown host reached/,
  },
  {
    what: "varnish keeps the client's Host in prod",
    repo: 'varnishEdge',
    file: 'varnish/default.vcl',
    plant: replace('        set req.http.Host = std.getenv("PUBLIC_HOST");\n', ''),
    finding: /prod: GET \S+: \w+ received Host '[^']+:1234', expected/,
  },
  {
    what: "varnish passes a client's Forwarded header on",
    repo: 'traefikVarnish',
    file: 'varnish/default.vcl',
    plant: replace('    unset req.http.Forwarded;\n', ''),
    finding: /prod: GET \/tiles\/poison after a forged request: the app built 'http:\/\/evil\.example'/,
  },
  {
    what: 'varnish as the edge keeps the X-Forwarded-For a client wrote',
    repo: 'varnishEdge',
    file: 'varnish/default.vcl',
    plant: replace('    set req.http.X-Forwarded-For = client.ip;\n', ''),
    finding: /received x-forwarded-for '203\.0\.113\.66, [^']*': an address the client wrote/,
  },
  {
    what: 'varnish caches a redirect',
    repo: 'traefikNginx',
    file: 'varnish/default.vcl',
    plant: replace('beresp.http.Location || ', ''),
    finding: /GET \/tiles\/lang-redirect in German after French: redirected to '\/fr\/'/,
  },
  {
    what: 'the prod compose file gives varnish no PUBLIC_HOST',
    repo: 'varnishEdge',
    file: 'docker-compose.yml',
    plant: replace(/^ {6}PUBLIC_HOST: .*\n/m, ''),
    finding: /prod: GET with Host evil\.example: answered 200/,
  },
];

const repos = {} as Record<Topology, string>;
const run = async (repo: string): Promise<CheckResult> => [await liveProxyCheck.run(repo)].flat()[0]!;
const skipWithoutTools = (t: TestContext, result: CheckResult): boolean => {
  if (result.status !== 'skipped' || process.env.CI === 'true') return false;
  t.skip(result.detail);
  return true;
};

describe('live proxy check: forged request headers', () => {
  before(async () => {
    for (const [name, options] of Object.entries(TOPOLOGIES)) repos[name as Topology] = await generate(options);
  });

  for (const topology of Object.keys(TOPOLOGIES) as Topology[]) {
    it(`passes as generated: ${topology}`, async t => {
      const result = await run(repos[topology]);
      if (skipWithoutTools(t, result)) return;
      assert.equal(result.status, 'passed', result.detail);
      assert.match(result.detail ?? '', /dev and prod/);
    });
  }

  for (const fault of FAULTS) {
    it(`fails when ${fault.what} (${fault.repo}, ${fault.file})`, async t => {
      const repo = join(mkdtempSync(join(tmpdir(), 'portal-live-fault-')), 'portal');
      cpSync(repos[fault.repo], repo, { recursive: true });
      const path = join(repo, fault.file);
      writeFileSync(path, fault.plant(readFileSync(path, 'utf8')));
      const result = await run(repo);
      if (skipWithoutTools(t, result)) return;
      assert.equal(result.status, 'failed', `not caught: ${result.detail}`);
      assert.match(result.detail ?? '', fault.finding);
    });
  }
});
