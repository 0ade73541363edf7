/**
 * The README's install steps, run as written: `npm pack`, a global install of the tarball as root and,
 * with `npm config set prefix ~/.local`, as a normal user (nobody, through setpriv), then `portal` and
 * `yo portal` from there. Packed once; installs come from the npm cache (`--prefer-offline`).
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../checks/tools.js';

const NOBODY = 65534;
const version = (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const tarball = `generator-portal-${version}.tgz`;
const isRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const npmCache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
// npm and node where this test found them; a user's PATH has its own prefix's bin first
const basePath = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
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
  assert.equal(result.status, 0, `${result.stdout}\n${result.stderr}`);
  return result;
};

describe('install from this checkout (the README steps)', { skip: !isRoot || !hasSetpriv ? 'needs root and setpriv to act as a normal user' : false }, () => {
  before(() => {
    work = mkdtempSync(join(tmpdir(), 'portal-install-'));
    chmodSync(work, 0o755);
    // --ignore-scripts: dist/ is the build under test, not rebuilt while the suite runs from it
    ok(spawnSync('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 120_000 }));
    assert.ok(existsSync(join(work, tarball)));
  });

  it('the README names these steps', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    for (const step of ['npm pack', `npm install -g ./${tarball}`, 'npm config set prefix ~/.local', 'npm install -g yo', 'yo portal']) {
      assert.ok(readme.includes(step), `README lacks: ${step}`);
    }
  });

  it('root: npm install -g of the tarball gives an executable portal that scaffolds a portal', () => {
    const home = join(work, 'root-home');
    mkdirSync(home);
    const prefix = join(home, '.local');
    ok(as('root', home, ['npm', 'install', '-g', `./${tarball}`, '--prefix', prefix, '--cache', npmCache, ...QUIET], work));
    const bin = join(prefix, 'bin', 'portal');
    assert.ok(statSync(bin).mode & 0o111, 'the installed bin is executable');
    assert.equal(ok(as('root', home, ['portal', '--version'], work)).stdout, `${version}\n`);
    const run = ok(as('root', home, ['portal', '--yes', '--out', join(work, 'root-portal')], work));
    assert.match(run.stdout + run.stderr, /create docker-compose\.yml/);
    assert.ok(existsSync(join(work, 'root-portal', 'docker-compose.prod.yml')));
  });

  it('a normal user: npm config set prefix ~/.local, npm install -g, then portal and yo portal', () => {
    const home = join(work, 'user-home');
    mkdirSync(home);
    chownSync(home, NOBODY, NOBODY);
    // the user's own npm cache, filled from this machine's (the one `npm ci` fills), so nothing is downloaded
    cacheCopy(npmCache, join(home, '.npm'));
    ok(as('nobody', home, ['npm', 'config', 'set', 'prefix', '~/.local'], home));
    ok(as('nobody', home, ['npm', 'install', '-g', join(work, tarball), ...QUIET], home));
    assert.equal(ok(as('nobody', home, ['portal', '--version'], home)).stdout, `${version}\n`);
    const portal = ok(as('nobody', home, ['portal', '--yes', '--out', 'by-portal'], home));
    assert.match(portal.stdout + portal.stderr, /Wrote the by-portal deployment repo/);
    // yo finds generators under `npm root -g`: the user's prefix. The devDependency stands in for `npm install -g yo`.
    const app = join(home, 'city-maps');
    ok(as('nobody', home, ['mkdir', app], home));
    const yo = join(PACKAGE_ROOT, 'node_modules', 'yo', 'lib', 'cli.js');
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
