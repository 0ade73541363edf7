import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'portal.js');
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });

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

  it('prints help from the generator options', () => {
    const result = run(['--help'], mkdtempSync(join(tmpdir(), 'portal-help-')));
    assert.equal(result.status, 0);
    for (const option of ['--name', '--domain', '--backend', '--services', '--storage', '--data-root', '--yes']) assert.ok(result.stdout.includes(option), option);
  });

  for (const [args, culprit] of [
    [['--name', 'Not A Slug'], '--name "Not A Slug"'],
    [['--domain', 'nodot'], '--domain "nodot"'],
    [['--services', 'postgis,kafka'], '--services "kafka"'],
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
});
