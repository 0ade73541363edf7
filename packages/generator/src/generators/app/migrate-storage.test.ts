/**
 * scripts/migrate-storage.sh run for real: a stand-in docker runs each `docker run` command on the host,
 * with the container paths /from and /to mapped to the folders mounted there, so the copying, the refusal
 * of PostgreSQL files of another major version and the owner change are the script's own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../../testing/generate.js';

/** `docker run --rm -v SRC:/from[:ro] -v DST:/to IMAGE CMD...` → CMD on the host, paths mapped; inspect finds nothing. */
const FAKE_DOCKER = `#!/usr/bin/env python3
import os, subprocess, sys
args = sys.argv[1:]
if args[:1] == ['version']:  # lib.sh's check that the engine answers
    sys.exit(0)
if args[:2] in (['container', 'inspect'], ['volume', 'inspect']):
    sys.exit(1)
assert args[0] == 'run', args
args = args[1:]
mounts = {}
while args and args[0].startswith('-'):
    flag = args.pop(0)
    if flag == '-v':
        source, target = args.pop(0).split(':')[:2]
        mounts[target] = source
    elif flag != '--rm':
        sys.exit('unexpected ' + flag)
args = args[1:]  # the image
def mapped(text):
    for target, source in sorted(mounts.items(), key=lambda item: -len(item[0])):
        text = text.replace(target, source)
    return text
sys.exit(subprocess.run([mapped(a) for a in args]).returncode)
`;

let repo = '';
let bin = '';
let dataRoot = '';
const migrate = (args: string[]) =>
  spawnSync('bash', ['scripts/migrate-storage.sh', ...args], {
    cwd: repo,
    encoding: 'utf8',
    input: '',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });

describe('scripts/migrate-storage.sh', () => {
  before(async () => {
    repo = await generate({ preset: 'housing-portal', imageTag: '2.3.1' });
    bin = freshFolder('bin');
    writeFileSync(join(bin, 'docker'), FAKE_DOCKER, { mode: 0o755 });
    dataRoot = freshFolder('data');
    const env = join(repo, '.env');
    writeFileSync(env, readFileSync(env, 'utf8').replace(/^DATA_ROOT=.*$/m, `DATA_ROOT=${dataRoot}`));
    // what create-storage.sh writes (it needs root for chown): the scripts touch only a marked data root
    writeFileSync(join(dataRoot, '.portal-data-root'), 'housing-portal\n');
    // the old deployment's folders, next to the repo as its compose file had them (../images ...)
    for (const old of ['images', 'imports', 'drone', 'tiles']) {
      mkdirSync(join(dirname(repo), old, 'sub'), { recursive: true });
      writeFileSync(join(dirname(repo), old, 'sub', `${old}.txt`), `${old} data\n`);
    }
    mkdirSync(join(repo, 'exports'));
    writeFileSync(join(repo, 'exports', 'report.csv'), 'a,b\n');
  });

  it('--legacy copies every old store of the preset into its storage item, owned by the app user', () => {
    const run = migrate(['--legacy']);
    assert.equal(run.status, 0, run.stderr + run.stdout);
    for (const item of ['images', 'imports', 'drone', 'tiles']) {
      const copied = join(dataRoot, item, 'sub', `${item}.txt`);
      assert.equal(readFileSync(copied, 'utf8'), `${item} data\n`);
      if (process.getuid?.() === 0) assert.equal(statSync(copied).uid, 10001);
    }
    assert.equal(readFileSync(join(dataRoot, 'exports', 'report.csv'), 'utf8'), 'a,b\n');
    assert.match(run.stdout, /copied \.\.\/images:\. into images/);
  });

  it('leaves a filled item alone without --yes, and copies into it with --yes', () => {
    writeFileSync(join(dirname(repo), 'images', 'new.txt'), 'new\n');
    const skipped = migrate(['../images', 'images']);
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(skipped.stderr, /skipped images/);
    assert.ok(!existsSync(join(dataRoot, 'images', 'new.txt')));
    const forced = migrate(['../images', 'images', '--yes']);
    assert.equal(forced.status, 0, forced.stderr);
    assert.ok(existsSync(join(dataRoot, 'images', 'new.txt')));
  });

  it('copies PostgreSQL files of the same major version and refuses another one', () => {
    const old = join(dirname(repo), 'oldpg');
    mkdirSync(join(old, '9.6', 'main'), { recursive: true });
    writeFileSync(join(old, '9.6', 'main', 'PG_VERSION'), '9.6\n');
    const refused = migrate(['../oldpg', 'pgdata']);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /holds PostgreSQL 9\.6 data, this stack runs 16: files cannot move between major versions/);
    assert.ok(!existsSync(join(dataRoot, 'pgdata', 'PG_VERSION')));
    const same = join(dirname(repo), 'samepg');
    mkdirSync(join(same, 'data'), { recursive: true });
    writeFileSync(join(same, 'data', 'PG_VERSION'), '16\n');
    const copied = migrate(['../samepg', 'pgdata']);
    assert.equal(copied.status, 0, copied.stderr);
    assert.equal(readFileSync(join(dataRoot, 'pgdata', 'PG_VERSION'), 'utf8'), '16\n');
  });

  it('--legacy copies the stores it finds and names those it could not', () => {
    const moved = join(dirname(repo), 'tiles-moved');
    spawnSync('mv', [join(dirname(repo), 'tiles'), moved]);
    try {
      const run = migrate(['--legacy', '--yes']);
      assert.equal(run.status, 1);
      assert.match(run.stderr, /not copied: \.\.\/tiles; copy each by hand/);
      assert.match(run.stdout, /copied \.\.\/drone:\. into drone/);
    } finally {
      spawnSync('mv', [moved, join(dirname(repo), 'tiles')]);
    }
  });

  it('refuses an unknown item or source with a clear message', () => {
    const item = migrate(['../images', 'nowhere']);
    assert.equal(item.status, 2);
    assert.match(item.stderr, /^unknown storage item 'nowhere': use one of: pgdata redis-data backups images imports exports drone staticfiles media tiles\n$/);
    const source = migrate(['../missing', 'images']);
    assert.equal(source.status, 1);
    assert.match(source.stderr, /no container, volume or folder named '\.\.\/missing'/);
  });
});
