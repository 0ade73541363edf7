/**
 * `portal verify` leaves no temporary folder behind: not after a run (seven were left per run, one per
 * config, hosts file and throwaway server), not after Ctrl-C.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freshFolder, generate } from 'generator-portal/testing/generate.js';

/** This package's verifier in a process of its own, as `portal verify` runs it (the bin may load another install). */
const VERIFIER = fileURLToPath(new URL('../index.js', import.meta.url));
const verifyIn = (repo: string, tmp: string) =>
  spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `await (await import(${JSON.stringify(VERIFIER)})).verifyAndReport(process.argv[1], { checklistOnly: false, prod: false })`,
      repo,
    ],
    {
      env: { ...process.env, TMPDIR: tmp },
      stdio: 'ignore',
    },
  );
const ended = (child: ReturnType<typeof spawn>) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => child.on('close', (code, signal) => resolve({ code, signal })));

const emptyTmp = (): string => {
  const tmp = join(freshFolder('verify-tmp'), 'tmp');
  mkdirSync(tmp);
  return tmp;
};

describe('portal verify and its temporary folders', async () => {
  const repo = await generate({});

  it('removes every one when the run ends', async () => {
    const tmp = emptyTmp();
    const result = await ended(verifyIn(repo, tmp));
    assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}`);
    assert.deepEqual(readdirSync(tmp), []);
  });

  it('removes every one on Ctrl-C', async () => {
    const tmp = emptyTmp();
    const child = verifyIn(repo, tmp);
    const end = ended(child);
    const deadline = Date.now() + 30_000;
    while (readdirSync(tmp).length === 0 && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 50));
    assert.notEqual(readdirSync(tmp).length, 0, 'verify made no temporary folder to remove');
    child.kill('SIGINT');
    assert.equal((await end).signal, 'SIGINT');
    assert.deepEqual(readdirSync(tmp), []);
  });
});
