/** A secret file written again takes its value from the .env variable its secret declares, not one guessed from its name. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { envValues } from '../secrets/env-line.js';
import { generate } from '../testing/generate.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'portal.js');

describe('a deleted secret file written again by a re-run', () => {
  it('holds the value of its own .env variable, also where the names differ (mongo_root_password, MONGO_PASSWORD)', async () => {
    const repo = await generate({ services: 'postgis,mongodb,nginx' });
    rmSync(join(repo, 'secrets'), { recursive: true });
    // another seed: a value drawn again instead of read from .env would differ
    await generate({}, 'another-seed', repo);
    const env = envValues(readFileSync(join(repo, '.env'), 'utf8'));
    const file = (name: string) => readFileSync(join(repo, 'secrets', name), 'utf8');
    for (const [secret, variable] of [
      ['mongo_root_password', 'MONGO_PASSWORD'],
      ['postgres_password', 'POSTGRES_PASSWORD'],
    ]) {
      assert.ok(env.get(variable), `${variable} in .env`);
      assert.equal(file(secret), env.get(variable), `secrets/${secret} holds ${variable}`);
    }
  });

  it('goes with its service when that service is removed with its data, as a file still holding its .env value', async () => {
    const repo = await generate({ services: 'postgis,mongodb,nginx' });
    const run = spawnSync(process.execPath, [BIN, 'remove', 'mongodb', '--delete-data'], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(existsSync(join(repo, 'secrets', 'mongo_root_password')), false);
    assert.equal(existsSync(join(repo, 'secrets', 'postgres_password')), true);
  });
});
