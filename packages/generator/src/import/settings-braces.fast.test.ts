/** An old value with literal braces (a tile URL template) is imported as a setting that renders it unchanged. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { templateParts } from '../answers/app-contract.js';
import { rewriteSettings } from './settings.js';

describe('import: literal braces in a value', () => {
  it('doubles them, and the template gives the old value back', () => {
    const old = '/tiles/guyane.hyfaa_drainage/{z}/{x}/{y}.pbf';
    const out = rewriteSettings(new Map([['DRAINAGE_VT_URL', old]]), new Map(), new Map(), new Map());
    assert.equal(out.settings.DRAINAGE_VT_URL, '/tiles/guyane.hyfaa_drainage/{{z}}/{{x}}/{{y}}.pbf');
    assert.deepEqual(out.notes, []);
    const parts = templateParts(out.settings.DRAINAGE_VT_URL!)!;
    assert.equal(parts.map(part => ('literal' in part ? part.literal : '?')).join(''), old);
  });

  it('a value that is too long once doubled is left for the user, with a note', () => {
    const out = rewriteSettings(new Map([['PATTERN', '{}'.repeat(200)]]), new Map(), new Map(), new Map());
    assert.equal(out.settings.PATTERN, '');
    assert.match(out.notes.join('\n'), /PATTERN: its value \(a line break or over 512 characters\) cannot be an answer/);
  });
});
