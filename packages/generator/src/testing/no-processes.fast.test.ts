/** The fast tier's guard: loaded in a test file, it makes every way to start a process throw. */
import assert from 'node:assert/strict';
import * as childProcess from 'node:child_process';
import { it } from 'node:test';
import './no-processes.js';

it('every child_process starter throws, naming the rule the file broke', () => {
  const starters = [
    () => childProcess.spawn('true'),
    () => childProcess.spawnSync('true'),
    () => childProcess.exec('true'),
    () => childProcess.execSync('true'),
    () => childProcess.execFile('true'),
    () => childProcess.execFileSync('true'),
    () => childProcess.fork('true'),
  ];
  for (const start of starters) assert.throws(start, /a fast test started a process .*\*\.fast\.test\.ts/);
});
