/** `portal --help`, each command's help, `--version`, and what a run prints (stdout for results, no Yeoman noise). */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { BIN, portalSync } from '../testing/bin.js';

const run = (args: string[], cwd: string) => portalSync(args, { cwd });
const version = (JSON.parse(readFileSync(join(dirname(BIN), '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
const COMMANDS = ['add', 'remove', 'instance', 'import', 'doctor', 'verify', 'secrets'];

describe('portal --help and --version', () => {
  it('portal --help: one usage, every command, the options that do something, examples; writes nothing', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-help-'));
    const result = run(['--help'], cwd);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stderr, '');
    const help = result.stdout;
    assert.match(help, /^Usage: portal \[options\]\n {7}portal <command> \[arguments\] \[options\]\n/);
    assert.equal(help.match(/Usage:/g)?.length, 1);
    assert.doesNotMatch(help, /program|--skip-install|--force-install|--skip-cache|--ask-answered|--secret-seed/);
    for (const command of COMMANDS) assert.match(help, new RegExp(`^  ${command}\\b.* {2,}\\w`, 'm'), command);
    for (const option of ['--yes', '--services <value>', '--preset <value>', '--out <folder>', '-V, --version', '--dry-run'])
      assert.ok(help.includes(`  ${option}`), option);
    assert.match(help, /^Examples:\n {2}portal --yes$/m);
    assert.doesNotMatch(help, /^ {2}yo portal/m);
    assert.equal(run(['--out', 'new', '--help'], cwd).stdout, help);
    assert.deepEqual(readdirSync(cwd), []);
    // -h is the same
    assert.equal(run(['-h'], cwd).stdout, help);
  });

  it("each command's help names its arguments and has examples", () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-help-'));
    for (const command of COMMANDS) {
      const result = run([command, '--help'], cwd);
      assert.equal(result.status, 0, `${command}: ${result.stderr}`);
      const help = result.stdout;
      assert.match(help, new RegExp(`^Usage: portal ${command}\\b`), command);
      assert.equal(help.match(/Usage:/g)?.length, 1, command);
      assert.match(help, /\nOptions:\n[\s\S]*--out <folder>[\s\S]*-h, --help/, command);
      assert.match(help, new RegExp(`\\nExamples?:\\n {2}(mkdir new && cd new && )?portal ${command}\\b`), command);
      assert.doesNotMatch(help, /--skip-install|--force-install|program/, command);
    }
    const add = run(['add', '--help'], cwd).stdout;
    assert.match(add, /portal add <service\.\.\.> \[options\]\n {7}portal add app <id> --image <image:tag> --port <port>/);
    assert.match(add, /^Arguments:\n {2}<services> +Services to add/m);
    assert.match(add, /^ {2}--route <value\.\.\.> +With app/m);
    assert.equal(run(['app', 'set', '--help'], cwd).stdout, add);
    assert.match(
      run(['instance', '--help'], cwd).stdout,
      /portal instance add <name> --domain <domain>\n {7}portal instance remove <name>\n {7}portal instance list/,
    );
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('--version prints the package version', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-version-'));
    for (const flag of ['--version', '-V']) {
      const result = run([flag], cwd);
      assert.equal(result.status, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  it('the built bin is executable (npm link and global installs run it directly)', () => {
    assert.ok(statSync(BIN).mode & 0o111);
  });
});

describe('what a run prints', () => {
  it('a fresh run labels every file create; a re-run labels them identical; no package.json or prompt noise', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-labels-'));
    const fresh = run(['--yes', '--secret-seed', 'x'], cwd);
    assert.equal(fresh.status, 0, fresh.stderr);
    const output = fresh.stdout + fresh.stderr;
    assert.match(output, /^ +create \.yo-rc\.json$/m);
    assert.match(output, /^ +create docker-compose\.yml$/m);
    assert.doesNotMatch(output, /^ *force /m);
    const again = run(['--yes', '--secret-seed', 'x'], cwd);
    assert.equal(again.status, 0, again.stderr);
    assert.doesNotMatch(again.stdout + again.stderr, /^ *(force|create) /m);
    assert.match(again.stdout + again.stderr, /^identical docker-compose\.yml$/m);
    for (const text of [output, again.stdout + again.stderr]) assert.doesNotMatch(text, /No change to package\.json|deprecated/);
  });

  it('portal instance list prints on stdout only', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-list-'));
    assert.equal(run(['--yes', '--domain', 'maps.example.org', '--secret-seed', 'x'], cwd).status, 0);
    assert.equal(run(['instance', 'add', 'staging', '--domain', 'staging.maps.example.org', '--secret-seed', 'x'], cwd).status, 0);
    const list = run(['instance', 'list'], cwd);
    assert.equal(list.status, 0, list.stderr);
    assert.equal(list.stdout, 'prod maps.example.org\nstaging staging.maps.example.org\n');
    assert.equal(list.stderr, '');
  });
});
