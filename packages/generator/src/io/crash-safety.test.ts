/**
 * kill -9 at every call that changes the repo, for every command that writes: a fresh generation, add,
 * remove, secrets --rotate and instance add. After each crash nothing committable is left behind, and
 * running the same command again ends in exactly the tree an uninterrupted run leaves (answers, compose
 * files, secrets and all), which the real compose tool accepts.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { CRASH_AT, inPool, runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';
import { tree } from '../testing/tree-hash.js';

interface Scenario {
  readonly name: string;
  /** Brings an empty git repo to the state the command starts from. */
  readonly setup: readonly (readonly string[])[];
  readonly command: readonly string[];
  /** The command's own refusal when it finds its work already done (the crash came after the commit point). */
  readonly alreadyDone?: RegExp;
}

const SEED = ['--secret-seed', 'crash'];
const SCENARIOS: readonly Scenario[] = [
  { name: 'a fresh generation', setup: [], command: ['--yes', ...SEED] },
  { name: 'portal add celery', setup: [['--yes', ...SEED]], command: ['add', 'celery', ...SEED] },
  {
    name: 'portal remove varnish',
    setup: [['--yes', ...SEED]],
    command: ['remove', 'varnish', ...SEED],
    alreadyDone: /^portal: Invalid remove "varnish": not among the chosen services/m,
  },
  { name: 'portal secrets --rotate', setup: [['--yes', ...SEED]], command: ['secrets', '--rotate', '--secret-seed', 'rotated'] },
  { name: 'portal instance add', setup: [['--yes', ...SEED]], command: ['instance', 'add', 'staging', '--domain', 'staging.crash.localhost', ...SEED] },
];

async function startState(scenario: Scenario): Promise<string> {
  const folder = freshFolder('crash');
  execFileSync('git', ['init', '-q', folder]);
  for (const args of scenario.setup) {
    const result = await runPortal(args, { cwd: folder });
    assert.equal(result.code, 0, result.stderr);
  }
  return folder;
}

/** A copy under the same name: a fresh generation names the portal after its folder. */
function copyOf(folder: string, tag: string): string {
  const copy = join(`${folder}-${tag}`, basename(folder));
  rmSync(dirname(copy), { recursive: true, force: true });
  cpSync(folder, copy, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
  return copy;
}

/** What `git add -A` would stage: no staging file, journal or lock may ever be among it. */
function committable(folder: string): string[] {
  return execFileSync('git', ['-C', folder, 'status', '--porcelain', '--untracked-files=all'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map(line => line.slice(3));
}

const composeAccepts = (folder: string): void => {
  const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', 'config', '-q'], { cwd: folder, encoding: 'utf8' });
  if (result.error && process.env.CI !== 'true') return;
  assert.equal(result.status, 0, result.stderr);
};

describe('kill -9 at every change to the disk, then the same command again', { concurrency: 1 }, () => {
  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const start = await startState(scenario);
      const reference = copyOf(start, 'reference');
      const countFile = join(dirname(reference), 'count.txt');
      const counted = await runPortal(scenario.command, {
        cwd: reference,
        imports: [CRASH_AT],
        env: { PORTAL_CRASH_ROOT: reference, PORTAL_CRASH_COUNT: countFile },
      });
      assert.equal(counted.code, 0, counted.stderr);
      const calls = Number(readFileSync(countFile, 'utf8').split('\n')[0]);
      assert.ok(calls > 5, `only ${calls} calls counted`);
      const expected = tree(reference, true);
      assert.ok(!Object.keys(expected).some(path => path.startsWith('.portal')), 'an uninterrupted run left its state folder');
      composeAccepts(reference);
      const failures: string[] = [];
      await inPool(
        Array.from({ length: calls }, (_, index) => index + 1),
        2,
        async at => {
          const folder = copyOf(start, `at-${at}`);
          const env = { PORTAL_CRASH_ROOT: folder, PORTAL_CRASH_AT: String(at), PORTAL_CRASH_TORN: '1' };
          const crashed = await runPortal(scenario.command, { cwd: folder, imports: [CRASH_AT], env });
          if (crashed.signal !== 'SIGKILL') failures.push(`call ${at}: not killed (exit ${crashed.code}): ${crashed.stderr.trim()}`);
          const left = committable(folder).filter(path => /(^|\/)\.portal|\.portal-|\.(new|old)$/.test(path));
          if (left.length > 0) failures.push(`call ${at}: committable leftovers ${left.join(', ')}`);
          const again = await runPortal(scenario.command, { cwd: folder });
          const done = again.code === 2 && scenario.alreadyDone?.test(again.stderr) === true;
          if (again.code !== 0 && !done) failures.push(`call ${at}: the run after the crash exited ${again.code}: ${again.stderr.trim()}`);
          const actual = tree(folder, true);
          const differing = [...new Set([...Object.keys(actual), ...Object.keys(expected)])].filter(path => actual[path] !== expected[path]);
          if (differing.length > 0) failures.push(`call ${at}: differs from an uninterrupted run in ${differing.slice(0, 5).join(', ')}`);
          if (existsSync(join(folder, '.portal'))) failures.push(`call ${at}: .portal left after the second run`);
          if (failures.length === 0) rmSync(dirname(folder), { recursive: true, force: true });
        },
      );
      assert.deepEqual(failures, [], `${failures.length} of ${calls} crash points failed`);
    });
  }
});
