/** "Next" fits the run: the whole start first, then what an add or an instance needs; nothing of it on exit 3 or 4. */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { portalSync } from '../../testing/bin.js';
import { freshFolder } from '../../testing/generate.js';

/** Yeoman's log goes to stderr without a terminal: `out` is both, as the user reads them. */
const portal = (args: string[], cwd: string) => {
  const run = portalSync([...args, '--secret-seed', 'x'], { cwd, input: '', env: { CI: 'true' } });
  return { ...run, out: run.stdout + run.stderr };
};

let pristine = '';
let first = '';
const copy = (name: string) => {
  const repo = join(freshFolder(name), 'portal');
  cpSync(pristine, repo, { recursive: true });
  return repo;
};

describe('the Next block', () => {
  before(() => {
    pristine = join(freshFolder('pristine'), 'portal');
    const run = portal(['--yes', '--out', pristine, '--services', 'postgis,nginx,prometheus', '--domain', 'maps.example.org'], '/');
    assert.equal(run.status, 0, run.stderr);
    first = run.out;
  });

  it('a first run: dev, then on the server create-secrets.sh (the certificate nginx needs) before the prod restart', () => {
    const next = first.slice(first.indexOf('Next:'));
    assert.match(first, /Wrote the portal deployment repo to /);
    assert.match(
      next,
      /on the server, with maps\.example\.org pointing at it:\n {2}scripts\/create-secrets\.sh +# \.env, secrets\/, a self-signed certificate until yours is in TLS_CERT_DIR\n {2}PORTAL_ENV=prod scripts\/restart\.sh\n/,
    );
  });

  it('after portal add grafana: its address and where its password is', () => {
    const run = portal(['add', 'grafana'], copy('grafana'));
    assert.equal(run.status, 0, run.stderr);
    assert.doesNotMatch(run.out, /Wrote the/);
    assert.match(run.out, /Updated the portal deployment repo in /);
    assert.match(run.out, /open http:\/\/localhost:8080\/grafana\/ +# Grafana dashboards; on the server https:\/\/maps\.example\.org\/grafana\//);
    assert.match(run.out, /# Grafana admin login: GRAFANA_ADMIN_PASSWORD in \.env, secrets\/grafana_admin_password in prod/);
    assert.match(run.out, /scripts\/create-secrets\.sh && PORTAL_ENV=prod scripts\/restart\.sh/);
  });

  it("after portal instance add: the instance's own commands", () => {
    const run = portal(['instance', 'add', 'staging', '--domain', 'staging.example.org'], copy('instance'));
    assert.equal(run.status, 0, run.stderr);
    const next = run.out.slice(run.out.indexOf('Next:'));
    assert.match(
      next,
      /# instance staging, on the server, with staging\.example\.org pointing at it:\n {2}PORTAL_INSTANCE=staging scripts\/create-secrets\.sh +# instances\/staging\.env, secrets\/staging\/[^\n]*\n {2}PORTAL_INSTANCE=staging scripts\/restart\.sh\n/,
    );
    assert.doesNotMatch(next, /PORTAL_ENV=prod/);
  });

  it('merge conflicts (exit 4): the conflict, and no "Updated ... Next" as if all went well', () => {
    const repo = copy('conflict');
    const readme = join(repo, 'README.md');
    writeFileSync(readme, readFileSync(readme, 'utf8').replace(/^(Container deployment of the .*)$/m, 'Our maps portal, run by the GIS team.'));
    const run = portal(['add', 'grafana'], repo);
    assert.equal(run.status, 4, run.stdout + run.stderr);
    assert.match(run.stderr, /resolve the <<<<<<< ======= >>>>>>> markers in: README\.md/);
    assert.doesNotMatch(run.stdout + run.stderr, /Next:|Updated the|Wrote the/);
  });

  it('edits kept without a terminal (exit 3): the kept files, and no "Next"', () => {
    const repo = copy('kept');
    const readme = join(repo, 'README.md');
    writeFileSync(readme, `${readFileSync(readme, 'utf8')}\nOur own notes.\n`);
    // a record that no longer matches what the last run wrote: no trusted base, so Yeoman's conflicter keeps it
    const rc = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'));
    rc['generator-portal'].fileHashes['README.md'] = '0'.repeat(64);
    writeFileSync(join(repo, '.yo-rc.json'), JSON.stringify(rc, null, 2));
    const run = portal(['add', 'grafana'], repo);
    assert.equal(run.status, 3, run.stdout + run.stderr);
    assert.match(run.stderr, /kept your edits, not overwritten: README\.md/);
    assert.doesNotMatch(run.stdout + run.stderr, /Next:|Updated the|Wrote the/);
  });
});
