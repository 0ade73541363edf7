/**
 * The journal's undo path, in-process: an error at every rename of the apply step puts every file back;
 * a crash at every step of that undo (it stops half way) is finished by the next run's recovery.
 */
import assert from 'node:assert/strict';
import fs, { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { commitChanges, recoverInterrupted } from './journal.js';
import { freshFolder } from '../testing/generate.js';
import { tree } from '../testing/tree-hash.js';

/** A repo with files to replace, one to remove and room for new ones in new folders. */
function repo(): string {
  const root = freshFolder('journal');
  mkdirSync(join(root, 'nginx'));
  writeFileSync(join(root, 'nginx', 'a.conf'), 'old a\n');
  writeFileSync(join(root, 'b.yml'), 'old b\n', { mode: 0o444 });
  writeFileSync(join(root, 'gone.txt'), 'to remove\n');
  return root;
}

const changes = (root: string) => [
  { path: join(root, 'nginx', 'a.conf'), contents: Buffer.from('new a\n') },
  { path: join(root, 'b.yml'), contents: Buffer.from('new b\n'), mode: 0o444 },
  { path: join(root, 'new', 'deep', 'c.sh'), contents: Buffer.from('new c\n'), mode: 0o755 },
  { path: join(root, 'secrets', 'd'), contents: Buffer.from('secret\n'), mode: 0o644 },
  { path: join(root, 'gone.txt'), contents: null, remove: true },
];

class Crash extends Error {}

/** fs.renameSync failing (or "crashing") at the chosen calls, counted from when it is armed. */
function withRenameFaults<T>(faults: ReadonlyMap<number, Error>, run: () => T): T {
  const original = fs.renameSync;
  let calls = 0;
  (fs as { renameSync: typeof fs.renameSync }).renameSync = (from, to) => {
    const fault = faults.get(++calls);
    if (fault) throw fault;
    return original(from, to);
  };
  try {
    return run();
  } finally {
    (fs as { renameSync: typeof fs.renameSync }).renameSync = original;
  }
}

const stateOf = (root: string) => Object.fromEntries(Object.entries(tree(root, true)).filter(([path]) => !path.startsWith('.portal')));

describe('journal: errors and crashes while applying', () => {
  it('writes every change, with the modes asked for and a private secrets folder', () => {
    const root = repo();
    commitChanges(root, changes(root), { privateFolders: ['secrets'] });
    assert.equal(readFileSync(join(root, 'b.yml'), 'utf8'), 'new b\n');
    assert.equal(fs.statSync(join(root, 'b.yml')).mode & 0o777, 0o444);
    assert.equal(fs.statSync(join(root, 'new', 'deep', 'c.sh')).mode & 0o777, 0o755);
    assert.equal(fs.statSync(join(root, 'secrets')).mode & 0o777, 0o700);
    assert.ok(!fs.existsSync(join(root, 'gone.txt')));
    assert.deepEqual(fs.readdirSync(join(root, '.portal')), ['.gitignore']);
  });

  // one rename of the journal, then two per replaced file, one per new file, one per removal
  const renames = 1 + 2 + 2 + 1 + 1 + 1;
  for (let failAt = 2; failAt <= renames; failAt++) {
    it(`an error at rename ${failAt} puts every file back`, () => {
      const root = repo();
      const before = stateOf(root);
      assert.throws(
        () =>
          withRenameFaults(new Map([[failAt, Object.assign(new Error('EROFS'), { code: 'EROFS' })]]), () =>
            commitChanges(root, changes(root), { privateFolders: ['secrets'] }),
          ),
        /every file was put back/,
      );
      assert.deepEqual(stateOf(root), before);
      assert.deepEqual(fs.readdirSync(join(root, '.portal')), ['.gitignore']);
    });

    // the undo itself renames: die at each of its steps, then recover as the next run does
    for (let crashAt = failAt + 1; crashAt <= 2 * renames + 1; crashAt++) {
      it(`an error at rename ${failAt}, then a crash at rename ${crashAt}: the next run ends in the old state or the new`, () => {
        const root = repo();
        const before = stateOf(root);
        const done = repo();
        commitChanges(done, changes(done), { privateFolders: ['secrets'] });
        const after = stateOf(done);
        const faults = new Map<number, Error>([
          [failAt, Object.assign(new Error('EROFS'), { code: 'EROFS' })],
          [crashAt, new Crash()],
        ]);
        try {
          withRenameFaults(faults, () => commitChanges(root, changes(root), { privateFolders: ['secrets'] }));
        } catch (error) {
          if (!(error instanceof Crash) && !/every file was put back/.test(String(error))) throw error;
        }
        recoverInterrupted(root, join(root, '.portal'));
        const state = stateOf(root);
        // the crash before the journal was marked for undo leaves it to be completed instead
        assert.ok(JSON.stringify(state) === JSON.stringify(before) || JSON.stringify(state) === JSON.stringify(after), JSON.stringify(state, null, 1));
        assert.deepEqual(fs.readdirSync(join(root, '.portal')), ['.gitignore']);
      });
    }
  }
});
