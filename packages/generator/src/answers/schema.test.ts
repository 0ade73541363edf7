/** The JSON Schema of .yo-rc.json agrees with what the generator writes and with what it refuses. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { freshFolder, generate, SCENARIOS } from '../testing/generate.js';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { migrateStoredAnswers } from './migrate.js';
import { validateAnswers } from './answers.js';

const schema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schema', 'yo-rc.schema.json'), 'utf8'));
delete schema.$schema;
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('.yo-rc.json schema and migrations', () => {
  it('accepts the .yo-rc.json of every scenario', async () => {
    for (const [name, options] of Object.entries(SCENARIOS)) {
      const repo = await generate(options, 'seed', freshFolder(name.replace(/[^a-z]/g, '')));
      const rc = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'));
      assert.ok(validate(rc), `${name}: ${JSON.stringify(validate.errors)}`);
    }
  });

  it('refuses what the generator refuses', () => {
    const good = {
      schemaVersion: 1,
      name: 'city-maps',
      domain: 'maps.example.org',
      backend: 'django',
      backendPort: 8000,
      services: ['postgis'],
      storage: 'volumes',
    };
    const bad = [
      { name: 'City Maps' },
      { domain: 'not a domain' },
      { backend: 'rails' },
      { backendPort: 0 },
      { services: ['mysql'] },
      { storage: 'nfs' },
      { storage: 'bind', dataRoot: 'relative/path' },
      { backend: 'image' },
      { schemaVersion: 2 },
      { unknownKey: 1 },
      { name: 'a'.repeat(41) },
      { services: ['postgis', 'traefik'], acmeEmail: 'admin@example.org\nx' },
      { storage: 'bind', dataRoot: '/srv/a:b' },
      { folders: [{ name: 'all', repo: '.', route: '/all/' }] },
      { folders: [{ name: 'git', repo: '.git', route: '/git/' }] },
      { folders: [{ name: 'up', repo: '../etc', route: '/up/' }] },
      { apps: [{ id: 'x', image: 'acme/x:1.0', port: 80, healthPath: '/h ealth' }] },
      { apps: Array.from({ length: 51 }, (_, i) => ({ id: `a${i}`, image: 'acme/x:1.0', port: 80 })) },
      { instances: [{ name: 'prod', domain: 'p.example.org' }] },
      { redisRoles: ['x', 'x'] },
    ];
    assert.ok(validate({ 'generator-portal': good }), JSON.stringify(validate.errors));
    for (const change of bad) {
      const answers = { ...good, ...change };
      assert.equal(validate({ 'generator-portal': answers }), false, `schema accepts ${JSON.stringify(change)}`);
      assert.throws(() => validateAnswers(migrateStoredAnswers(answers)), `generator accepts ${JSON.stringify(change)}`);
    }
  });

  it('migrates answers written before schemaVersion, and refuses a newer version', () => {
    const old = migrateStoredAnswers({ name: 'city-maps', domain: 'maps.example.org', backend: 'django', services: 'postgis,nginx', storage: 'volumes' });
    assert.deepEqual(validateAnswers(old).services, ['postgis', 'nginx']);
    assert.equal(old.schemaVersion, 1);
    assert.throws(() => migrateStoredAnswers({ name: 'x', schemaVersion: 2 }), /Invalid schemaVersion 2 in \.yo-rc\.json: written by a newer generator-portal/);
  });
});
