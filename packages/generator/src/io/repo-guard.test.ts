/**
 * The repo's edges: links that leave it, hostile recorded paths, two runs at once, a lock whose holder
 * is alive or dead. Every refusal is one line naming the culprit, the repo is byte-identical afterwards,
 * and the canary outside it survives.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { hostname } from 'node:os';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';
import { tree } from '../testing/tree-hash.js';

const SEED = ['--secret-seed', 'guard'];
let template = '';

function copy(tag: string): { repo: string; outside: string; canary: string } {
  const base = freshFolder(`guard-${tag}`);
  const repo = join(base, 'repo');
  cpSync(template, repo, { recursive: true, verbatimSymlinks: true });
  const outside = join(base, 'outside');
  mkdirSync(outside);
  const canary = join(outside, 'target.txt');
  writeFileSync(canary, 'canary: must survive\n');
  return { repo, outside, canary };
}

function editHashes(repo: string, change: (hashes: Record<string, string>) => void): void {
  const path = join(repo, '.yo-rc.json');
  const rc = JSON.parse(readFileSync(path, 'utf8'));
  change(rc['generator-portal'].fileHashes);
  writeFileSync(path, `${JSON.stringify(rc, null, 2)}\n`);
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

interface Refusal {
  readonly name: string;
  readonly args: readonly string[];
  readonly prepare: (at: { repo: string; outside: string; canary: string }) => void;
  readonly message: RegExp;
}

const REFUSALS: readonly Refusal[] = [
  {
    name: 'a recorded hash of a file outside the repo (relative)',
    args: ['--yes', ...SEED],
    prepare: ({ repo }) => editHashes(repo, hashes => (hashes['../outside/target.txt'] = sha('canary: must survive\n'))),
    // refused by the schema's shape check, before the path guard
    message: /Invalid \.yo-rc\.json: fileHashes has a key that is not a path inside the repo: "\.\.\/outside\/target\.txt"/,
  },
  {
    name: 'a recorded hash of an absolute path',
    args: ['remove', 'varnish', ...SEED],
    prepare: ({ repo, canary }) => editHashes(repo, hashes => (hashes[canary] = sha('canary: must survive\n'))),
    message: /Invalid \.yo-rc\.json: fileHashes has a key that is not a path inside the repo: "\//,
  },
  {
    name: 'a recorded hash outside the repo, in portal doctor',
    args: ['doctor'],
    prepare: ({ repo }) => editHashes(repo, hashes => (hashes['nginx/../../outside/target.txt'] = sha('canary: must survive\n'))),
    message: /Invalid \.yo-rc\.json: fileHashes has a key that is not a path inside the repo: "nginx\/\.\.\/\.\.\/outside\/target\.txt"/,
  },
  {
    name: 'the nginx folder linked out of the repo',
    args: ['--yes', ...SEED],
    prepare: ({ repo, outside }) => {
      rmSync(join(repo, 'nginx'), { recursive: true });
      symlinkSync(outside, join(repo, 'nginx'));
    },
    message: /Invalid link "nginx" -> ".*outside": it leaves the repo/,
  },
  {
    name: 'the secrets folder linked out of the repo, on a rotation',
    args: ['secrets', '--rotate', ...SEED],
    prepare: ({ repo, outside }) => {
      rmSync(join(repo, 'secrets'), { recursive: true });
      symlinkSync(outside, join(repo, 'secrets'));
    },
    message: /Invalid link "secrets" -> ".*outside": it leaves the repo/,
  },
  {
    name: 'the secrets folder linked out of the repo, on a re-run',
    args: ['add', 'celery', ...SEED],
    prepare: ({ repo, outside }) => {
      rmSync(join(repo, 'secrets'), { recursive: true });
      symlinkSync(outside, join(repo, 'secrets'));
    },
    message: /Invalid link "secrets" -> ".*outside"/,
  },
  {
    name: 'the instances folder linked out of the repo, on instance add',
    args: ['instance', 'add', 'staging', '--domain', 'staging.guard.localhost', ...SEED],
    prepare: ({ repo, outside }) => {
      rmSync(join(repo, 'instances'), { recursive: true, force: true });
      symlinkSync(outside, join(repo, 'instances'));
    },
    message: /Invalid link "instances" -> ".*outside": it leaves the repo/,
  },
  {
    name: 'a generated file replaced by a link to a file outside',
    args: ['--yes', ...SEED],
    prepare: ({ repo, canary }) => {
      rmSync(join(repo, 'docker-compose.yml'));
      symlinkSync(canary, join(repo, 'docker-compose.yml'));
    },
    message: /Invalid link "docker-compose\.yml" -> ".*target\.txt": the generator writes this file itself/,
  },
  {
    name: 'a link that points nowhere',
    args: ['--yes', ...SEED],
    prepare: ({ repo, outside }) => {
      rmSync(join(repo, 'varnish'), { recursive: true });
      symlinkSync(join(outside, 'missing'), join(repo, 'varnish'));
    },
    message: /Invalid link "varnish" -> ".*missing": it points nowhere/,
  },
  {
    name: ".yo-rc.json as a link to another repo's answers",
    args: ['add', 'celery', ...SEED],
    prepare: ({ repo, outside }) => {
      renameSync(join(repo, '.yo-rc.json'), join(outside, '.yo-rc.json'));
      symlinkSync(join(outside, '.yo-rc.json'), join(repo, '.yo-rc.json'));
    },
    message: /Invalid \.yo-rc\.json: it is a link/,
  },
  {
    name: '.yo-rc.json as a folder',
    args: ['--yes', ...SEED],
    prepare: ({ repo }) => {
      rmSync(join(repo, '.yo-rc.json'));
      mkdirSync(join(repo, '.yo-rc.json'));
    },
    message: /Invalid \.yo-rc\.json: it is a folder/,
  },
  {
    name: 'the state folder linked out of the repo',
    args: ['add', 'celery', ...SEED],
    prepare: ({ repo, outside }) => symlinkSync(outside, join(repo, '.portal')),
    message: /Invalid \.portal: it is not a folder/,
  },
];

before(async () => {
  template = freshFolder('guard-template');
  const result = await runPortal(['--yes', ...SEED], { cwd: template });
  assert.equal(result.code, 0, result.stderr);
});

describe('nothing outside the repo is read or written', () => {
  for (const refusal of REFUSALS) {
    it(`refuses ${refusal.name}`, async () => {
      const at = copy(refusal.name.replace(/\W+/g, '-'));
      refusal.prepare(at);
      const [repoBefore, outsideBefore] = [tree(at.repo, true), tree(at.outside, true)];
      const result = await runPortal(refusal.args, { cwd: at.repo });
      assert.equal(result.code, 2, `${result.stdout}${result.stderr}`);
      const lines = result.stderr.trim().split('\n');
      assert.equal(lines.length, 1, result.stderr);
      assert.match(lines[0]!, refusal.message);
      assert.deepEqual(tree(at.repo, true), repoBefore);
      assert.deepEqual(tree(at.outside, true), outsideBefore);
      assert.equal(readFileSync(at.canary, 'utf8'), 'canary: must survive\n');
    });
  }

  it('follows a folder link that stays inside the repo, and keeps it a link', async () => {
    const at = copy('inside-link');
    renameSync(join(at.repo, 'nginx'), join(at.repo, 'nginx-real'));
    symlinkSync('nginx-real', join(at.repo, 'nginx'));
    const result = await runPortal(['add', 'prometheus', ...SEED], { cwd: at.repo });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(tree(at.repo, true).nginx, 'link nginx-real');
    assert.match(readFileSync(join(at.repo, 'nginx-real', 'snippets', 'routes.conf'), 'utf8'), /prometheus|metrics/);
  });
});

/** A lock as a live run writes it, held by a sleeping process of ours. */
function holdLock(repo: string, command: string): ChildProcess {
  const holder = spawn('sleep', ['60']);
  const start = readFileSync(`/proc/${holder.pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19];
  mkdirSync(join(repo, '.portal'));
  writeFileSync(join(repo, '.portal', '.gitignore'), '*\n');
  const lock = { pid: holder.pid, start, host: hostname(), pidNamespace: readlinkSync('/proc/self/ns/pid'), command, since: '2026-01-01T00:00:00.000Z' };
  writeFileSync(join(repo, '.portal', 'lock'), JSON.stringify(lock));
  return holder;
}

describe('one run at a time', () => {
  it('commands started together all land, one after the other', async () => {
    const { repo } = copy('concurrent');
    // a held lock makes them queue up for sure; then its holder dies and they go one by one
    const holder = holdLock(repo, 'portal add kafka');
    const runs = [
      ['add', 'celery'],
      ['add', 'grafana'],
      ['instance', 'add', 'staging', '--domain', 'staging.guard.localhost'],
      ['secrets', '--rotate'],
    ].map(args => runPortal([...args, ...SEED], { cwd: repo }));
    // each waiting run keeps its lock.<pid>.tmp in the state folder
    const waiting = () => readdirSync(join(repo, '.portal')).filter(entry => /^lock\.\d+\.tmp$/.test(entry)).length;
    for (const deadline = Date.now() + 60_000; waiting() < runs.length && Date.now() < deadline;) await new Promise(resolve => setTimeout(resolve, 20));
    holder.kill('SIGKILL');
    const results = await Promise.all(runs);
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    assert.ok(results.some(result => /waiting for pid \d+ \(portal add kafka\)/.test(result.stderr)));
    const answers = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-portal'];
    for (const id of ['celery', 'grafana']) assert.ok(answers.services.includes(id), `${id} lost: ${answers.services}`);
    assert.deepEqual(answers.instances, [{ name: 'staging', domain: 'staging.guard.localhost' }]);
    const compose = parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'));
    for (const service of ['celery-worker', 'grafana', 'prometheus']) assert.ok(service in compose.services, `${service} missing from docker-compose.yml`);
    assert.ok(existsSync(join(repo, 'instances', 'staging.env')));
    assert.ok(!('.portal/' in tree(repo, true)), 'the state folder stayed');
  });

  it('a live holder makes the next run give up after its wait, naming it; a dead one is taken over', async () => {
    const { repo } = copy('held');
    const holder = holdLock(repo, 'portal add kafka');
    try {
      const before = tree(repo, true);
      const busy = await runPortal(['add', 'celery', ...SEED], { cwd: repo, env: { PORTAL_LOCK_WAIT: '1' } });
      assert.equal(busy.code, 1, busy.stderr);
      assert.match(busy.stderr, new RegExp(`another run holds this repo: pid ${holder.pid} .*portal add kafka`));
      assert.deepEqual(tree(repo, true), before);
      holder.kill('SIGKILL');
      await new Promise(resolve => holder.once('exit', resolve));
      const after = await runPortal(['add', 'celery', ...SEED], { cwd: repo, env: { PORTAL_LOCK_WAIT: '1' } });
      assert.equal(after.code, 0, after.stderr);
      assert.ok(!('.portal/' in tree(repo, true)), 'the state folder stayed');
    } finally {
      holder.kill('SIGKILL');
    }
  });
});

describe('permissions the user or the checklist set', () => {
  it('an edited read-only file stays read-only when the generator merges into it', async () => {
    const { repo } = copy('modes');
    const compose = join(repo, 'docker-compose.yml');
    writeFileSync(compose, `# kept by hand\n${readFileSync(compose, 'utf8')}`);
    chmodSync(compose, 0o444);
    const result = await runPortal(['add', 'celery', ...SEED], { cwd: repo });
    assert.equal(result.code, 0, result.stderr);
    assert.match(readFileSync(compose, 'utf8'), /^# kept by hand\n[\s\S]*celery-worker:/);
    assert.equal(statSync(compose).mode & 0o777, 0o444);
  });

  it('portal secrets makes a lost secrets folder private again', async () => {
    const { repo } = copy('secrets-mode');
    rmSync(join(repo, 'secrets'), { recursive: true });
    const result = await runPortal(['secrets', ...SEED], { cwd: repo });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(statSync(join(repo, 'secrets')).mode & 0o777, 0o700);
    for (const file of readdirSync(join(repo, 'secrets'))) assert.equal(statSync(join(repo, 'secrets', file)).mode & 0o777, 0o644, file);
  });
});
