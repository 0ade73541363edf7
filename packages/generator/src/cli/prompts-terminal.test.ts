/**
 * The questions in a real terminal (tmux): a bad name, domain and image are refused at their question with
 * what is allowed, the same question takes a good value, and the run writes the repo; `portal add` with no
 * service offers the missing ones. `yo portal` runs once as `nobody` (yo refuses root).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { SERVICE_IDS } from '../answers/answers.js';
import { serviceDefinition } from '../catalog/index.js';
import { BIN, runPortal } from '../testing/bin.js';
import { hasTmux, Terminal } from '../testing/terminal.js';
import { createRequire } from 'node:module';
import { PACKAGE_ROOT } from '../shared/package-root.js';

/** yo's own bin (the devDependency, wherever npm put it: a workspace hoists it to the root). */
const YO = join(dirname(createRequire(import.meta.url).resolve('yo/package.json')), 'lib', 'cli.js');

const stored = (cwd: string) => JSON.parse(readFileSync(join(cwd, '.yo-rc.json'), 'utf8'))['generator-portal'];

function open(t: TestContext, command: string[], cwd: string): Terminal {
  const terminal = new Terminal(command, cwd);
  t.after(() => terminal.close());
  return terminal;
}

/** Types `bad` at the question, expects `problem` right under it, then types `good` in its place. */
async function refusedThenRetyped(terminal: Terminal, question: string, bad: string, problem: RegExp, good: string): Promise<void> {
  terminal.type(bad);
  terminal.press('Enter');
  const screen = await terminal.waitFor(/^> .* is not allowed/m);
  const asked = new RegExp(`^\\? ${question.replace(/[()]/g, '\\$&')} ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\n> (.*)$`, 'm').exec(screen);
  assert.ok(asked, `no error under the question "${question}":\n${screen}`);
  assert.match(asked[1]!, problem);
  // said for the question, not as an option the user never typed
  assert.doesNotMatch(asked[1]!, /--/);
  terminal.press('C-u');
  terminal.type(good);
  terminal.press('Enter');
}

