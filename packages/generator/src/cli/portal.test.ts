import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { treeHash } from '../testing/tree-hash.js';
import { portalSync } from '../testing/bin.js';

// stdin is not a terminal here, as in CI and scripts
const run = (args: string[], cwd: string) => portalSync(args, { cwd, timeout: 60_000 });

describe('portal bin', () => {
  it('scaffolds the default portal in an empty folder (as root too) and says what to do next', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-bin-'));
    const result = run(['--yes'], cwd);
    assert.equal(result.status, 0, result.stderr);
    // Yeoman logs on stderr, like the files it created
    const output = result.stdout + result.stderr;
    assert.match(output, new RegExp(`Wrote the portal-bin-\\w+ deployment repo to ${cwd}`));
    assert.match(output, /Next:[\s\S]*scripts\/restart\.sh/);
    assert.ok(readdirSync(cwd).includes('docker-compose.yml'));
  });

  it('re-runs with the same answers without changing a byte', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-same-'));
    assert.equal(run(['--yes', '--services', 'postgis,redis,nginx,prometheus,grafana'], cwd).status, 0);
    const before = treeHash(cwd);
    const again = run(['--yes'], cwd);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(treeHash(cwd), before);
  });

  it('adds a service on re-run: updates untouched files, merges the new lines into an edited one', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-add-'));
    assert.equal(run(['--yes'], cwd).status, 0);
    appendFileSync(join(cwd, 'nginx/snippets/routes.conf'), '# ops: extra location below\n');
    const env = readFileSync(join(cwd, '.env'), 'utf8');
    const result = run(['--yes', '--services', 'postgis,redis,tileserver,varnish,nginx,backup,prometheus'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /merged your edits with the new version: nginx\/snippets\/routes\.conf/);
    const routes = readFileSync(join(cwd, 'nginx/snippets/routes.conf'), 'utf8');
    assert.match(routes, /# ops: extra location below/);
    assert.match(routes, /location = \/metrics \{/);
    assert.match(readFileSync(join(cwd, 'docker-compose.yml'), 'utf8'), /^ {2}prometheus:$/m);
    assert.ok(readFileSync(join(cwd, '.env'), 'utf8').startsWith(env));
  });

  it('keeps an edited file and says so when what it last wrote is unknown (another generator version)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-keep-'));
    assert.equal(run(['--yes'], cwd).status, 0);
    appendFileSync(join(cwd, 'nginx/snippets/routes.conf'), '# ops: extra location below\n');
    // a hash this generator never wrote: the base cannot be re-rendered, so there is nothing to merge against
    const rcPath = join(cwd, '.yo-rc.json');
    const rc = JSON.parse(readFileSync(rcPath, 'utf8'));
    rc['generator-portal'].fileHashes['nginx/snippets/routes.conf'] = '0'.repeat(64);
    writeFileSync(rcPath, JSON.stringify(rc, null, 2));
    const result = run(['--yes', '--services', 'postgis,redis,tileserver,varnish,nginx,backup,prometheus'], cwd);
    assert.equal(result.status, 3, result.stderr);
    assert.match(result.stderr, /kept your edits, not overwritten: nginx\/snippets\/routes\.conf\n/);
    assert.match(readFileSync(join(cwd, 'nginx/snippets/routes.conf'), 'utf8'), /# ops: extra location below/);
    // reported again on the next run, until --force takes the new version
    const again = run(['--yes'], cwd);
    assert.equal(again.status, 3, again.stderr);
    assert.match(again.stderr, /kept your edits, not overwritten: nginx\/snippets\/routes\.conf\n/);
    const forced = run(['--yes', '--force'], cwd);
    assert.equal(forced.status, 0, forced.stderr);
    assert.match(readFileSync(join(cwd, 'nginx/snippets/routes.conf'), 'utf8'), /location = \/metrics \{/);
  });

  it('prints help from the generator options', () => {
    const result = run(['--help'], mkdtempSync(join(tmpdir(), 'portal-help-')));
    assert.equal(result.status, 0);
    for (const option of ['--out', '--name', '--domain', '--backend', '--services', '--storage', '--data-root', '--yes'])
      assert.ok(result.stdout.includes(option), option);
  });

  for (const [args, culprit] of [
    [['--name', 'Not A Slug'], '--name "Not A Slug"'],
    [['--domain', 'nodot'], '--domain "nodot"'],
    [['--services', 'postgis,mysql'], '--services "mysql"'],
    [['--backend', 'rails'], '--backend "rails"'],
    [['--storage', 'nfs'], '--storage "nfs"'],
    [['--backend', 'image', '--backend-image', 'acme/api'], '--backend-image "acme/api"'],
  ] as const) {
    it(`exits non-zero on ${args.join(' ')}, naming the culprit, writing nothing`, () => {
      const cwd = mkdtempSync(join(tmpdir(), 'portal-bad-'));
      const result = run(['--yes', ...args], cwd);
      assert.equal(result.status, 2);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.ok(result.stderr.includes(culprit), result.stderr);
      assert.deepEqual(readdirSync(cwd), []);
    });
  }

  it('portal verify prints one line per check and fails when a check fails', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-verify-'));
    assert.equal(run(['--yes'], cwd).status, 0);
    const clean = run(['verify', '--checklist-only'], cwd);
    assert.equal(clean.status, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /^passed {2}NGX-02 server_tokens off$/m);
    assert.match(clean.stdout, /^\d+ passed, 0 failed, 0 skipped$/m);
    appendFileSync(join(cwd, 'redis/redis.conf'), 'rename-command FLUSHALL ""\n');
    const broken = run(['verify', '--checklist-only'], cwd);
    assert.equal(broken.status, 1);
    assert.match(broken.stdout, /^failed {2}RDS-03 ACLs, not rename-command: redis\.conf: rename-command$/m);
    assert.match(broken.stderr, /^portal: 1 of \d+ checks failed$/m);
  });
});
