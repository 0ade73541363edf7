/** `yo portal` finds and runs the same generator. yo refuses root, so the test runs it as `nobody`. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { createRequire } from 'node:module';
import { PACKAGE_ROOT } from '../shared/package-root.js';

/** yo's own bin (the devDependency, wherever npm put it: a workspace hoists it to the root). */
const YO = join(dirname(createRequire(import.meta.url).resolve('yo/package.json')), 'lib', 'cli.js');

describe('yo portal', () => {
  it('runs the app generator for a non-root user', t => {
    const uid = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    if (process.getuid?.() !== 0 || uid.status !== 0) return t.skip('needs root to run yo as nobody');
    const root = mkdtempSync(join(tmpdir(), 'portal-yo-'));
    chmodSync(root, 0o755);
    const [home, app] = [join(root, 'home'), join(root, 'city-maps')];
    mkdirSync(home);
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    // yo looks for generator-* packages in node_modules folders above the working folder
    symlinkSync(PACKAGE_ROOT, join(app, 'node_modules', 'generator-portal'));
    const nobody = Number(uid.stdout.trim());
    for (const folder of [home, app]) chownSync(folder, nobody, nobody);
    const yo = YO;
    const result = spawnSync('runuser', ['-u', 'nobody', '--', 'env', `HOME=${home}`, yo, 'portal', '--yes', '--no-insight'], {
      cwd: app,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout + result.stderr, /Wrote the city-maps deployment repo/);
    assert.ok(existsSync(join(app, 'docker-compose.prod.yml')));
    // the sub-generators are found the same way
    const yoRun = (args: string[]) =>
      spawnSync('runuser', ['-u', 'nobody', '--', 'env', `HOME=${home}`, yo, ...args, '--no-insight'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    const verify = yoRun(['portal:verify', '--checklist-only']);
    assert.equal(verify.status, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^passed {2}CMP-09 read-only root filesystem$/m);
    const secrets = yoRun(['portal:secrets']);
    assert.equal(secrets.status, 0, secrets.stderr);
    assert.match(secrets.stdout, /nothing changed/);
    const doctor = yoRun(['portal:doctor']);
    assert.equal(doctor.status, 0, doctor.stderr);
    assert.match(doctor.stdout, /every generated file is as this generator writes it/);
    const add = yoRun(['portal:add', 'prometheus']);
    assert.equal(add.status, 0, add.stdout + add.stderr);
    assert.ok(existsSync(join(app, 'prometheus', 'prometheus.yml')));
    const instance = yoRun(['portal:instance', 'staging', '--domain', 'staging.maps.example.org']);
    assert.equal(instance.status, 0, instance.stdout + instance.stderr);
    assert.ok(existsSync(join(app, 'instances', 'staging.yml')));
  });
});