describe('prompts in a terminal', { skip: !hasTmux() && 'needs tmux' }, () => {
  it('refuses a bad name, domain and image at their question, asks again and writes the repo', async t => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-prompts-'));
    const terminal = open(t, [process.execPath, BIN, '--secret-seed', 'x'], cwd);
    await terminal.waitFor(/^\? Portal name \(slug\)/m);
    await refusedThenRetyped(
      terminal,
      'Portal name (slug)',
      'City Maps',
      /^"City Maps" is not allowed: expected 2 to 40 lowercase letters, digits and dashes/,
      'city-maps',
    );
    // the default domain follows the name just typed
    await terminal.waitFor(/^\? Public domain \(city-maps\.localhost\)/m);
    await refusedThenRetyped(
      terminal,
      'Public domain',
      'bad domain',
      /^"bad domain" is not allowed: expected a host name such as "maps\.example\.org"/,
      'maps.example.org',
    );
    await terminal.waitFor(/^\? Backend\n❯ django/m);
    terminal.press('Down', 'Down', 'Down');
    await terminal.waitFor(/^❯ image$/m);
    terminal.press('Enter');
    await terminal.waitFor(/^\? Backend image \(with tag\)/m);
    await refusedThenRetyped(
      terminal,
      'Backend image (with tag)',
      'acme/api',
      /^"acme\/api" is not allowed: expected an image with an explicit tag/,
      'ghcr.io/acme/api:1.4.2',
    );
    await terminal.waitFor(/^\? Port the image listens on/m);
    terminal.type('8080');
    terminal.press('Enter');
    // the rest keep their defaults
    for (const question of ['Services', 'Storage for persistent data', 'Extra Redis servers', 'Services kept as alternatives', 'Deployment targets']) {
      await terminal.waitFor(new RegExp(`^\\? ${question}`, 'm'));
      terminal.press('Enter');
    }
    const { code, screen } = await terminal.exit();
    assert.equal(code, 0, screen);
    assert.match(screen, /^✔ Portal name \(slug\) city-maps$/m);
    assert.match(screen, /^✔ Services postgis, redis, tileserver, varnish, nginx, backup$/m);
    assert.match(screen, /Wrote the city-maps deployment repo/);
    assert.doesNotMatch(screen, /deprecated/);
    const answers = stored(cwd);
    assert.deepEqual(
      [answers.name, answers.domain, answers.backend, answers.backendImage, answers.backendPort],
      ['city-maps', 'maps.example.org', 'image', 'ghcr.io/acme/api:1.4.2', 8080],
    );
    assert.ok(existsSync(join(cwd, 'docker-compose.prod.yml')));
  });

  it('refuses a bad option typed on the command line before the first question, and writes nothing', async t => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-prompts-'));
    const terminal = open(t, [process.execPath, BIN, '--domain', 'bad domain'], cwd);
    const { code, screen } = await terminal.exit();
    assert.equal(code, 2, screen);
    assert.match(screen, /^portal: Invalid --domain "bad domain": expected a host name/m);
    assert.doesNotMatch(screen, /^\?/m);
    assert.deepEqual(readdirSync(cwd), []);
  });

  it('portal add with no service offers the missing ones, with what each is, and adds the picked one', async t => {
    const cwd = mkdtempSync(join(tmpdir(), 'portal-add-pick-'));
    const made = await runPortal(['--yes', '--services', 'postgis,nginx', '--secret-seed', 'x'], { cwd });
    assert.equal(made.code, 0, made.stderr);
    const terminal = open(t, [process.execPath, BIN, 'add', '--secret-seed', 'x'], cwd);
    const missing = SERVICE_IDS.filter(id => id !== 'postgis' && id !== 'nginx');
    let screen = await terminal.waitFor(/^\? Services to add/m);
    assert.match(screen, new RegExp(`^❯◯ ${missing[0]}: ${serviceDefinition(missing[0]!).summary.replace(/[()+]/g, '\\$&')}$`, 'm'));
    assert.doesNotMatch(screen, /^.◯ (postgis|nginx):/m);
    terminal.press('Enter');
    screen = await terminal.waitFor(/^> Choose at least one/m);
    const downs = missing.indexOf('prometheus');
    terminal.press(...Array<string>(downs).fill('Down'));
    await terminal.waitFor(/^❯◯ prometheus: /m);
    terminal.press('Space');
    await terminal.waitFor(/^❯◉ prometheus: /m);
    terminal.press('Enter');
    const done = await terminal.exit();
    assert.equal(done.code, 0, done.screen);
    assert.match(done.screen, /^✔ Services to add prometheus$/m);
    assert.deepEqual(stored(cwd).services, ['postgis', 'nginx', 'prometheus']);
    assert.ok(existsSync(join(cwd, 'prometheus', 'prometheus.yml')));
  });

  it('yo portal asks the same questions for a non-root user', async t => {
    const nobody = spawnSync('id', ['-u', 'nobody'], { encoding: 'utf8' });
    if (process.getuid?.() !== 0 || nobody.status !== 0) return t.skip('needs root to run yo as nobody');
    const uid = nobody.stdout.trim();
    const root = mkdtempSync(join(tmpdir(), 'portal-yo-prompts-'));
    chmodSync(root, 0o755);
    const [home, app] = [join(root, 'home'), join(root, 'harbour')];
    mkdirSync(home);
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    // yo finds generator-* packages in the node_modules folders above the working folder
    symlinkSync(PACKAGE_ROOT, join(app, 'node_modules', 'generator-portal'));
    for (const folder of [home, app]) chownSync(folder, Number(uid), Number(uid));
    const yo = YO;
    const as = ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', 'env', `HOME=${home}`];
    const terminal = open(t, [...as, yo, 'portal', '--no-insight', '--secret-seed', 'x'], app);
    await terminal.waitFor(/^\? Portal name \(slug\) \(harbour\)/m, 180_000);
    await refusedThenRetyped(
      terminal,
      'Portal name (slug)',
      'Harbour Maps',
      /^"Harbour Maps" is not allowed: expected 2 to 40 lowercase letters/,
      'harbour-maps',
    );
    for (const question of [
      'Public domain \\(harbour-maps\\.localhost\\)',
      'Backend',
      'Services',
      'Storage for persistent data',
      'Extra Redis servers',
      'Services kept as alternatives',
      'Deployment targets',
    ]) {
      await terminal.waitFor(new RegExp(`^\\? ${question}`, 'm'));
      terminal.press('Enter');
    }
    const { code, screen } = await terminal.exit();
    assert.equal(code, 0, screen);
    assert.match(screen, /Wrote the harbour-maps deployment repo/);
    assert.deepEqual([stored(app).name, stored(app).domain], ['harbour-maps', 'harbour-maps.localhost']);
  });
});
