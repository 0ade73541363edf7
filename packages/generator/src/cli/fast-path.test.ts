/**
 * `portal --yes` runs without Yeoman (cli/fast-app.ts): it must not load it, must write what the Yeoman
 * generator writes, and a re-run with unchanged answers must write nothing at all.
 */
import assert from 'node:assert/strict';
import { cpSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { runPortal } from '../testing/bin.js';
import { freshFolder, generate, SCENARIOS } from '../testing/generate.js';
import { readTree } from '../testing/goldens.js';

const LOADED_MODULES = join(dirname(fileURLToPath(import.meta.url)), '..', 'testing', 'loaded-modules.js');
const OURS = /\/dist\/((?:cli|io|answers|render|catalog|model|generators)\/[^?]+\.js)$/;
const YEOMAN = /\/node_modules\/(yeoman-environment|yeoman-generator|inquirer|@inquirer\/[^/]+|@yeoman\/adapter|@yeoman\/conflicter|mem-fs-editor|mem-fs)\//;

/** The Yeoman packages a run of the bin loads, and our own modules it loads (from their URLs). */
async function packagesLoaded(
  args: readonly string[],
  cwd: string,
  env: Readonly<Record<string, string>> = {},
): Promise<{ code: number | null; packages: Set<string>; ours: Set<string>; stderr: string }> {
  const list = join(freshFolder('modules'), 'loaded.txt');
  const result = await runPortal(args, { cwd, imports: [LOADED_MODULES], env: { ...env, PORTAL_LOADED_MODULES: list } });
  const urls = readFileSync(list, 'utf8').split('\n');
  const packages = new Set(urls.map(url => YEOMAN.exec(url)?.[1]).filter((name): name is string => name !== undefined));
  const ours = new Set(urls.map(url => OURS.exec(url)?.[1]).filter((name): name is string => name !== undefined));
  return { code: result.code, packages, ours, stderr: result.stderr };
}

/** Every file below the repo (the lock's state folder aside) with what a rewrite would change. */
function stats(root: string): Map<string, string> {
  const found = new Map<string, string>();
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const name = relative(root, path);
      if (name === '.portal' || name === '.git') continue;
      if (entry.isDirectory()) walk(path);
      else {
        const stat = lstatSync(path, { bigint: true });
        found.set(name, `${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs} ${stat.size} ${stat.mode}`);
      }
    }
  };
  walk(root);
  return found;
}

