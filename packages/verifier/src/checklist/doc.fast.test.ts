import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../checks/tools.js';
import { BY_VALIDATOR, NOT_APPLIED } from './coverage.js';
import { renderChecklistDoc } from './doc.js';
import { RULES } from './index.js';

describe('checklist documentation', () => {
  it('docs/checklist.md is what the code renders (run npm run docs after changing a rule)', () => {
    assert.equal(readFileSync(join(PACKAGE_ROOT, 'docs', 'checklist.md'), 'utf8'), renderChecklistDoc());
  });

  it('no rule is claimed twice', () => {
    const ids = [...RULES.map(r => r.id), ...Object.keys(BY_VALIDATOR), ...Object.keys(NOT_APPLIED)];
    assert.deepEqual(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      [],
    );
  });

  it('every rule id of the design checklist has a place', () => {
    const design = ['CMP', 'CFG', 'DF', 'NGX', 'VCL', 'TRF', 'MON', 'RDS', 'MQ', 'PG', 'CEL', 'SH', 'ENV', 'SEC', 'YML'];
    const counts: Record<string, number> = {
      CMP: 27,
      CFG: 7,
      DF: 16,
      NGX: 15,
      VCL: 6,
      TRF: 6,
      MON: 5,
      RDS: 5,
      MQ: 3,
      PG: 4,
      CEL: 4,
      SH: 3,
      ENV: 2,
      SEC: 1,
      YML: 1,
    };
    const placed = new Set([...RULES.map(r => r.id), ...Object.keys(BY_VALIDATOR), ...Object.keys(NOT_APPLIED)]);
    const missing = design.flatMap(prefix =>
      Array.from({ length: counts[prefix]! }, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`).filter(id => !placed.has(id)),
    );
    assert.deepEqual(missing, []);
  });
});
