/**
 * `portal remove --delete-data` on bind storage deletes the removed services' folders under DATA_ROOT and
 * nothing else: a relative DATA_ROOT is read from the repo, as compose reads it, even when portal runs
 * elsewhere (`--out DIR`).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { PortalAnswers } from '../../answers/answers.js';
import { freshFolder } from '../../testing/generate.js';
import { settleRemovedData } from './removed-data.js';

const answers = { name: 'maps', storage: 'bind', dataRoot: '/srv/maps' } as unknown as PortalAnswers;

describe('settleRemovedData', () => {
  it('deletes the folder under a relative DATA_ROOT of the repo, not of the working folder', () => {
    const outside = freshFolder('removed-data');
    const root = join(outside, 'repo');
    mkdirSync(join(root, 'data', 'redis-data'), { recursive: true });
    mkdirSync(join(outside, 'data', 'redis-data'), { recursive: true });
    writeFileSync(join(root, '.env'), 'DATA_ROOT=./data\n');
    const said: string[] = [];
    const cwd = process.cwd();
    process.chdir(outside);
    try {
      settleRemovedData(root, answers, ['redis-data'], true, message => said.push(message));
    } finally {
      process.chdir(cwd);
    }
    assert.equal(existsSync(join(root, 'data', 'redis-data')), false, said.join('\n'));
    assert.equal(existsSync(join(outside, 'data', 'redis-data')), true, 'a folder outside the repo was deleted');
    assert.deepEqual(said, [`deleted ${join(root, 'data', 'redis-data')}`]);
  });

  it('deletes the folder under an absolute DATA_ROOT and keeps its neighbours', () => {
    const dataRoot = join(freshFolder('removed-data'), 'root');
    const root = freshFolder('removed-data-repo');
    for (const name of ['redis-data', 'redis-data-x', 'pgdata']) mkdirSync(join(dataRoot, name), { recursive: true });
    writeFileSync(join(root, '.env'), `DATA_ROOT=${dataRoot}\n`);
    settleRemovedData(root, answers, ['redis-data'], true, () => undefined);
    assert.deepEqual(
      ['redis-data', 'redis-data-x', 'pgdata'].map(name => existsSync(join(dataRoot, name))),
      [false, true, true],
    );
  });
});