const optionArgs = (options: Record<string, string | boolean>): string[] =>
  Object.entries(options).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`, String(value)]);

describe('portal --yes without Yeoman', () => {
  it('loads none of Yeoman for a new portal and a re-run; --dry-run (Yeoman) does', async () => {
    const repo = join(freshFolder('fast'), 'portal');
    const made = await packagesLoaded(['--yes', '--out', repo, '--secret-seed', 'x', '--skip-git'], '/');
    assert.equal(made.code, 0, made.stderr);
    assert.deepEqual([...made.packages], []);
    // the build's one-file bundle, and beside it only the modules whose state the bin shares with it
    assert.deepEqual([...made.ours].sort(), [
      'answers/input-error.js',
      'answers/quoted.js',
      'cli/command-line.js',
      'cli/fast-app.bundle.js',
      'cli/fast-bundle.js',
      'cli/portal.js',
      'io/repo-lock.js',
    ]);
    const again = await packagesLoaded(['--yes'], repo);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual([...again.packages], []);
    // the hook does see Yeoman where the bin hands over to it
    const dry = await packagesLoaded(['--yes', '--dry-run'], repo);
    assert.equal(dry.code, 0, dry.stderr);
    assert.ok(dry.packages.has('yeoman-environment'), [...dry.packages].join(', '));
  });

  it('hands a run over to Yeoman after taking the lock, which Yeoman then finds held by this run', async () => {
    const repo = join(freshFolder('fast'), 'portal');
    assert.equal((await runPortal(['--yes', '--out', repo, '--secret-seed', 'x', '--skip-git'], { cwd: '/' })).code, 0);
    // a .yo-resolve is Yeoman's to read: the fast path stops short of its commit and hands over
    writeFileSync(join(repo, '.yo-resolve'), 'nothing-here.txt skip\n');
    const handed = await packagesLoaded(['--yes', '--services', 'postgis,redis'], repo, { PORTAL_LOCK_WAIT: '5' });
    assert.equal(handed.code, 0, handed.stderr);
    assert.ok(handed.packages.has('yeoman-environment'), [...handed.packages].join(', '));
    assert.ok(handed.ours.has('cli/fast-app.bundle.js'));
    assert.doesNotMatch(handed.stderr, /waiting|another run/i);
    assert.doesNotMatch(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), /tileserver/);
  });

  it('portal add and remove with services only run without Yeoman and write what Yeoman writes', async () => {
    const base = join(freshFolder('fast'), 'portal');
    assert.equal((await runPortal(['--yes', '--out', base, '--secret-seed', 'x', '--skip-git'], { cwd: '/' })).code, 0);
    const copies = ['fast', 'yeoman'].map(name => {
      const copy = join(freshFolder(name), 'portal');
      cpSync(base, copy, { recursive: true });
      return copy;
    });
    for (const command of [
      ['add', 'celery', 'grafana'],
      ['remove', 'grafana'],
    ]) {
      const fast = await packagesLoaded([...command, '--secret-seed', 'x'], copies[0]!);
      assert.equal(fast.code, 0, fast.stderr);
      assert.deepEqual([...fast.packages], [], command.join(' '));
      // an option only Yeoman knows hands the same command to it
      const yeoman = await packagesLoaded([...command, '--secret-seed', 'x', '--skip-install'], copies[1]!);
      assert.equal(yeoman.code, 0, yeoman.stderr);
      assert.ok(yeoman.packages.has('yeoman-environment'), command.join(' '));
      assert.deepEqual(readTree(copies[0]!), readTree(copies[1]!), command.join(' '));
      const said = (stderr: string) => stderr.split('\n').filter(line => /^(\s+info |kept the data|removed \(no longer)/.test(line));
      assert.deepEqual(said(fast.stderr), said(yeoman.stderr), command.join(' '));
    }
    assert.match(readFileSync(join(copies[0]!, 'docker-compose.yml'), 'utf8'), /celery/);
    assert.doesNotMatch(readFileSync(join(copies[0]!, 'docker-compose.yml'), 'utf8'), /grafana/);
  });

  it('portal add and remove refuse a bad name without Yeoman, exit 2, nothing written', async () => {
    const repo = join(freshFolder('fast'), 'portal');
    assert.equal((await runPortal(['--yes', '--out', repo, '--secret-seed', 'x', '--skip-git'], { cwd: '/' })).code, 0);
    const before = stats(repo);
    for (const command of [
      ['add', 'bogus'],
      ['remove', 'grafana'],
      ['remove', 'postgis'],
    ]) {
      const result = await packagesLoaded(command, repo);
      assert.equal(result.code, 2, `${command.join(' ')}: ${result.stderr}`);
      assert.deepEqual([...result.packages], []);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    assert.deepEqual(stats(repo), before);
  });

  for (const name of ['defaults', 'every-service'] as const) {
    it(`writes what the Yeoman generator writes (${name})`, async () => {
      const options = SCENARIOS[name]!;
      const byGenerator = await generate({ ...options, skipGit: true }, 'x');
      const repo = join(freshFolder('fast'), 'portal');
      const byBin = await runPortal(['--yes', '--out', repo, '--secret-seed', 'x', '--skip-git', ...optionArgs(options)], { cwd: '/' });
      assert.equal(byBin.code, 0, byBin.stderr);
      assert.deepEqual(readTree(repo), readTree(byGenerator));
    });
  }

  it('merges an edited file as the Yeoman generator does', async () => {
    const base = await generate({ ...SCENARIOS['every-service']!, skipGit: true }, 'x');
    const edit = (root: string) => {
      writeFileSync(join(root, 'docker-compose.yml'), `${readFileSync(join(root, 'docker-compose.yml'), 'utf8')}# ops: edited by hand\n`);
    };
    edit(base);
    const copy = join(freshFolder('fast'), 'portal');
    cpSync(base, copy, { recursive: true });
    await generate({ services: 'postgis,redis,nginx,prometheus', skipGit: true }, 'x', base);
    const byBin = await runPortal(['--yes', '--services', 'postgis,redis,nginx,prometheus', '--secret-seed', 'x', '--skip-git'], { cwd: copy });
    assert.equal(byBin.code, 0, byBin.stderr);
    assert.match(byBin.stderr, /merged your edits with the new version: docker-compose\.yml/);
    assert.deepEqual(readTree(copy), readTree(base));
  });

  it('a re-run with unchanged answers rewrites no file, .yo-rc.json included', async () => {
    const repo = join(freshFolder('fast'), 'portal');
    const args = ['--secret-seed', 'x', '--skip-git', ...optionArgs(SCENARIOS['every-service']!)];
    const made = await runPortal(['--yes', '--out', repo, ...args], { cwd: '/' });
    assert.equal(made.code, 0, made.stderr);
    const before = stats(repo);
    assert.ok(before.has('.yo-rc.json') && before.has('.env') && before.size > 50, [...before.keys()].join(' '));
    for (const again of [['--yes'], ['--yes', ...args]]) {
      const result = await runPortal(again, { cwd: repo });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stderr, /^No change: /m);
      assert.deepEqual(stats(repo), before, again.join(' '));
    }
  });
});
