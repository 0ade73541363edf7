/**
 * Broken files behind the mounts an import reads (a redis.conf, init scripts): exit 2, one line naming the
 * file and the fix, both folders untouched. A file merely outside the folder is not broken (the report says
 * it was not read): see mounted-files.test.ts.
 */
import { linkSync, mkdirSync, symlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { inPool, runPortal } from '../testing/bin.js';
import { treeHash } from '../testing/tree-hash.js';
import { importFolders } from '../testing/import-folders.js';
import { refusalProblems } from '../testing/refusal.js';

interface Case {
  readonly title: string;
  readonly files: Readonly<Record<string, string>>;
  readonly message: RegExp;
  readonly prepare?: (old: string) => void;
}

const API = 'services:\n  api:\n    image: acme/api:1.2.0\n    expose: [8000]\n';
const REDIS = `${API}  redis:\n    image: redis:7.2\n    volumes:\n      - ./redis:/usr/local/etc/redis\n    command: redis-server /usr/local/etc/redis/redis.conf\n`;
const DB = `${API}  db:\n    image: postgis/postgis:16-3.4\n    volumes:\n      - ./initdb:/docker-entrypoint-initdb.d\n`;

const CASES: readonly Case[] = [
  {
    title: 'a redis.conf whose link loops',
    files: { 'docker-compose.yml': REDIS },
    prepare: old => {
      mkdirSync(join(old, 'redis'));
      symlinkSync('redis.conf', join(old, 'redis', 'redis.conf'));
    },
    message: /^portal: Invalid import file "redis\/redis\.conf": its links loop; fix the mount or the link/,
  },
  {
    title: 'a redis.conf that is a folder',
    files: { 'docker-compose.yml': REDIS, 'redis/redis.conf/x': '' },
    message: /Invalid import file "redis\/redis\.conf": it is a folder; expected a text file/,
  },
  {
    title: 'a redis.conf that is a FIFO',
    files: { 'docker-compose.yml': REDIS },
    prepare: old => {
      mkdirSync(join(old, 'redis'));
      execFileSync('mkfifo', [join(old, 'redis', 'redis.conf')]);
    },
    message: /Invalid import file "redis\/redis\.conf": it is not a regular file; expected a text file/,
  },
  {
    title: 'a redis.conf with NUL bytes',
    files: { 'docker-compose.yml': REDIS, 'redis/redis.conf': 'maxmemory 1gb\u0000\n' },
    message: /Invalid import file "redis\/redis\.conf": it holds NUL bytes; expected a text file/,
  },
  {
    title: 'an init script whose link loops',
    files: { 'docker-compose.yml': DB, 'initdb/01.sql': 'CREATE DATABASE a;\n' },
    prepare: old => symlinkSync('02.sql', join(old, 'initdb', '02.sql')),
    message: /Invalid import file "initdb\/02\.sql": its links loop/,
  },
  {
    title: 'an init script that is a folder looping back',
    files: { 'docker-compose.yml': DB, 'initdb/01.sql': 'CREATE DATABASE a;\n' },
    prepare: old => symlinkSync('.', join(old, 'initdb', '02-again.sql')),
    message:
      /Invalid import file "initdb\/02-again\.sql": it is a folder mounted as \/docker-entrypoint-initdb\.d\/02-again\.sql, which the postgres entrypoint would run and fail on/,
  },
  {
    title: 'an init folder whose link loops',
    files: { 'docker-compose.yml': DB },
    prepare: old => symlinkSync('initdb', join(old, 'initdb')),
    message: /Invalid import file "initdb": its links loop/,
  },
  {
    title: 'an init script with NUL bytes',
    files: { 'docker-compose.yml': DB, 'initdb/01.sh': '#!/bin/sh\n\u0000createdb a\n' },
    message: /Invalid import file "initdb\/01\.sh": it holds NUL bytes/,
  },
  {
    title: 'a compose file hard-linked to a file outside the folder',
    files: { 'docker-compose.yml': API },
    prepare: old => linkSync(join(old, 'docker-compose.yml'), join(old, '..', 'elsewhere.yml')),
    message:
      /^portal: Invalid import file "docker-compose\.yml": it is hard-linked \(2 names\), so it may be a file outside the folder; copy it in \(cp, not ln\)\.\n$/,
  },
];

describe('portal import: broken mounted files', () => {
  it('each case: exit 2, one line naming the file, both folders untouched', async () => {
    const failures = (
      await inPool(CASES, 3, async next => {
        const { top, old, destination } = importFolders(next.files, 'mounted-case');
        next.prepare?.(old);
        const before = treeHash(top);
        const result = await runPortal(['import', old], { cwd: destination });
        const problems = refusalProblems(
          next.title,
          { code: result.code, stderr: result.stderr.split(old).join('OLD') },
          next.message,
          treeHash(top) !== before,
        );
        return problems.length > 0 ? problems.join('; ') : undefined;
      })
    ).filter(Boolean);
    assert.deepEqual(failures, []);
  });
});
