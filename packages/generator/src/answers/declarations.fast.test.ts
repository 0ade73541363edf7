/** schema/yo-rc.schema.json and the README's answer table are the ones the declarations make (`npm run schema`). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { SERVICE_IDS } from '../catalog/index.js';
import { QUESTIONS } from '../generators/app/questions.js';
import { ANSWER_KEYS } from './answers-file.js';
import { defaultAnswers, validateAnswers } from './answers.js';
import { CLIENT_AUTH, GRAFANA_POSTGRES, POOL_MODES } from './service-settings.js';
import { ANSWER_DECLARATIONS } from './declarations.js';
import { readmeTable, withReadmeTable } from './readme-table.js';
import { yoRcSchema, yoRcSchemaText } from './yo-rc-schema.js';

const committed = (path: string): string => readFileSync(join(PACKAGE_ROOT, path), 'utf8');
/** The README is the workspace's, two folders above this package. */
const readmePath = join(PACKAGE_ROOT, '..', '..', 'README.md');
const section = (schema: object) =>
  (schema as { properties: Record<string, { properties: Record<string, Record<string, unknown>> }> }).properties['generator-portal']!;

describe('answers declared once', () => {
  it('the committed schema is the generated one (run npm run schema)', () => {
    assert.equal(committed('schema/yo-rc.schema.json'), yoRcSchemaText());
  });

  it("the README's answer table is the generated one (run npm run schema)", () => {
    const readme = readFileSync(readmePath, 'utf8');
    assert.equal(readme, withReadmeTable(readme));
    assert.ok(readme.includes(readmeTable()));
  });

  it('the service ids of the schema, the question and the README are the catalog registry', () => {
    const properties = section(yoRcSchema()).properties;
    assert.deepEqual((properties.services!.items as { enum: unknown }).enum, SERVICE_IDS);
    assert.equal(properties.services!.maxItems, SERVICE_IDS.length);
    assert.deepEqual((properties.alternatives!.items as { enum: unknown }).enum, SERVICE_IDS);
    const services = QUESTIONS.find(question => question.key === 'services')!;
    assert.deepEqual(
      services.prompt.choices!.map(choice => choice.value),
      SERVICE_IDS,
    );
    const row = readmeTable()
      .split('\n')
      .find(line => line.startsWith('| services |'))!;
    for (const id of SERVICE_IDS) assert.ok(row.includes(`\`${id}\``), id);
  });

  it('every declared key is an answers-file key and a schema property; each option once', () => {
    const properties = Object.keys(section(yoRcSchema()).properties);
    for (const { key } of ANSWER_DECLARATIONS) {
      assert.ok(ANSWER_KEYS.includes(key), key);
      assert.ok(properties.includes(key), key);
    }
    const options = ANSWER_DECLARATIONS.flatMap(answer => answer.option?.name ?? []);
    assert.equal(new Set(options).size, options.length);
    assert.deepEqual(
      QUESTIONS.map(question => question.option),
      ANSWER_DECLARATIONS.filter(answer => answer.option && answer.question).map(answer => answer.option!.name),
    );
  });

  it('a choice stored by leaving it out is the default the answers take', () => {
    const defaults = defaultAnswers({}, 'city-maps');
    assert.equal(defaults.pgbouncerPoolMode, POOL_MODES[0]);
    assert.equal(defaults.pgbouncerClientAuth, CLIENT_AUTH[0]);
    assert.equal(defaults.grafanaPostgres, GRAFANA_POSTGRES[0]);
    const stored = validateAnswers({ ...defaults, services: ['pgbouncer', 'grafana'] });
    for (const key of ['pgbouncerPoolMode', 'pgbouncerClientAuth', 'grafanaPostgres'] as const) assert.equal(stored[key], undefined, key);
  });

  it('a choice stored by leaving it out is not in the schema, the others are', () => {
    const properties = section(yoRcSchema()).properties;
    assert.deepEqual(properties.pgbouncerPoolMode!.enum, ['transaction', 'statement']);
    assert.deepEqual(properties.grafanaPostgres!.enum, ['readonly', 'owner']);
    assert.deepEqual(properties.pgbouncerClientAuth!.enum, ['md5']);
  });

  it('a stale README table is caught', () => {
    const readme = readFileSync(readmePath, 'utf8').replace('| services | `--services` |', '| services | `--service` |');
    assert.notEqual(readme, withReadmeTable(readme));
    assert.throws(() => withReadmeTable('no markers'), /lacks the markers/);
  });
});
