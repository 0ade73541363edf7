/**
 * A smoke run stopped from outside (SIGTERM, as a CI timeout sends it) while its stack boots: it stops the
 * stack and its engine, removes its work folder (the engine's data root with it) and exits 143.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { generate } from 'generator-portal/testing/generate.js';
import { prepareStandIns, smokeSkip } from './test-support.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.js');

describe('smoke run: SIGTERM while the stack boots', { skip: smokeSkip() }, () => {
  let repo = '';
  before(async () => {
    repo = await generate({});
    await prepareStandIns();
  });

  it('stops the stack and the engine, removes its work folder, exits 143', async () => {
    const child = spawn(process.execPath, [CLI, repo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let signalled = false;
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      // the engine runs and compose is building or starting containers
      if (!signalled && /docker-compose|not started:|-> portal-smoke\//.test(output) && /engine: dockerd/.test(output)) {
        signalled = true;
        setTimeout(() => child.kill('SIGTERM'), 3000);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await new Promise<number | null>(resolve => child.on('close', resolve));
    assert.ok(signalled, output);
    assert.equal(code, 143, output);
    assert.match(output, /interrupted \(SIGTERM\): stopping the stack and the engine/);
    const work = /work folder (\S+)/.exec(output)?.[1];
    assert.ok(work, output);
    assert.equal(existsSync(work), false, `${work} is left behind`);
  });
});
