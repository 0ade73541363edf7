/**
 * The longest names the targets accept (a 40-character portal, the longest instance that fits) still give
 * YAML that yamllint's 160-column limit (portal verify) passes: the header comments that spell a command
 * with the names are cut into lines. A 22-character portal name already made values-prod.yaml fail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { modelOf } from '../testing/model.js';
import { planOf } from '../testing/kubernetes.js';
import type { RawAnswers } from '../answers/answers.js';

const LIMIT = 160;

describe('YAML of the targets with the longest names', () => {
  for (const [label, instance] of [
    ['kubernetes', 'b'.repeat(22)],
    ['kubernetes and swarm', 'b'.repeat(6)],
  ] as const) {
    it(`${label}: no line of a YAML file under deploy/ over ${LIMIT} columns`, () => {
      const targets = label === 'kubernetes' ? ['compose', 'kubernetes'] : ['compose', 'kubernetes', 'swarm'];
      const files = planOf(modelOf({ name: 'a'.repeat(40), targets, instances: [{ name: instance, domain: 'staging.example.org' }] } as RawAnswers));
      const yaml = files.filter(file => file.path.startsWith('deploy/') && /\.ya?ml$/.test(file.path));
      assert.ok(yaml.some(file => file.path.endsWith(`values-${instance}.yaml`)));
      const long = yaml.flatMap(file => file.content.split('\n').flatMap((line, i) => (line.length > LIMIT ? [`${file.path}:${i + 1} (${line.length})`] : [])));
      assert.deepEqual(long, []);
    });
  }
});
