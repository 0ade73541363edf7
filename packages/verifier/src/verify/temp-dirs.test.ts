/**
 * `portal verify` leaves no temporary folder behind: not after a run (seven were left per run, one per
 * config, hosts file and throwaway server), not after Ctrl-C, when no throwaway server may be left running either.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generate } from 'generator-portal/testing/generate.js';

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

/** A TMPDIR of its own that the validators' users (postgres, varnish) can pass through, as /tmp. */
const emptyTmp = (): string => {
  const tmp = mkdtempSync(join(tmpdir(), 'verify-tmp-'));
  chmodSync(tmp, 0o755);
  return tmp;
};

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
/** A throwaway server's pid file in one of the run's folders: the live check has started its proxies. */
const serverStarted = (tmp: string): boolean =>
  readdirSync(tmp).some(dir => {
    try {
      return readdirSync(join(tmp, dir)).some(name => name.endsWith('.pid'));
    } catch {
      return false;
    }
  });
/** Servers whose command line names a path below `tmp` (varnishd -f <tmp>/..., postgres -D <tmp>/...). */
const serversUsing = (tmp: string): string[] =>
  readdirSync('/proc')
    .filter(pid => /^\d+$/.test(pid))
    .flatMap(pid => {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return line.includes(tmp) && /^\S*(varnishd|nginx|postgres)\s/.test(line) ? [`${pid} ${line}`] : [];
      } catch {
        return [];
      }
    });

describe('portal verify and its temporary folders', async () => {
  // varnish and nginx: the live check runs both as throwaway servers
  const repo = await generate({ services: 'postgis,varnish,nginx' });

  it('removes every one when the run ends', async () => {
    const tmp = emptyTmp();
    const result = await ended(verifyIn(repo, tmp));
    assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}`);
    assert.deepEqual(readdirSync(tmp), []);
    rmdirSync(tmp);
  });

  it('removes every one on Ctrl-C', async () => {
    const tmp = emptyTmp();
    const child = verifyIn(repo, tmp);
    const end = ended(child);
    const deadline = Date.now() + 60_000;
    while (!serverStarted(tmp) && Date.now() < deadline) await sleep(20);
    assert.ok(serverStarted(tmp), 'the live check started no server before the deadline');
    child.kill('SIGINT');
    assert.equal((await end).signal, 'SIGINT');
    assert.deepEqual(readdirSync(tmp), []);
    // varnishd runs in a session of its own: it is stopped, not left serving from a removed folder
    for (let waited = 0; serversUsing(tmp).length > 0 && waited < 5_000; waited += 100) await sleep(100);
    assert.deepEqual(serversUsing(tmp), []);
    rmdirSync(tmp);
  });
});
