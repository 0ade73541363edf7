/** The JSON Schema of .yo-rc.json and validateAnswers agree on devMounts and devCommand, for apps and the prebuilt backend. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { validateAnswers } from './answers.js';
import { mergedDevMounts } from './dev-mounts.js';

const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schema', 'yo-rc.schema.json'), 'utf8'));
delete schema.$schema;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

const base = {
  schemaVersion: 1,
  name: 'dev-mounts',
  domain: 'maps.example.org',
  backend: 'image',
  backendImage: 'acme/site:1.2.3',
  backendPort: 8000,
  services: ['postgis'],
  storage: 'volumes',
};
const withApp = (contract: object) => ({ ...base, apps: [{ id: 'api', image: 'acme/api:2.0.1', port: 8080, ...contract }] });
const withBackend = (contract: object) => ({ ...base, backendContract: contract });

const BAD: readonly object[] = [
  { devMounts: [{ source: '../up', target: '/app' }] },
  { devMounts: [{ source: '/abs', target: '/app' }] },
  { devMounts: [{ source: '.', target: '/app' }] },
  { devMounts: [{ source: './.git', target: '/app' }] },
  { devMounts: [{ source: '.env', target: '/app/.env' }] },
  { devMounts: [{ source: 'secrets', target: '/app' }] },
  { devMounts: [{ source: './config/dev', target: '/app' }] },
  { devMounts: [{ source: 'src:x', target: '/app' }] },
  { devMounts: [{ source: '${HOME}', target: '/app' }] },
  { devMounts: [{ source: './src', target: 'app' }] },
  { devMounts: [{ source: './src', target: '/etc/app' }] },
  { devMounts: [{ source: './src', target: '/tmp' }] },
  { devMounts: [{ source: './src', target: '/app', mode: 'ro' }] },
  { devMounts: [{ source: './src', target: '/app', readOnly: 'yes' }] },
  { devMounts: [{ source: './src' }] },
  { devCommand: [] },
  { devCommand: ['node', ''] },
];

describe('devMounts and devCommand: schema and generator agree', () => {
  it('accepts and stores what the generator stores', () => {
    const contract = {
      devMounts: [
        { source: './src/api', target: '/app', readOnly: true },
        { source: 'lib', target: '/srv/lib' },
      ],
      devCommand: ['node', '--watch', 'server.js'],
    };
    for (const answers of [withApp(contract), withBackend(contract)]) {
      const stored = validateAnswers(answers);
      const record = stored.apps?.[0] ?? stored.backendContract!;
      assert.deepEqual(record.devMounts, [
        { source: './src/api', target: '/app', readOnly: true },
        { source: './lib', target: '/srv/lib' },
      ]);
      assert.deepEqual(record.devCommand, ['node', '--watch', 'server.js']);
      assert.ok(validate({ 'generator-portal': { ...stored } }), JSON.stringify(validate.errors));
    }
  });

  it('both refuse each bad value, for an app and for the backend', () => {
    for (const change of BAD) {
      for (const answers of [withApp(change), withBackend(change)]) {
        assert.equal(validate({ 'generator-portal': answers }), false, `schema accepts ${JSON.stringify(answers)}`);
        assert.throws(() => validateAnswers(answers), `generator accepts ${JSON.stringify(change)}`);
      }
    }
  });

  it('a mount given again replaces the one at its path in place; others are added after', () => {
    const merged = mergedDevMounts(
      [
        { source: './a', target: '/a' },
        { source: './b', target: '/b' },
      ],
      [
        { source: './c', target: '/c' },
        { source: './a2', target: '/a', readOnly: true },
      ],
    );
    assert.deepEqual(merged, [
      { source: './a2', target: '/a', readOnly: true },
      { source: './b', target: '/b' },
      { source: './c', target: '/c' },
    ]);
  });
});
