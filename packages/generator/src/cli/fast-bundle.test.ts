/**
 * `portal --yes` picks the build's bundle of fast-app.js wherever the package was built by the build, an
 * install included (it sets file times as it unpacks), and the modules themselves after a tsc alone.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { freshFolder } from '../testing/generate.js';
import { BUNDLE_FILE, BUNDLED_MARK } from './fast-bundle.js';

const LOADED_MODULES = join(PACKAGE_ROOT, 'dist', 'testing', 'loaded-modules.js');

/** A copy of the built package as an install lays it out, its dependencies linked. */
function installedCopy(): string {
  const root = join(freshFolder('installed'), 'generator-portal');
  for (const name of ['package.json', 'dist', 'templates', 'schema']) cpSync(join(PACKAGE_ROOT, name), join(root, name), { recursive: true });
  symlinkSync(join(PACKAGE_ROOT, '..', '..', 'node_modules'), join(root, 'node_modules'));
  return root;
}

/** Which of cli/fast-app.js and its bundle a `portal --yes` of the copy loaded. */
function fastAppLoaded(root: string): string[] {
  const list = join(freshFolder('modules'), 'loaded.txt');
  const out = join(freshFolder('out'), 'portal');
  const result = spawnSync(
    process.execPath,
    ['--import', LOADED_MODULES, join(root, 'dist', 'cli', 'portal.js'), '--yes', '--out', out, '--secret-seed', 'x', '--skip-git'],
    {
      env: { ...process.env, CI: 'true', PORTAL_LOADED_MODULES: list },
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, result.stderr);
  const cli = `${join(root, 'dist', 'cli')}/`;
  return [...new Set(readFileSync(list, 'utf8').split('\n'))]
    .filter(url => url.startsWith(`file://${cli}fast-app`))
    .map(url => url.slice(`file://${cli}`.length))
    .sort();
}

describe('the bundle of fast-app.js', () => {
  it('is loaded by an installed copy, whatever times the install gave the files', () => {
    const root = installedCopy();
    const cli = join(root, 'dist', 'cli');
    // npm unpacks fast-app.bundle.js before fast-app.js: the code looks newer than its bundle
    utimesSync(join(cli, BUNDLE_FILE), 1_000, 1_000);
    utimesSync(join(cli, 'fast-app.js'), 2_000, 2_000);
    assert.deepEqual(fastAppLoaded(root), [BUNDLE_FILE]);
  });

  it('is passed over once tsc alone has compiled fast-app.js again, whatever the times', () => {
    const root = installedCopy();
    const cli = join(root, 'dist', 'cli');
    const built = readFileSync(join(cli, 'fast-app.js'), 'utf8');
    assert.ok(built.endsWith(`\n${BUNDLED_MARK}\n`), 'the build marks the fast-app.js it bundled');
    writeFileSync(join(cli, 'fast-app.js'), built.slice(0, -(BUNDLED_MARK.length + 1)));
    utimesSync(join(cli, 'fast-app.js'), 1_000, 1_000);
    utimesSync(join(cli, BUNDLE_FILE), 2_000, 2_000);
    assert.deepEqual(fastAppLoaded(root), ['fast-app.js']);
  });
});
