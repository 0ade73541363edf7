/**
 * `portal import` reading the files the old stock servers read, on fixtures written from upstream facts:
 * docker-systemapic's four redis.<role>.conf (config folder copied into the deployment's folder) become
 * redisSettings, the generated servers run with them, and the repo passes `portal verify`. Where the config
 * folder stays outside (the upstream layout), the report says it was not read. (sagui's init scripts: the
 * sagui row of import.test.ts, which also verifies.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'import', 'fixtures');
const MAXMEMORY = '23592960000';

describe('portal import: a redis.conf mounted from the folder', () => {
  it('systemapic-config: the four redis.conf become redisSettings; the repo generates and verifies', async () => {
    const repo = freshFolder('systemapic-config');
    const imported = await runPortal(['import', join(FIXTURES, 'systemapic-config'), '--image-tag', '2.3.1', '--ports', 'wu=3001'], { cwd: repo });
    assert.equal(imported.code, 0, imported.stderr);
    const out = imported.stdout;
    assert.match(
      out,
      /^redisstats +redis role stats \(redis-stats\) +.*redisSettings\.redis-stats: maxmemory 23592960000, persistence rdb, file redis\.rdb, from config\/redis\.stats\.conf$/m,
    );
    assert.match(out, /^redislayers +service redis +.*redisSettings\.redis: maxmemory 23592960000, persistence aof, from config\/redis\.layers\.conf$/m);
    assert.match(out, /^ {2}- redistokens requirepass in config\/redis\.tokens\.conf \(a generated password in \.env \/ secrets\/\)$/m);
    assert.match(
      out,
      /^ {2}- redislayers: config\/redis\.layers\.conf: daemonize, port, timeout, tcp-keepalive, loglevel, logfile, databases, dbfilename, dir, appendfsync: not answers/m,
    );
    assert.doesNotMatch(out, /had no password/);
    const rc = readFileSync(join(repo, '.yo-rc.json'), 'utf8');
    assert.deepEqual(JSON.parse(rc)['generator-portal'].redisSettings, {
      redis: { maxmemory: MAXMEMORY, persistence: 'aof' },
      'redis-stats': { maxmemory: MAXMEMORY, persistence: 'rdb', file: 'redis.rdb' },
      'redis-tokens': { maxmemory: MAXMEMORY, persistence: 'aof' },
      'redis-temp': { maxmemory: MAXMEMORY, persistence: 'rdb', file: 'redis.rdb' },
    });
    assert.doesNotMatch(rc, /fixture-redis-/);

    const generated = await runPortal(['--yes', '--secret-seed', 'x'], { cwd: repo });
    assert.equal(generated.code, 0, generated.stderr);
    const stats = readFileSync(join(repo, 'redis', 'redis-stats.conf'), 'utf8');
    assert.match(stats, new RegExp(`^maxmemory ${MAXMEMORY}$`, 'm'));
    assert.match(stats, /^dbfilename redis\.rdb$/m);
    for (const file of ['docker-compose.yml', 'docker-compose.prod.yml', 'redis/redis.conf', 'redis/redis-stats.conf'])
      assert.doesNotMatch(readFileSync(join(repo, file), 'utf8'), /fixture-redis-/, file);
    const verified = await runPortal(['verify'], { cwd: repo });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout + verified.stderr, / 0 failed/);
  });

  it('systemapic (upstream layout): the config folder is outside, so nothing of it is read, and the report says why', async () => {
    const repo = freshFolder('systemapic-outside');
    const imported = await runPortal(
      ['import', join(FIXTURES, 'systemapic/localhost.yml'), join(FIXTURES, 'systemapic/storage.yml'), '--image-tag', '2.3.1', '--ports', 'wu=3001,pile=3003'],
      { cwd: repo },
    );
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(
      imported.stdout,
      /redislayers: config file \/systemapic\/config\/redis\.layers\.conf: its settings are not read \(\.\.\/\.\.\/config\/localhost\/redis\.layers\.conf is outside the deployment's folder\); copy it into the folder and import again/,
    );
    assert.match(imported.stdout, /redislayers: its config file was not read, so whether it had a password is unknown; redis-layers now asks for one/);
    assert.equal(JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-portal'].redisSettings, undefined);
  });
});
