/**
 * Sub-domains behind a shared Traefik: each gets a router of its own (Host rule, entry point, resolver,
 * port) on nginx, for the domain and for every instance's domain; the repo passes `portal verify` with
 * varnish as the entry and with nginx as the entry; Grafana and Flower on their own sub-domain get the
 * looser Content-Security-Policy there only, as the real nginx answers with the generated configuration.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { freshFolder, generate } from 'generator-portal/testing/generate.js';
import { verifyRepo } from './index.js';
import { composeServiceNames, runInNamespace, tempDir } from './namespace.js';
import { isRoot, tool } from '../checks/tools.js';

const API_APP = { id: 'api', image: 'acme/api:2.0.1', port: 8080, routes: [{ path: '/', host: 'api' }] };
const STAGING = { name: 'staging', domain: 'staging.example.net' };

/** varnish is the domain's entry; the sub-domains go to nginx, which joins the network too. */
const VARNISH_ENTRY = {
  name: 'subs-a',
  domain: 'a.example.org',
  services: 'postgis,tileserver,varnish,nginx,grafana',
  traefikNetwork: 'traefik-proxy_proxy_network',
  grafanaHost: 'grafana',
};
/** nginx is the entry of the domain and of every sub-domain; Flower on one of its own. */
const NGINX_ENTRY = {
  name: 'subs-b',
  domain: 'b.example.org',
  services: 'postgis,redis,celery,flower,nginx,grafana',
  traefikNetwork: 'proxy',
  traefikEntrypoint: 'https',
  traefikCertResolver: 'le',
  grafanaHost: 'dashboards',
  flowerHost: 'flower',
};

async function generateWith(options: Record<string, string>): Promise<string> {
  const file = join(freshFolder('answers'), 'answers.json');
  writeFileSync(file, JSON.stringify({ apps: [API_APP], instances: [STAGING] }));
  return generate({ ...options, answers: file });
}

type Service = { labels?: Record<string, string> | string[]; networks?: Record<string, unknown> | string[] };

