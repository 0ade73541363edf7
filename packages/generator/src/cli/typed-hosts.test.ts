/**
 * Sub-domains changed after generation: removing Grafana or Flower drops the sub-domain they answered on;
 * a host typed for a new app or instance that Grafana, Flower or an instance already has is refused naming
 * the option just typed (not the stored --grafana-host); behind a shared Traefik, the main deployment and
 * instances named like its routers and services ("sub-api", "nginx") still get names of their own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { freshFolder } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { portalSync } from '../testing/bin.js';

function portal(cwd: string, ...args: string[]) {
  return portalSync([...args, '--secret-seed', 'x'], { cwd });
}

/** A portal st on t.example.org, Grafana on grafana.t.example.org, an app api on api.t.example.org. */
function generated(...extra: string[]): string {
  const root = freshFolder('typed-hosts');
  const made = portal(
    root,
    '--yes',
    '--name',
    'st',
    '--domain',
    't.example.org',
    '--services',
    'postgis,nginx,varnish,grafana,prometheus',
    '--grafana-host',
    'grafana',
    '--out',
    'st',
    '--skip-git',
    ...extra,
  );
  assert.equal(made.status, 0, made.stderr);
  const repo = join(root, 'st');
  const app = portal(repo, 'add', 'app', 'api', '--image', 'nginx:1.27', '--port', '80', '--route', 'api:/', '--yes');
  assert.equal(app.status, 0, app.stderr);
  return repo;
}

const stored = (repo: string) => JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-portal'] as Record<string, unknown>;

describe('sub-domains changed after generation', () => {
  for (const shared of [false, true]) {
    it(`portal remove grafana drops its sub-domain${shared ? ' (shared Traefik)' : ''}`, () => {
      const repo = generated(...(shared ? ['--traefik-network', 'proxy_net'] : []));
      const run = portal(repo, 'remove', 'grafana');
      assert.equal(run.status, 0, run.stderr);
      assert.equal(stored(repo).grafanaHost, undefined);
      assert.ok(!(stored(repo).services as string[]).includes('grafana'));
    });
  }

  it('a host typed now that Grafana or an instance has is refused naming the option typed', () => {
    const repo = generated();
    const staged = portal(repo, 'instance', 'add', 'staging', '--domain', 'staging.example.net');
    assert.equal(staged.status, 0, staged.stderr);
    const cases: [string[], RegExp][] = [
      [
        ['add', 'app', 'w5', '--image', 'nginx:1.27', '--port', '80', '--route', 'grafana:/', '--yes'],
        /^portal: Invalid --route "grafana": expected a sub-domain other than grafana\.t\.example\.org, which Grafana \(--grafana-host\) answers on\.$/m,
      ],
      [
        ['add', 'app', 'w5', '--image', 'nginx:1.27', '--port', '80', '--route', '/', '--host', 'grafana.t.example.org', '--yes'],
        /^portal: Invalid --host "grafana\.t\.example\.org": expected a sub-domain other than grafana\.t\.example\.org, which Grafana/m,
      ],
      [
        ['add', 'app', 'w5', '--image', 'nginx:1.27', '--port', '80', '--route', '/', '--host', 'staging.example.net', '--yes'],
        /^portal: Invalid --host "staging\.example\.net"/m,
      ],
      [
        ['instance', 'add', 'st2', '--domain', 'grafana.t.example.org'],
        /^portal: Invalid --domain "grafana\.t\.example\.org": expected a domain of its own for instance "st2": grafana\.t\.example\.org is the one Grafana \(--grafana-host\) answers on\.$/m,
      ],
      [
        ['instance', 'add', 'st2', '--domain', 'api.t.example.org'],
        /^portal: Invalid --domain "api\.t\.example\.org": expected a domain of its own for instance "st2": api\.t\.example\.org is the one app "api" answers on\.$/m,
      ],
    ];
    for (const [args, message] of cases) {
      const before = treeHash(repo);
      const run = portal(repo, ...args);
      assertRefused(args.join(' '), { code: run.status, stderr: run.stderr }, message, treeHash(repo) !== before);
    }
  });

  it(
    'shared Traefik: the main deployment and instances "sub-api" and "nginx" share no router or service name',
    { skip: spawnSync('docker-compose', ['version']).status !== 0 ? 'needs docker-compose' : false },
    () => {
      const repo = generated('--traefik-network', 'proxy_net');
      for (const [name, domain] of [
        ['sub-api', 'sa.example.net'],
        ['nginx', 'ng.example.net'],
      ]) {
        const run = portal(repo, 'instance', 'add', name!, '--domain', domain!);
        assert.equal(run.status, 0, run.stderr);
      }
      const routers: string[] = [];
      const services: string[] = [];
      for (const instance of [undefined, 'sub-api', 'nginx']) {
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
        const config = parse(run.stdout) as { services: Record<string, { labels?: Record<string, string> | string[] }> };
        const keys = Object.values(config.services).flatMap(service =>
          Array.isArray(service.labels) ? service.labels.map(label => label.split('=')[0]!) : Object.keys(service.labels ?? {}),
        );
        routers.push(...keys.flatMap(key => /^traefik\.http\.routers\.([^.]+)\.rule$/.exec(key)?.slice(1) ?? []));
        services.push(...keys.flatMap(key => /^traefik\.http\.services\.([^.]+)\.loadbalancer\.server\.port$/.exec(key)?.slice(1) ?? []));
      }
      // main: domain, api, grafana; each instance the same three; a service on varnish and one on nginx each
      assert.equal(routers.length, 9, routers.join(' '));
      assert.equal(services.length, 6, services.join(' '));
      assert.deepEqual([...new Set(routers)].sort(), [...routers].sort());
      assert.deepEqual([...new Set(services)].sort(), [...services].sort());
    },
  );
});
