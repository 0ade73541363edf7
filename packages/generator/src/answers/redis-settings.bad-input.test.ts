/**
 * Bad Redis settings and config folders, in a generated systemapic portal (through `--answers`, an edited
 * `.yo-rc.json` and `portal add app`): each exits 2 with one line naming the culprit, and no file changes.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { editStoredAnswers } from '../testing/answer-files.js';
import { portalSync } from '../testing/bin.js';

interface Case {
  readonly name: string;
  /** Arguments after the binary; a JSON text in `answers` is written to a file and passed as --answers. */
  readonly args?: readonly string[];
  readonly answers?: object;
  /** Answers merged into the stored .yo-rc.json before the run, as a user editing it by hand. */
  readonly stored?: object;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  {
    name: 'settings of a server the stack lacks',
    answers: { redisSettings: { 'redis-cache': { maxmemory: '1gb' } } },
    message:
      /^portal: Invalid --redis-settings "redis-cache": expected the name of a Redis server of this stack \(redis, redis-layers, redis-stats, redis-tokens, redis-temp\)\./,
  },
  {
    name: 'a memory size Redis cannot read',
    answers: { redisSettings: { 'redis-layers': { maxmemory: '22.5GB' } } },
    message: /^portal: Invalid --redis-settings redis-layers maxmemory "22\.5gb": expected a memory size from 1mb to 1024gb/,
  },
  {
    name: 'a memory size below what Redis needs',
    answers: { redisSettings: { 'redis-layers': { maxmemory: '100kb' } } },
    message: /Invalid --redis-settings redis-layers maxmemory "100kb"/,
  },
  {
    name: 'an eviction policy Redis does not know',
    answers: { redisSettings: { 'redis-stats': { policy: 'lru' } } },
    message: /^portal: Invalid --redis-settings redis-stats policy "lru": expected one of noeviction, allkeys-lru/,
  },
  {
    name: 'a persistence other than AOF or RDB',
    answers: { redisSettings: { 'redis-temp': { persistence: 'both' } } },
    message: /Invalid --redis-settings redis-temp persistence "both": expected "aof" \(append-only file\) or "rdb" \(snapshots\)/,
  },
  {
    name: 'a file name that leaves /data',
    answers: { redisSettings: { 'redis-temp': { persistence: 'rdb', file: '../etc/passwd' } } },
    message: /Invalid --redis-settings redis-temp file "\.\.\/etc\/passwd": expected a file name in \/data/,
  },
  {
    name: 'a file without saying which persistence',
    answers: { redisSettings: { 'redis-temp': { file: 'redis.rdb' } } },
    message: /Invalid --redis-settings redis-temp file "redis\.rdb": expected a "persistence" of "aof" or "rdb"/,
  },
  {
    name: 'auth off without a reason',
    answers: { redisSettings: { 'redis-tokens': { auth: 'off' } } },
    message: /Invalid --redis-settings redis-tokens auth "off": expected "on", or "off:<reason/,
  },
  {
    name: 'auth off with a reason too short to record',
    answers: { redisSettings: { 'redis-tokens': { auth: 'off:legacy' } } },
    message: /Invalid --redis-settings redis-tokens auth "off:legacy"/,
  },
  {
    name: 'an unknown key',
    answers: { redisSettings: { redis: { maxmemory_policy: 'noeviction' } } },
    message: /unknown key "maxmemory_policy" in redisSettings\.redis; expected some of: maxmemory, policy, persistence, file, auth/,
  },
  {
    name: 'evicting the Celery queue',
    args: [],
    stored: { services: ['postgis', 'redis', 'nginx', 'backup', 'mongodb', 'celery'], redisSettings: { redis: { policy: 'allkeys-lru' } } },
    message: /Invalid --redis-settings redis policy "allkeys-lru": expected "noeviction": this server holds Celery's queue/,
  },
  {
    name: 'bad settings stored by hand in .yo-rc.json',
    args: [],
    stored: { redisSettings: { 'redis-layers': { persistence: 'rdb', file: 'a b.rdb' } } },
    message: /Invalid --redis-settings redis-layers file "a b\.rdb"/,
  },
  {
    name: 'a relative config folder',
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--config-folder', 'config'],
    message: /^portal: Invalid --config-folder "config" of app "x": expected the absolute path the app reads its config folder from/,
  },
  {
    name: "a config folder over the image's system folders",
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--config-folder', '/etc/x'],
    message: /Invalid --config-folder "\/etc\/x" of app "x": .*outside the system folders/,
  },
  {
    name: 'a config folder where a shared folder is mounted',
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--config-folder', '/data'],
    message: /Invalid --config-folder "\/data": expected a path of app "x" other than a shared folder's mount path/,
  },
  {
    name: 'a config folder that is also a writable path',
    args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--writable', '/app/config', '--config-folder', '/app/config'],
    message: /Invalid --config-folder "\/app\/config" of app "x": expected a path other than a --writable one/,
  },
];

describe('bad Redis settings and config folders', () => {
  let portal = '';
  before(async () => {
    portal = await generate({ preset: 'systemapic', imageTag: '2.3.1' });
  });

  it(`has at least 4 cases (${CASES.length})`, () => assert.ok(CASES.length >= 4));

  for (const next of CASES) {
    it(`${next.name}: exit 2, one line, nothing changed`, () => {
      const folder = freshFolder('bad');
      cpSync(portal, folder, { recursive: true });
      if (next.stored) {
        const stored = next.stored;
        editStoredAnswers(folder, answers => ({ ...answers, ...stored }));
      }
      const answers = next.answers ? join(freshFolder('answers'), 'answers.json') : undefined;
      if (answers) writeFileSync(answers, JSON.stringify(next.answers));
      const args = answers ? ['--yes', '--answers', answers] : next.args![0] === 'add' ? [...next.args!] : ['--yes', ...next.args!];
      const before = treeHash(folder);
      const result = portalSync([...args, '--secret-seed', 'x'], { cwd: folder });
      assertRefused(next.name, { code: result.status, stderr: result.stderr }, next.message, treeHash(folder) !== before);
    });
  }
});