/** `docker-compose config` of base + prod (with an instance's file and env file when named). */
function prodConfig(repo: string, instance?: string): Record<string, Service> {
  const args = [
    '--env-file',
    instance ? `instances/${instance}.env.example` : '.env.example',
    '-f',
    'docker-compose.yml',
    '-f',
    'docker-compose.prod.yml',
    ...(instance ? ['-f', `instances/${instance}.yml`] : []),
    'config',
  ];
  const run = spawnSync('docker-compose', args, { cwd: repo, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return (parse(run.stdout) as { services: Record<string, Service> }).services;
}

function labelsOf(service: Service | undefined): Record<string, string> {
  const labels = service?.labels ?? {};
  return Array.isArray(labels) ? Object.fromEntries(labels.map(label => [label.slice(0, label.indexOf('=')), label.slice(label.indexOf('=') + 1)])) : labels;
}
const networksOf = (service: Service | undefined): string[] => (Array.isArray(service?.networks) ? service.networks : Object.keys(service?.networks ?? {}));

/** Each router's rule, entry point, resolver, certificate host and port, as Traefik reads the labels. */
function routers(labels: Record<string, string>): Record<string, { rule: string; entrypoints: string; resolver: string; main: string; port: string }> {
  const names = Object.keys(labels).flatMap(key => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key)?.slice(1) ?? []);
  return Object.fromEntries(
    names.map(name => {
      const at = (key: string) => labels[`traefik.http.routers.${name}.${key}`] ?? '';
      return [
        name,
        {
          rule: at('rule'),
          entrypoints: at('entrypoints'),
          resolver: at('tls.certresolver'),
          main: at('tls.domains[0].main'),
          port: labels[`traefik.http.services.${at('service')}.loadbalancer.server.port`] ?? '',
        },
      ];
    }),
  );
}

describe('sub-domains behind a shared Traefik', () => {
  let varnishRepo = '';
  let nginxRepo = '';
  before(async () => {
    varnishRepo = await generateWith(VARNISH_ENTRY);
    nginxRepo = await generateWith(NGINX_ENTRY);
  });

  it('varnish entry: the domain to varnish, each sub-domain to nginx, for the domain and an instance', () => {
    for (const [instance, project, domain] of [
      [undefined, 'subs-a', 'a.example.org'],
      ['staging', 'subs-a-staging', 'staging.example.net'],
    ] as const) {
      const services = prodConfig(varnishRepo, instance);
      assert.deepEqual(routers(labelsOf(services.varnish)), {
        [project]: { rule: `Host(\`${domain}\`)`, entrypoints: 'websecure', resolver: 'letsEncrypt', main: domain, port: '6081' },
      });
      assert.deepEqual(routers(labelsOf(services.nginx)), {
        [`${project}_api`]: { rule: `Host(\`api.${domain}\`)`, entrypoints: 'websecure', resolver: 'letsEncrypt', main: `api.${domain}`, port: '8080' },
        [`${project}_grafana`]: {
          rule: `Host(\`grafana.${domain}\`)`,
          entrypoints: 'websecure',
          resolver: 'letsEncrypt',
          main: `grafana.${domain}`,
          port: '8080',
        },
      });
      assert.equal(labelsOf(services.nginx)['traefik.docker.network'], 'traefik-proxy_proxy_network');
      assert.ok(networksOf(services.nginx).includes('traefik-proxy_proxy_network'), instance ?? 'prod');
      // nothing else is on the shared network
      const joined = Object.entries(services)
        .filter(([, service]) => networksOf(service).includes('traefik-proxy_proxy_network'))
        .map(([name]) => name)
        .sort();
      assert.deepEqual(joined, ['nginx', 'varnish']);
    }
  });

  it("varnish entry: nginx waits for the containers of the sub-domains it proxies, varnish for the domain's only", () => {
    const base = parse(readFileSync(join(varnishRepo, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { depends_on?: Record<string, unknown> }> };
    assert.deepEqual(Object.keys(base.services.nginx?.depends_on ?? {}).sort(), ['api', 'grafana']);
    assert.deepEqual(Object.keys(base.services.varnish?.depends_on ?? {}).sort(), ['backend', 'nginx', 'tileserver']);
  });

  it('nginx entry: one service on nginx for the domain and every sub-domain, the entry point and resolver answered', () => {
    for (const [instance, project, domain] of [
      [undefined, 'subs-b', 'b.example.org'],
      ['staging', 'subs-b-staging', 'staging.example.net'],
    ] as const) {
      const found = routers(labelsOf(prodConfig(nginxRepo, instance).nginx));
      const router = (host: string) => ({ rule: `Host(\`${host}\`)`, entrypoints: 'https', resolver: 'le', main: host, port: '8080' });
      assert.deepEqual(found, {
        [project]: router(domain),
        [`${project}_api`]: router(`api.${domain}`),
        [`${project}_dashboards`]: router(`dashboards.${domain}`),
        [`${project}_flower`]: router(`flower.${domain}`),
      });
    }
  });

  it('the docs list the routers', () => {
    const architecture = readFileSync(join(varnishRepo, 'docs', 'architecture.md'), 'utf8');
    assert.match(architecture, /\| `\$\{COMPOSE_PROJECT_NAME\}_grafana` \| `` Host\(`grafana\.\$\{DOMAIN\}`\) `` \| nginx \| 8080 \|/);
    assert.match(architecture, /\| `\$\{COMPOSE_PROJECT_NAME\}` \| `` Host\(`\$\{DOMAIN\}`\) `` \| varnish \| 6081 \|/);
    assert.match(readFileSync(join(varnishRepo, 'README.md'), 'utf8'), /Host\(`api\.\$\{DOMAIN\}`\) `` \(router `\$\{COMPOSE_PROJECT_NAME\}_api`, port 8080\)/);
  });

  it('Grafana and Flower answer at the root of their sub-domain', () => {
    const base = parse(readFileSync(join(nginxRepo, 'docker-compose.yml'), 'utf8')) as {
      services: Record<string, { environment?: Record<string, string>; healthcheck?: { test: string[] } }>;
    };
    assert.equal(base.services.grafana?.environment?.GF_SERVER_ROOT_URL, 'https://dashboards.${DOMAIN}/');
    assert.equal(base.services.grafana?.environment?.GF_SERVER_SERVE_FROM_SUB_PATH, 'false');
    assert.equal(base.services.flower?.environment?.FLOWER_URL_PREFIX, undefined);
    assert.ok(base.services.flower?.healthcheck?.test.includes('http://127.0.0.1:5555/healthcheck'));
    const hosts = readFileSync(join(nginxRepo, 'nginx', 'snippets', 'hosts', 'flower.conf'), 'utf8');
    assert.match(hosts, /location = \/metrics \{\s*return 404;/);
  });

  for (const [name, repo] of [
    ['varnish entry', () => varnishRepo],
    ['nginx entry', () => nginxRepo],
  ] as const) {
    it(`${name}: portal verify passes, the live run asking every sub-domain`, async () => {
      const results = await verifyRepo(repo());
      assert.deepEqual(
        results.filter(result => result.status === 'failed').map(result => `${result.name}: ${result.detail}`),
        [],
      );
      const live = results.find(result => /live/.test(result.name));
      assert.equal(live?.status, 'passed', JSON.stringify(live));
      assert.match(live?.detail ?? '', name === 'varnish entry' ? /2 sub-domains/ : /3 sub-domains/);
      assert.ok(results.some(result => /nginx -t/.test(result.name) && result.status === 'passed'));
    });
  }

  it(
    'the real nginx sends the looser CSP on the Grafana and Flower sub-domains only',
    { skip: !isRoot() || !tool('nginx') ? 'needs root and nginx' : false },
    async () => {
      const relaxed = (csp: string | undefined) => /script-src 'self' 'unsafe-inline' 'unsafe-eval'/.test(csp ?? '');
      const strict = (csp: string | undefined) => /script-src 'self';/.test(csp ?? '');
      for (const [site, domain] of [
        ['prod', 'b.example.org'],
        ['staging', 'staging.example.net'],
      ] as const) {
        const csp = await cspOf(nginxRepo, site, [
          [`dashboards.${domain}`, '/'],
          [`dashboards.${domain}`, '/d/overview'],
          [`flower.${domain}`, '/tasks'],
          [domain, '/'],
          [domain, '/grafana/'],
          [`api.${domain}`, '/'],
        ]);
        assert.ok(relaxed(csp[`dashboards.${domain}/`]), `${site}: ${JSON.stringify(csp)}`);
        assert.ok(relaxed(csp[`dashboards.${domain}/d/overview`]), site);
        assert.ok(relaxed(csp[`flower.${domain}/tasks`]), site);
        assert.ok(strict(csp[`${domain}/`]), site);
        assert.ok(strict(csp[`${domain}/grafana/`]), site);
        assert.ok(strict(csp[`api.${domain}/`]), site);
      }
    },
  );
});

/**
 * The Content-Security-Policy nginx answers each (host, path) with: the generated nginx.conf, snippets and
 * site file, run in a network namespace of its own. The upstreams do not run: headers are `always`, so a
 * 502 carries them as a 200 would.
 */
async function cspOf(repo: string, site: string, requests: readonly (readonly [string, string])[]): Promise<Record<string, string>> {
  const work = tempDir('csp');
  const etc = join(work, 'etc');
  mkdirSync(join(etc, 'conf.d'), { recursive: true });
  copyFileSync('/etc/nginx/mime.types', join(etc, 'mime.types'));
  cpSync(join(repo, 'nginx', 'snippets'), join(etc, 'snippets'), { recursive: true });
  writeFileSync(join(etc, 'nginx.conf'), readFileSync(join(repo, 'nginx', 'nginx.conf'), 'utf8').replaceAll('/tmp/', `${work}/tmp-`));
  copyFileSync(join(repo, 'nginx', 'sites', `${site}.conf`), join(etc, 'conf.d', 'default.conf'));
  // nginx resolves every upstream name when it starts
  const hosts = join(work, 'hosts');
  writeFileSync(hosts, `127.0.0.1 localhost ${composeServiceNames(repo).join(' ')}\n`);
  const client = [
    'import http.client, json, sys',
    'out = {}',
    'for host, path in json.loads(sys.argv[1]):',
    '    c = http.client.HTTPConnection("127.0.0.1", 8080, timeout=10)',
    '    c.request("GET", path, headers={"Host": host})',
    '    r = c.getresponse(); r.read()',
    '    out[host + path] = r.getheader("Content-Security-Policy")',
    'print(json.dumps(out))',
  ].join('\n');
  const script = `${tool('nginx')} -c /etc/nginx/nginx.conf || exit 1; /usr/bin/python3 -c '${client}' '${JSON.stringify(requests)}'; code=$?; kill "$(cat ${work}/tmp-nginx.pid)"; exit $code`;
  const run = await runInNamespace(
    [
      [hosts, '/etc/hosts'],
      [etc, '/etc/nginx'],
    ],
    'sh',
    ['-c', script],
    { network: true, timeoutMs: 60_000 },
  );
  assert.equal(run.code, 0, run.output);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, string>;
}
