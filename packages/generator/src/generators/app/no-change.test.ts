/** A run that writes nothing says "No change" and no Next; one that changes the repo still shows them. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPortal } from '../../testing/bin.js';
import { freshFolder } from '../../testing/generate.js';

describe('a run that changes nothing', () => {
  it('a plain re-run and adding a service already there say "No change" without Next; adding a new one updates', async () => {
    const repo = join(freshFolder('nochange'), 'portal');
    const made = await runPortal(['--yes', '--out', repo, '--services', 'postgis,nginx,redis', '--secret-seed', 'x'], { cwd: '/' });
    assert.equal(made.code, 0, made.stderr);
    assert.match(made.stderr, /Wrote the .* deployment repo to/);
    for (const args of [['--yes'], ['add', 'redis']]) {
      const again = await runPortal([...args, '--secret-seed', 'x'], { cwd: repo });
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stderr, /^No change: the .* deployment repo in .* is already as these answers make it\.$/m, args.join(' '));
      assert.doesNotMatch(again.stderr, /Updated|Next:/, args.join(' '));
    }
    const added = await runPortal(['add', 'varnish', '--secret-seed', 'x'], { cwd: repo });
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /Updated the .* deployment repo in/);
    assert.match(added.stderr, /^Next:$/m);
    assert.doesNotMatch(added.stderr, /No change/);
  });
});
