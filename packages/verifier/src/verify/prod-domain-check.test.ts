/** A .localhost domain or ACME e-mail: one warning line when generated, a failed `portal verify --prod`. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { portalSync } from 'generator-portal/testing/bin.js';
import { freshFolder } from 'generator-portal/testing/generate.js';

const portal = (args: string[], cwd: string, env: Record<string, string> = {}) =>
  portalSync(args, { cwd, input: '', env: { CI: 'true', PORTAL_ENV: '', ...env } });

describe('a prod deployment under .localhost', () => {
  it('warns in one line at generation, passes plain verify, fails verify --prod (and PORTAL_ENV=prod) naming both', () => {
    const repo = join(freshFolder('local'), 'portal');
    const made = portal(['--yes', '--out', repo, '--services', 'postgis,nginx,traefik', '--secret-seed', 'x'], '/');
    assert.equal(made.status, 0, made.stderr);
    const warnings = made.stderr.split('\n').filter(line => /warning/.test(line));
    assert.deepEqual(warnings, [
      "portal: warning: the prod domain portal.localhost, the ACME e-mail admin@portal.localhost are under .localhost, which resolves only on this machine: pass --domain <the server's domain> and --acme-email <your address> before deploying (portal verify --prod fails until then)",
    ]);
    const plain = portal(['verify', '--checklist-only'], repo);
    assert.equal(plain.status, 0, plain.stdout);
    assert.doesNotMatch(plain.stdout, /prod domain/);
    for (const [args, env] of [
      [['verify', '--checklist-only', '--prod'], {}],
      [['verify', '--checklist-only'], { PORTAL_ENV: 'prod' }],
    ] as const) {
      const prod = portal([...args], repo, env);
      assert.equal(prod.status, 1, prod.stdout + prod.stderr);
      const line = prod.stdout.split('\n').find(l => l.includes('prod domain'));
      assert.equal(
        line,
        "failed  prod domain: DOMAIN=portal.localhost in .env resolves only on this machine: run portal --domain <the server's domain>; the ACME e-mail admin@portal.localhost in traefik/traefik.yml is not deliverable and Let's Encrypt refuses it: set --acme-email to a real address and run portal again",
      );
    }
  });

  it('a real domain and e-mail: no warning, verify --prod passes; a .localhost instance fails it', () => {
    const repo = join(freshFolder('real'), 'portal');
    const made = portal(
      ['--yes', '--out', repo, '--services', 'postgis,nginx,traefik', '--domain', 'maps.example.org', '--acme-email', 'ops@example.org', '--secret-seed', 'x'],
      '/',
    );
    assert.equal(made.status, 0, made.stderr);
    assert.doesNotMatch(made.stderr, /warning/);
    const prod = portal(['verify', '--checklist-only', '--prod'], repo);
    assert.match(prod.stdout, /^passed {2}prod domain$/m, prod.stdout);
    const added = portal(['instance', 'add', 'staging', '--domain', 'staging.localhost', '--secret-seed', 'x'], repo);
    assert.equal(added.status, 0, added.stderr);
    assert.match(added.stderr, /portal: warning: instance staging's domain is under \.localhost/);
    const again = portal(['verify', '--checklist-only', '--prod'], repo);
    assert.equal(again.status, 1);
    assert.match(
      again.stdout,
      /failed {2}prod domain: DOMAIN=staging\.localhost in instances\/staging\.env resolves only on this machine: run portal instance add staging --domain <its domain>$/m,
    );
  });

  it('DOMAIN set by hand to .localhost while the answers name the server: the fix is to set it as they say', () => {
    const repo = join(freshFolder('hand'), 'portal');
    assert.equal(portal(['--yes', '--out', repo, '--domain', 'maps.example.org', '--secret-seed', 'x'], '/').status, 0);
    const env = join(repo, '.env');
    writeFileSync(env, readFileSync(env, 'utf8').replace(/^DOMAIN=.*$/m, 'DOMAIN=maps.localhost'));
    const prod = portal(['verify', '--checklist-only', '--prod'], repo);
    assert.equal(prod.status, 1);
    assert.match(
      prod.stdout,
      /^failed {2}prod domain: DOMAIN=maps\.localhost in \.env resolves only on this machine: set DOMAIN=maps\.example\.org there, as the answers say$/m,
    );
  });

  it('DOMAIN written as compose also reads it (quoted, commented, exported) is still found', () => {
    const repo = join(freshFolder('quoted'), 'portal');
    assert.equal(portal(['--yes', '--out', repo, '--domain', 'maps.example.org', '--secret-seed', 'x'], '/').status, 0);
    const env = join(repo, '.env');
    const original = readFileSync(env, 'utf8');
    for (const line of ['DOMAIN="x.localhost"', "DOMAIN='x.localhost'", 'DOMAIN=x.localhost # c', 'export DOMAIN=x.localhost']) {
      writeFileSync(env, original.replace(/^DOMAIN=.*$/m, line));
      const prod = portal(['verify', '--checklist-only', '--prod'], repo);
      assert.equal(prod.status, 1, line);
      assert.match(prod.stdout, /^failed {2}prod domain: DOMAIN=x\.localhost in \.env resolves only on this machine/m, line);
    }
  });
});
