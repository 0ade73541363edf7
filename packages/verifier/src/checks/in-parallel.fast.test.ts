/** The verify run's scheduler: a bound on tasks at once, answers in the given order, no task left behind. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inParallel } from './in-parallel.js';

const tick = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe('inParallel', () => {
  it('never runs more than the limit at once and answers in the order of the items', async () => {
    let running = 0;
    let most = 0;
    const answers = await inParallel([30, 5, 20, 1, 10], 2, async ms => {
      most = Math.max(most, ++running);
      await tick(ms);
      running--;
      return ms * 2;
    });
    assert.equal(most, 2);
    assert.deepEqual(answers, [60, 10, 40, 2, 20]);
  });

  it('starts the items it is told to first', async () => {
    const started: string[] = [];
    await inParallel(
      ['a', 'b', 'slow', 'c'],
      1,
      async item => void started.push(item),
      item => item === 'slow',
    );
    assert.deepEqual(started, ['slow', 'a', 'b', 'c']);
  });

  it('passes a failure on only once every task has ended, the first item failing first', async () => {
    const ended: number[] = [];
    await assert.rejects(
      inParallel([1, 2, 3], 3, async n => {
        await tick(n * 10);
        ended.push(n);
        if (n !== 1) throw new Error(`task ${n}`);
      }),
      /task 2/,
    );
    assert.deepEqual(ended, [1, 2, 3]);
  });
});
