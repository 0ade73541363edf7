/**
 * compose v2 nests a variable inside a default (`${TAG:-${FALLBACK:-1.0.0}}`); the import used to stop at the
 * first "}" and keep "${FALLBACK:-1.0.0}" as text, refusing the image with a misleading tag error.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { interpolate } from '../import/interpolate.js';

const run = (text: string, env: Record<string, string> = {}) => interpolate(text, new Map(Object.entries(env)), 'test', { unset: new Set() });

describe('interpolate: a variable nested in a default', () => {
  it('takes the inner default when both are unset', () => assert.equal(run('acme/api:${T:-${U:-1.0.0}}'), 'acme/api:1.0.0'));
  it('takes the inner variable when set', () => assert.equal(run('acme/api:${T:-${U:-1.0.0}}', { U: '2.0.0' }), 'acme/api:2.0.0'));
  it('takes the outer variable when set', () => assert.equal(run('acme/api:${T:-${U:-1.0.0}}', { T: '3.0.0' }), 'acme/api:3.0.0'));
  it('substitutes inside a :+ value', () => assert.equal(run('${C:+-${D}}', { C: 'x', D: 'y' }), '-y'));
  it('keeps $$ as a literal $ in a default', () => assert.equal(run('${A:-$$B}'), '$B'));
  it('still refuses a required variable nested in a default', () => assert.throws(() => run('${T:-${U:?give U}}'), /variable U must be set \(give U\)/));
});
