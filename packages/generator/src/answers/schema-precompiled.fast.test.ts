/** The build's precompiled .yo-rc.json validators (scripts/build.mjs) are the schema's, and judge as a compile does. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv, type ValidateFunction } from 'ajv';
import { defaultAnswers, validateAnswers } from './answers.js';
import { AJV_OPTIONS, schemaHash, sectionSchema } from './schema.js';

const require = createRequire(import.meta.url);
const schemaText = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'schema', 'yo-rc.schema.json'), 'utf8');
const answers = validateAnswers({ ...defaultAnswers({}, 'portal') });
const SAMPLES: readonly unknown[] = [
  answers,
  { ...answers, services: 'postgis' },
  { ...answers, name: 7, unknownKey: true },
  { ...answers, fileHashes: { 'a.txt': 'not-a-hash' } },
  { name: 'x' },
  [],
];

describe('precompiled .yo-rc.json validators', () => {
  for (const kind of ['rc', 'answers'] as const) {
    it(`${kind}: built from the schema shipped, same verdicts and errors as a compile`, () => {
      const built = require(`./yo-rc-validator.${kind}.cjs`) as ValidateFunction & { schemaHash: string };
      assert.equal(built.schemaHash, schemaHash(schemaText), 'rebuild: the schema changed since the build');
      const compiled = new Ajv(AJV_OPTIONS).compile(sectionSchema(schemaText, kind));
      for (const sample of SAMPLES) {
        assert.equal(built(sample), compiled(sample), JSON.stringify(sample));
        const strip = (errors: typeof built.errors) =>
          (errors ?? []).map(({ keyword, instancePath, params, data }) => ({ keyword, instancePath, params, data }));
        assert.deepEqual(strip(built.errors), strip(compiled.errors), JSON.stringify(sample));
      }
    });
  }
});
