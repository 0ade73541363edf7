/** deploy/swarm/wait-for.sh run for real with sh: it waits for a port and a command, gives up, then runs the command. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderTemplate } from '../templates.js';

const script = join(mkdtempSync(join(tmpdir(), 'portal-wait-')), 'wait-for.sh');
writeFileSync(script, renderTemplate('swarm/wait-for.sh.ejs'));

/** Runs the script asynchronously, so a server of this process can answer it. */
function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn('sh', [script, ...args], { env: { PATH: process.env.PATH, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', status => resolve({ status, stdout, stderr }));
  });
}

describe('wait-for.sh', () => {
  it('passes shellcheck', { skip: spawnSync('shellcheck', ['--version']).status === 0 ? false : 'shellcheck is not installed' }, () => {
    const result = spawnSync('shellcheck', [script], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout);
  });

  it('runs the command once the port answers and the check passes', async () => {
    const server = createServer(socket => socket.end());
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    try {
      const result = await run([`tcp:127.0.0.1:${port}`, 'run:test 1 -eq 1', '--', 'echo', 'started'], { WAIT_TIMEOUT: '10' });
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout, 'started\n');
    } finally {
      server.close();
    }
  });

  it('gives up on a closed port and on a failing check, without running the command', async () => {
    const server = createServer();
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>(resolve => server.close(() => resolve()));
    for (const condition of [`tcp:127.0.0.1:${port}`, 'run:false']) {
      const result = await run([condition, '--', 'echo', 'started'], { WAIT_TIMEOUT: '2' });
      assert.equal(result.status, 1, condition);
      assert.equal(result.stdout, '', condition);
      assert.match(result.stderr, /not ready after 2s/, condition);
    }
  });

  it('refuses an unknown condition and a missing --', async () => {
    assert.equal((await run(['http:x', '--', 'true'])).status, 2);
    assert.equal((await run(['run:true'])).status, 2);
  });
});
