/**
 * A check that throws is one failed line naming it: the other checks still run and print, in their order,
 * and nothing is left running. Bad input thrown by a check stays the command's error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Check } from '../checks/check.js';
import { verifyRepo } from './index.js';

const check = (name: string, run: Check['run']): Check => ({ name, applies: () => true, run });
const passes = (name: string, ms: number): Check =>
  check(name, () => new Promise(resolve => setTimeout(() => resolve({ name, status: 'passed', detail: '' }), ms)));

describe('a check that throws', () => {
  it('fails on its own line; the others pass in their order', async () => {
    const thrown = check('broken', () => Promise.reject(new Error('unexpected output')));
    const thrownAtOnce: Check = {
      name: 'sync',
      applies: () => true,
      run: () => {
        throw new TypeError('no such key');
      },
    };
    const results = await verifyRepo('/nonexistent', [passes('first', 30), thrown, thrownAtOnce, passes('last', 1)]);
    assert.deepEqual(
      results.map(result => [result.name, result.status]),
      [
        ['first', 'passed'],
        ['broken', 'failed'],
        ['sync', 'failed'],
        ['last', 'passed'],
      ],
    );
    assert.match(results[1]!.detail, /unexpected output/);
    assert.match(results[2]!.detail, /no such key/);
  });

  it('bad input is not turned into a failed check', async () => {
    const refused = check('input', () => {
      const error = new Error('Invalid .yo-rc.json: broken');
      error.name = 'PortalInputError';
      return Promise.reject(error);
    });
    await assert.rejects(verifyRepo('/nonexistent', [passes('first', 1), refused]), /Invalid \.yo-rc\.json/);
  });
});
