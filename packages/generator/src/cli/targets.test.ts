/**
 * The `targets` answer: `--targets` (compose always rendered), `portal add target` and `portal remove
 * target`; a bad target exits 2 with one line naming --targets, and nothing changes.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { validateTargets } from '../answers/targets.js';
import { modelOf } from '../testing/model.js';

const stored = (folder: string) => JSON.parse(readFileSync(join(folder, '.yo-rc.json'), 'utf8'))['generator-portal'];

describe('targets answer', () => {
  it('keeps compose first and always, stores nothing for compose alone, refuses unknown and repeated targets', () => {
    assert.equal(validateTargets(undefined), undefined);
    assert.equal(validateTargets('compose'), undefined);
    assert.deepEqual(validateTargets('swarm,kubernetes'), ['compose', 'kubernetes', 'swarm']);
    assert.deepEqual(validateTargets(['kubernetes']), ['compose', 'kubernetes']);
    assert.throws(
      () => validateTargets('helm'),
      /^PortalInputError: Invalid --targets "helm": expected one of: compose, kubernetes, swarm \(compose is always rendered\)\.$/,
    );
    assert.throws(() => validateTargets('swarm,swarm'), /Invalid --targets "swarm,swarm": expected each target once/);
    assert.throws(() => validateTargets({ kubernetes: true }), /Invalid --targets/);
    assert.deepEqual(modelOf({}).targets, ['compose']);
    // swarm is accepted into the model; its renderer is wired in separately
    assert.deepEqual(modelOf({ targets: ['swarm'] }).targets, ['compose', 'swarm']);
  });

  it('refuses a bad --targets with one line and writes nothing', async () => {
    const parent = freshFolder('targets');
    const out = join(parent, 'portal');
    const run = await runPortal(['--yes', '--targets', 'helm', '--out', out, '--secret-seed', 'x'], { cwd: parent });
    assertRefused('--targets helm', run, /^portal: Invalid --targets "helm": expected one of: compose, kubernetes, swarm/, existsSync(out));
    const empty = await runPortal(['--yes', '--targets=', '--out', out, '--secret-seed', 'x'], { cwd: parent });
    assertRefused('--targets=', empty, /^portal: Invalid --targets "": expected a value/, existsSync(out));
  });

  describe('portal add / remove target', () => {
    let folder = '';
    before(async () => {
      folder = freshFolder('portal');
      const run = await runPortal(['--yes', '--secret-seed', 'x'], { cwd: folder });
      assert.equal(run.code, 0, run.stderr);
    });

    it('adds kubernetes: deploy/kubernetes is written and the answer stored', async () => {
      const run = await runPortal(['add', 'target', 'kubernetes', '--secret-seed', 'x'], { cwd: folder });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(stored(folder).targets, ['compose', 'kubernetes']);
      assert.ok(existsSync(join(folder, 'deploy/kubernetes/overlays/prod/kustomization.yaml')));
    });

    it('refuses removing compose or a target not chosen, naming --targets, and changes nothing', async () => {
      for (const [target, message] of [
        ['compose', /^portal: Invalid --targets "compose": expected one of the chosen targets besides compose \(kubernetes\): compose is always rendered/],
        ['swarm', /^portal: Invalid --targets "swarm": expected one of the chosen targets \(kubernetes\)/],
      ] as const) {
        const before = treeHash(folder);
        const run = await runPortal(['remove', 'target', target, '--secret-seed', 'x'], { cwd: folder });
        assertRefused(`remove target ${target}`, run, message, treeHash(folder) !== before);
      }
    });

    it('removes kubernetes: its untouched files go and the answer with them', async () => {
      const run = await runPortal(['remove', 'target', 'kubernetes', '--secret-seed', 'x'], { cwd: folder });
      assert.equal(run.code, 0, run.stderr);
      assert.equal(stored(folder).targets, undefined);
      assert.ok(!existsSync(join(folder, 'deploy/kubernetes/base/kustomization.yaml')));
    });
  });
});
