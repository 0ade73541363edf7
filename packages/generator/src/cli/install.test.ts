/**
 * The README's install steps, run as written: `npm pack` of the generator and the verifier, a global
 * install of the tarballs as root and, with `npm config set prefix ~/.local`, as a normal user (nobody,
 * through setpriv), then `portal`, `portal verify` and `yo portal` from there: a production install, with
 * no devDependency. Packed once; installs come from the npm cache (`--prefer-offline`).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../shared/package-root.js';

const NOBODY = 65534;
const WORKSPACE = dirname(dirname(PACKAGE_ROOT));
const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const tarball = `generator-portal-${version}.tgz`;
const verifierTarball = `generator-portal-verifier-${version}.tgz`;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
// npm and node where this test found them; a user's PATH has its own prefix's bin first
const basePath = [dirname(process.execPath), '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
const QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--no-update-notifier'];

let work: string;

/** A command as `user` (root: as is; nobody: setpriv, no groups) with only the given environment. */
function as(user: 'root' | 'nobody', home: string, command: string[], cwd: string, extra: Record<string, string> = {}): SpawnSyncReturns<string> {
  const env = [`HOME=${home}`, `PATH=${join(home, '.local', 'bin')}:${basePath}`, 'LANG=C.UTF-8', ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
  const drop = user === 'nobody' ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : [];
  const [file, ...args] = [...drop, 'env', '-i', ...env, ...command];
  return spawnSync(file!, args, { cwd, encoding: 'utf8', timeout: 300_000 });
}

const ok = (result: SpawnSyncReturns<string>) => {
  assert.equal(result.status, 0, `${result.error ?? ''}\n${result.stdout}\n${result.stderr}`);
  return result;
};

describe('install from this checkout (the README steps)', { skip: !isRoot || !hasSetpriv ? 'needs root and setpriv to act as a normal user' : false }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'portal-install-'));
    chmodSync(work, 0o755);
    // --ignore-scripts: dist/ is the build under test, not rebuilt while the suite runs from it
    const pack = ['pack', '-w', 'generator-portal', '-w', '@generator-portal/verifier', '--ignore-scripts', '--pack-destination', work];
    ok(spawnSync('npm', pack, { cwd: WORKSPACE, encoding: 'utf8', timeout: 120_000 }));
    assert.ok(existsSync(join(work, tarball)) && existsSync(join(work, verifierTarball)));
  });

  it('the README names these steps', () => {
    const readme = readFileSync(join(WORKSPACE, 'README.md'), 'utf8');
    const steps = ['npm pack -w generator-portal -w @generator-portal/verifier', `npm install -g ./${tarball} ./${verifierTarball}`];
    for (const step of [...steps, 'npm config set prefix ~/.local', 'npm install -g yo', 'yo portal']) {
      assert.ok(readme.includes(step), `README lacks: ${step}`);
    }
  });

  it('the generator holds only what it runs: no tests, test helpers, declarations, smoke harness or verifier', () => {
    const listing = ok(spawnSync('tar', ['-tzf', join(work, tarball)], { encoding: 'utf8' })).stdout.split('\n');
    for (const needed of [
      'dist/cli/portal.js',
      'templates/nginx/nginx.conf.ejs',
      'schema/yo-rc.schema.json',
      'dist/answers/yo-rc-validator.rc.cjs',
      'dist/generators/verify/USAGE',
    ])
      assert.ok(listing.includes(`package/${needed}`), needed);
    assert.deepEqual(
      listing.filter(f =>
        // the verifier's folders (dist/verify, checklist, checks) are its package's; generators/verify only loads it
        /\.test\.js$|\/testing\/|\.d\.ts$|\.pyc$|\/src\/|smoke|^package\/dist\/(verify|checklist|checks)\//.test(f),
      ),
      [],
    );
  });

  it('root, the generator alone: portal verify names the package it needs (exit 2)', () => {
    const home = join(work, 'alone-home');
    mkdirSync(home);
    const prefix = join(home, '.local');
    ok(as('root', home, ['npm', 'install', '-g', `./${tarball}`, '--prefix', prefix, '--cache', npmCache, ...QUIET], work));
    ok(as('root', home, ['portal', '--yes', '--out', join(work, 'alone-portal')], work));
    const verify = as('root', home, ['portal', 'verify'], join(work, 'alone-portal'));
    assert.equal(verify.status, 2, verify.stdout + verify.stderr);
    assert.match(verify.stderr, /portal verify needs the verifier package: npm install -g @generator-portal\/verifier/);
  });

  it('root: npm install -g of the tarball gives an executable portal that scaffolds a portal', () => {
    const home = join(work, 'root-home');
    mkdirSync(home);
    const prefix = join(home, '.local');
    ok(as('root', home, ['npm', 'install', '-g', `./${tarball}`, `./${verifierTarball}`, '--prefix', prefix, '--cache', npmCache, ...QUIET], work));
    const bin = join(prefix, 'bin', 'portal');
    assert.ok(statSync(bin).mode & 0o111, 'the installed bin is executable');
    assert.equal(ok(as('root', home, ['portal', '--version'], work)).stdout, `${version}\n`);
    const run = ok(as('root', home, ['portal', '--yes', '--out', join(work, 'root-portal')], work));
    assert.match(run.stdout + run.stderr, /create docker-compose\.yml/);
    assert.ok(existsSync(join(work, 'root-portal', 'docker-compose.prod.yml')));
    // the verifier's own dependencies (dockerfile-ast, dclint, ...) came with it: every check runs (promtool
    // from where .ci/install-validators unpacked it)
    const verify = as('root', home, ['portal', 'verify'], join(work, 'root-portal'), {
      PATH: `${join(prefix, 'bin')}:${join(WORKSPACE, '.tools', 'bin')}:${basePath}`,
    });
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /\b0 failed\b/);
  });

  it('a normal user: npm config set prefix ~/.local, npm install -g, then portal and yo portal', () => {
    const home = join(work, 'user-home');
    mkdirSync(home);
    chownSync(home, NOBODY, NOBODY);
    // the user's own npm cache, filled from this machine's (the one `npm ci` fills), so nothing is downloaded
    cacheCopy(npmCache, join(home, '.npm'));
    ok(as('nobody', home, ['npm', 'config', 'set', 'prefix', '~/.local'], home));
    ok(as('nobody', home, ['npm', 'install', '-g', join(work, tarball), join(work, verifierTarball), ...QUIET], home));
    assert.equal(ok(as('nobody', home, ['portal', '--version'], home)).stdout, `${version}\n`);
    const portal = ok(as('nobody', home, ['portal', '--yes', '--out', 'by-portal'], home));
    assert.match(portal.stdout + portal.stderr, /Wrote the by-portal deployment repo/);
    // yo finds generators under `npm root -g`: the user's prefix. The devDependency stands in for `npm install -g yo`.
    const app = join(home, 'city-maps');
    ok(as('nobody', home, ['mkdir', app], home));
    const yo = join(WORKSPACE, 'node_modules', 'yo', 'lib', 'cli.js');
    const result = ok(as('nobody', home, [process.execPath, yo, 'portal', '--yes', '--no-insight'], app));
    assert.match(result.stdout + result.stderr, /Wrote the city-maps deployment repo/);
    assert.doesNotMatch(result.stdout + result.stderr, /\bforce\b.*docker-compose|deprecated|No change to package\.json/);
    assert.ok(readdirSync(app).includes('docker-compose.yml'));
  });
});

/** A copy of the npm cache that the user owns (npm refuses a cache holding files of another owner). */
function cacheCopy(from: string, to: string): void {
  cpSync(join(from, '_cacache'), join(to, '_cacache'), { recursive: true });
  ok(spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, to], { encoding: 'utf8' }));
}
