/**
 * Bad sub-domains for Grafana and Flower, and sub-domains behind a shared Traefik that stay refused: exit 2,
 * one line naming the option and what is allowed, nothing written.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshFolder } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { portalSync } from '../testing/bin.js';

/** An app on api.<domain> and an instance on staging.example.org, behind a shared Traefik. */
function answersFile(appHost = 'api'): string {
  const file = join(freshFolder('answers'), 'answers.json');
  writeFileSync(
    file,
    JSON.stringify({
      domain: 'example.org',
      traefikNetwork: 'proxy',
      apps: [{ id: 'api', image: 'acme/api:2.0.1', port: 8080, routes: [{ path: '/', host: appHost }] }],
      instances: [{ name: 'staging', domain: 'staging.example.org' }],
    }),
  );
  return file;
}

const WITH_GRAFANA = ['--domain', 'portal.example.org', '--services', 'postgis,nginx,grafana'];

const CASES: readonly { readonly args: () => readonly string[]; readonly message: RegExp }[] = [
  { args: () => ['--grafana-host', 'grafana'], message: /^portal: Invalid --grafana-host "grafana": expected it only with the grafana service\.$/m },
  { args: () => ['--flower-host', 'flower'], message: /^portal: Invalid --flower-host "flower": expected it only with the flower service\.$/m },
  {
    args: () => [...WITH_GRAFANA, '--grafana-host', 'Bad_Label'],
    message: /Invalid --grafana-host "Bad_Label" of Grafana: expected a sub-domain label such as "api"/,
  },
  {
    args: () => [...WITH_GRAFANA, '--grafana-host', 'grafana.other.org'],
    message: /Invalid --grafana-host "grafana.other.org" of Grafana: expected a label such as "api" or a host under portal\.example\.org/,
  },
  // the portal's own domain is no sub-domain: refused, not ignored
  {
    args: () => [...WITH_GRAFANA, '--grafana-host', 'portal.example.org'],
    message:
      /^portal: Invalid --grafana-host "portal\.example\.org": expected a sub-domain label such as "grafana" \(for grafana\.portal\.example\.org\), not the portal's domain/m,
  },
  {
    args: () => ['--domain', 'portal.example.org', '--services', 'postgis,nginx,celery,flower', '--flower-host', 'Portal.Example.org.'],
    message: /^portal: Invalid --flower-host "Portal\.Example\.org\.": expected a sub-domain label such as "flower"/m,
  },
  {
    args: () => ['--domain', 'portal.example.org', '--services', 'postgis,nginx,grafana,celery,flower', '--grafana-host', 'ops', '--flower-host', 'ops'],
    message: /Invalid --flower-host "ops": expected a sub-domain no app, folder or other service uses \(ops\.portal\.example\.org is taken\)/,
  },
  // behind a shared Traefik: a sub-domain an app has, or one that is an instance's domain
  {
    args: () => ['--answers', answersFile(), '--services', 'postgis,nginx,grafana', '--grafana-host', 'api'],
    message: /Invalid --grafana-host "api": expected a sub-domain no app, folder or other service uses \(api\.example\.org is taken\)/,
  },
  {
    args: () => ['--answers', answersFile(), '--services', 'postgis,nginx,grafana', '--grafana-host', 'staging'],
    message: /Invalid --grafana-host "staging": expected a sub-domain other than staging\.example\.org, which is the domain of instance "staging"/,
  },
  { args: () => ['--answers', answersFile('staging')], message: /Invalid --host "staging": expected a sub-domain other than staging\.example\.org/ },
];

describe('bad sub-domains of Grafana and Flower, and behind a shared Traefik', () => {
  for (const [i, next] of CASES.entries()) {
    it(`case ${i}: portal ${next
      .args()
      .join(' ')
      .replace(/\S*answers\.json/, 'answers.json')}`, () => {
      const folder = freshFolder('bad-hosts');
      const before = treeHash(folder);
      const args = next.args();
      const run = portalSync(['--yes', ...args, '--secret-seed', 'x'], { cwd: folder, timeout: 60_000 });
      assertRefused(args.join(' '), { code: run.status, stderr: run.stderr }, next.message, treeHash(folder) !== before);
    });
  }
});
