/**
 * The disk says no: a full small tmpfs and a read-only mount, for every command that writes. Each run
 * fails with one line naming the path and the cause, and leaves the repo byte-identical, with no staging
 * file behind. Runs as root in a private mount namespace (unshare -m), so no mount is seen outside it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BIN, runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';

const SNAPSHOT = fileURLToPath(new URL('../testing/print-tree.js', import.meta.url));
const SEED = ['--secret-seed', 'disk'];
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  'a fresh generation': ['--yes', ...SEED],
  'portal add celery': ['add', 'celery', ...SEED],
  'portal remove varnish': ['remove', 'varnish', ...SEED],
  'portal secrets --rotate': ['secrets', '--rotate', '--secret-seed', 'other'],
  'portal instance add': ['instance', 'add', 'staging', '--domain', 'staging.disk.localhost', ...SEED],
};

const skip = (): string | false => {
  if (process.getuid?.() !== 0) return 'needs root for unshare -m';
  return spawnSync('unshare', ['-m', 'true']).status === 0 ? false : 'unshare -m is not permitted here';
};

interface Outcome {
  readonly code: number;
  readonly stderr: string;
  readonly same: boolean;
  readonly left: string;
}

/**
 * Inside a private mount namespace: `mount` prepares $M (a tmpfs) and $R (the repo in it), then the
 * command runs in $R; the tree before and after is compared by the tests' own tree helper.
 */
function inNamespace(template: string | undefined, mount: string, args: readonly string[]): Outcome {
  const work = freshFolder('disk');
  const script = `
    set -e
    M=${JSON.stringify(join(work, 'm'))}; R="$M/repo"; T=${JSON.stringify(template ?? '')}
    mkdir -p "$M"
    ${mount}
    snap() { node ${JSON.stringify(SNAPSHOT)} "$R"; }
    before=$(snap)
    set +e
    (cd "$R" && CI=true node ${JSON.stringify(BIN)} ${args.map(a => JSON.stringify(a)).join(' ')} </dev/null >/dev/null 2>"$M/../stderr"); echo "code=$?"
    after=$(snap)
    [ "$before" = "$after" ] && echo same=yes || { echo same=no; diff <(echo "$before" | tr , '\\n') <(echo "$after" | tr , '\\n') | head -5; }
    echo "left=$(find "$R" -name '*.portal-*' -o -name '.portal' | head -3 | tr '\\n' ' ')"
  `;
  const result = spawnSync('unshare', ['-m', '--propagation', 'private', 'bash', '-c', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr + result.stdout);
  const value = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(result.stdout)?.[1] ?? '';
  return {
    code: Number(value('code')),
    stderr: spawnSync('cat', [join(work, 'stderr')], { encoding: 'utf8' }).stdout,
    same: value('same') === 'yes',
    left: value('left').trim(),
  };
}

/** The run's own lines; Yeoman's per-file status lines come before them. */
const portalLines = (stderr: string) => stderr.split('\n').filter(line => line.startsWith('portal:') || line.includes('error')).length;

/** A tmpfs holding a copy of the repo (or an empty folder) with only `slackKb` free. */
const fullDisk = (slackKb: number) => `
  used=$( [ -n "$T" ] && du -sk --apparent-size "$T" | cut -f1 || echo 0 )
  mount -t tmpfs -o size=$(( used * 2 + 256 ))k tmpfs "$M"
  if [ -n "$T" ]; then cp -a "$T" "$R"; else mkdir "$R"; fi
  free=$(df -k --output=avail "$M" | tail -1)
  [ "$free" -gt ${slackKb} ] && dd if=/dev/zero of="$M/filler" bs=1k count=$(( free - ${slackKb} )) status=none || true
`;
const readOnly = `
  mount -t tmpfs tmpfs "$M"
  if [ -n "$T" ]; then cp -a "$T" "$R"; else mkdir "$R"; fi
  mount -o remount,ro "$M"
`;

describe('a full disk and a read-only repo change nothing', { skip: skip() }, () => {
  let template = '';
  before(async () => {
    template = freshFolder('disk-template');
    const result = await runPortal(['--yes', ...SEED], { cwd: template });
    assert.equal(result.code, 0, result.stderr);
  });

  for (const [name, args] of Object.entries(COMMANDS)) {
    const start = () => (name === 'a fresh generation' ? undefined : template);
    it(`${name} on a full disk`, () => {
      const outcome = inNamespace(start(), fullDisk(8), args);
      assert.equal(outcome.code, 1, outcome.stderr);
      assert.equal(portalLines(outcome.stderr), 1, outcome.stderr);
      assert.match(outcome.stderr, /^portal: could not write .* \(no space left on the device\); (nothing was changed|every file was put back as it was)\.$/m);
      assert.ok(outcome.same, 'the repo changed');
      assert.equal(outcome.left, '');
    });
    it(`${name} on a read-only repo`, () => {
      const outcome = inNamespace(start(), readOnly, args);
      assert.equal(outcome.code, 1, outcome.stderr);
      assert.equal(portalLines(outcome.stderr), 1, outcome.stderr);
      assert.match(outcome.stderr, /^portal: could not write .* \(the file system is read-only\); nothing was changed\.$/m);
      assert.ok(outcome.same, 'the repo changed');
    });
  }

  it('a read-only folder met half way puts back every file already replaced', () => {
    const mount = `
      mount -t tmpfs tmpfs "$M"; cp -a "$T" "$R"
      mount --bind "$R/nginx" "$R/nginx"; mount -o remount,bind,ro "$R/nginx"
    `;
    const outcome = inNamespace(template, mount, ['add', 'prometheus', ...SEED]);
    assert.equal(outcome.code, 1, outcome.stderr);
    assert.match(outcome.stderr, /^portal: could not write nginx\/.*; every file was put back as it was\.$/m);
    assert.ok(outcome.same, 'the repo changed');
    assert.equal(outcome.left, '');
  });

  it('portal doctor still reads a read-only repo', () => {
    const outcome = inNamespace(template, readOnly, ['doctor']);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.ok(outcome.same);
  });
});
