/**
 * Every generated script that talks to the engine, run without one: no socket, a socket nobody listens on,
 * a socket it may not open, no compose tool, no docker at all. Each must say what is wrong in one line and
 * exit non-zero; create-secrets.sh, which needs no engine, must still work.
 *
 * The stand-in `docker` connects to DOCKER_HOST as the CLI does and prints the CLI's words for each
 * failure (read from docker 28.2.2: "Cannot connect to the Docker daemon at unix:///x.sock. Is the docker
 * daemon running?" for a missing or refusing socket, "permission denied while trying to connect to the
 * Docker daemon socket at ..." for EACCES, "docker: unknown command: docker compose" without the plugin).
 * Where a real docker CLI is installed, the same cases run with it too. As root a mode 000 socket refuses
 * nobody, so the scripts then run as uid 65534.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshFolder, generate } from '../../testing/generate.js';

const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

const STAND_IN = `#!${process.execPath}
const net = require('node:net');
const args = process.argv.slice(2);
const fail = text => { process.stderr.write(text + '\\n'); process.exit(1); };
if (args[0] === 'compose' && !process.env.STANDIN_COMPOSE_PLUGIN) {
  fail("docker: unknown command: docker compose\\n\\nRun 'docker --help' for more information");
}
if (args[0] === 'compose' && args[1] === 'version') { process.stdout.write('Docker Compose version v2.36.2\\n'); process.exit(0); }
const host = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
const path = host.replace(/^unix:\\/\\//, '');
const socket = net.connect(path);
socket.on('connect', () => {
  if (args[0] === 'version') { process.stdout.write('28.2.2\\n'); process.exit(0); }
  fail('stand-in engine: only "docker version" is answered here, not: ' + args.join(' '));
});
socket.on('error', error => {
  if (error.code === 'EACCES') {
    fail('permission denied while trying to connect to the Docker daemon socket at ' + host + ': Get "http://' + encodeURIComponent(path) + '/v1.50/version": dial unix ' + path + ': connect: permission denied');
  }
  fail('Cannot connect to the Docker daemon at ' + host + '. Is the docker daemon running?');
});
`;

let repo = '';
let work = '';
let system = '';
let standIn = '';
let realDocker = '';
let listening: Server | undefined;
const sockets = { missing: '', refusing: '', closed: '', up: '' };

/** A folder of links to every tool of the machine except docker and docker-compose. */
function systemTools(folder: string): void {
  mkdirSync(folder);
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat(['/usr/bin', '/bin', '/usr/sbin', '/sbin'])) {
    if (!dir.startsWith('/') || !existsSync(dir) || dir.startsWith(work)) continue;
    for (const name of readdirSync(dir)) {
      if (name === 'docker' || name === 'docker-compose' || existsSync(join(folder, name))) continue;
      symlinkSync(join(dir, name), join(folder, name));
    }
  }
}

function whichDocker(): string {
  const found = spawnSync('sh', ['-c', 'command -v docker'], { encoding: 'utf8' }).stdout.trim();
  return found && !found.startsWith(work) ? found : '';
}

type Run = { status: number | null; stdout: string; stderr: string };

function script(name: string, args: string[], path: string, env: Record<string, string> = {}): Run {
  const argv = ['bash', join(repo, 'scripts', name), ...args];
  const command = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...argv] : argv;
  return spawnSync(command[0]!, command.slice(1), {
    cwd: '/',
    encoding: 'utf8',
    input: '',
    timeout: 30_000,
    env: { PATH: path, HOME: join(work, 'home'), LANG: 'C.UTF-8', ...env },
  });
}

/** What each engine-talking script is asked to do: arguments that pass every check before the engine's. */
function invocations(): { name: string; args: string[]; compose: boolean }[] {
  const files = (/^ {4}FILE_ITEMS=\(([^)]*)\)/m.exec(readFileSync(join(repo, 'scripts/restore.sh'), 'utf8'))?.[1] ?? '').split(/\s+/).filter(Boolean);
  assert.ok(files.length > 0, 'restore.sh names no file item to restore');
  return [
    ...['up', 'down', 'ps', 'logs'].map(action => ({ name: 'restart.sh', args: [action], compose: true })),
    { name: 'restart.sh', args: ['config'], compose: true },
    { name: 'backup.sh', args: [], compose: true },
    { name: 'restore.sh', args: ['db', join(work, 'dumps/portal-20260101T000000Z.dump'), '--yes'], compose: true },
    { name: 'restore.sh', args: ['globals', join(work, 'dumps/globals-20260101T000000Z.sql'), '--yes'], compose: true },
    { name: 'restore.sh', args: ['files', files[0]!, join(work, 'dumps/files.tar.gz'), '--yes'], compose: false },
    { name: 'apply-secrets.sh', args: ['db'], compose: true },
    { name: 'create-storage.sh', args: [], compose: false },
    { name: 'migrate-storage.sh', args: ['old-volume', files[0]!, '--yes'], compose: false },
  ];
}

/** One line on stdout and stderr together, naming the cause, and a non-zero exit. */
function assertOneLine(run: Run, expected: RegExp, what: string): void {
  const lines = (run.stdout + run.stderr).split('\n').filter(line => line !== '');
  assert.notEqual(run.status, 0, `${what}: exit 0\n${run.stdout}${run.stderr}`);
  assert.equal(lines.length, 1, `${what}: ${lines.length} lines\n${lines.join('\n')}`);
  assert.match(lines[0]!, expected, what);
}

describe('generated scripts without a usable engine', () => {
  before(async () => {
    repo = await generate({ services: 'postgis,redis,nginx,backup' });
    work = freshFolder('engine');
    chmodSync(dirname(work), 0o755);
    chmodSync(dirname(repo), 0o755);
    realDocker = whichDocker();
    mkdirSync(join(work, 'home'));
    mkdirSync(join(work, 'dumps'));
    writeFileSync(join(work, 'dumps/portal-20260101T000000Z.dump'), 'PGDMP');
    writeFileSync(join(work, 'dumps/globals-20260101T000000Z.sql'), 'CREATE ROLE reader;\n');
    mkdirSync(join(work, 'dumps/content'));
    writeFileSync(join(work, 'dumps/content/a.txt'), 'a');
    assert.equal(spawnSync('tar', ['-czf', join(work, 'dumps/files.tar.gz'), '-C', join(work, 'dumps/content'), '.']).status, 0);
    system = join(work, 'system');
    systemTools(system);
    standIn = join(work, 'stand-in');
    mkdirSync(standIn);
    writeFileSync(join(standIn, 'docker'), STAND_IN, { mode: 0o755 });
    if (realDocker) {
      mkdirSync(join(work, 'real'));
      symlinkSync(realDocker, join(work, 'real', 'docker'));
    }
    sockets.missing = join(work, 'missing.sock');
    sockets.refusing = join(work, 'refusing.sock');
    sockets.closed = join(work, 'closed.sock');
    sockets.up = join(work, 'up.sock');
    // bound, never listening: connect() is refused, as for an engine that died and left its socket
    for (const path of [sockets.refusing, sockets.closed]) {
      const made = spawnSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path], { encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
    }
    chmodSync(sockets.refusing, 0o777);
    chmodSync(sockets.closed, 0o000);
    // listening: the kernel completes a connect into the backlog while this process waits on the script
    listening = createServer(connection => connection.destroy());
    await new Promise<void>(resolve => listening!.listen(sockets.up, resolve));
    chmodSync(sockets.up, 0o777);
    if (asRoot) {
      spawnSync('chown', ['-R', `${NOBODY}:${NOBODY}`, repo, join(work, 'home'), join(work, 'dumps')]);
      chownSync(repo, NOBODY, NOBODY);
    }
  });

  after(() => listening?.close());

  it('create-secrets.sh needs no engine: it works with none', () => {
    const run = script('create-secrets.sh', [], `${standIn}:${system}`, { DOCKER_HOST: `unix://${sockets.missing}` });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /secrets are in \.env/);
  });

  const drivers = () => [
    { driver: 'stand-in docker', bin: standIn },
    ...(realDocker ? [{ driver: `docker CLI (${realDocker})`, bin: join(work, 'real') }] : []),
  ];

  it('no engine (DOCKER_HOST at a missing socket): one line, "not running", exit 1', () => {
    for (const { driver, bin } of drivers()) {
      for (const { name, args, compose } of invocations()) {
        const run = script(name, args, `${bin}:${system}`, { DOCKER_HOST: `unix://${sockets.missing}` });
        // config needs the compose tool only, which is missing here too
        const expected =
          args[0] === 'config'
            ? /^docker compose is missing/
            : /^the Docker engine is not running at unix:\/\/.*missing\.sock: start it \(sudo systemctl start docker; rootless: systemctl --user start docker\)/;
        assertOneLine(run, expected, `${driver}: ${name} ${args[0] ?? ''}${compose ? '' : ' (no compose)'}`);
      }
    }
  });

  it('a socket nobody listens on: one line, "not running", exit 1', () => {
    for (const { driver, bin } of drivers()) {
      for (const { name, args } of invocations().filter(i => i.args[0] !== 'config')) {
        const run = script(name, args, `${bin}:${system}`, { DOCKER_HOST: `unix://${sockets.refusing}` });
        assertOneLine(run, /^the Docker engine is not running at unix:\/\/.*refusing\.sock: start it/, `${driver}: ${name} ${args[0] ?? ''}`);
      }
    }
  });

  it('a socket that refuses this user (mode 000): one line, the docker group, exit 1', () => {
    for (const { driver, bin } of drivers()) {
      for (const { name, args } of invocations().filter(i => i.args[0] !== 'config')) {
        const run = script(name, args, `${bin}:${system}`, { DOCKER_HOST: `unix://${sockets.closed}` });
        assertOneLine(
          run,
          /^no permission on the Docker socket unix:\/\/.*closed\.sock: add your user to the docker group \(sudo usermod -aG docker \$USER, then log in again\) or run as root$/,
          `${driver}: ${name} ${args[0] ?? ''}`,
        );
      }
    }
  });

  it('an engine that answers but no compose tool: one line, "compose is missing", exit 1', () => {
    for (const { name, args } of invocations().filter(i => i.compose)) {
      const run = script(name, args, `${standIn}:${system}`, { DOCKER_HOST: `unix://${sockets.up}` });
      assertOneLine(run, /^docker compose is missing \(neither the docker compose plugin nor docker-compose\): install/, `${name} ${args[0] ?? ''}`);
    }
  });

  it('no docker at all: one line, "docker is not installed", exit 1', () => {
    for (const { name, args } of invocations().filter(i => i.args[0] !== 'config')) {
      assertOneLine(script(name, args, system), /^docker is not installed: install Docker Engine/, `${name} ${args[0] ?? ''}`);
    }
  });

  it('backup.sh and restore.sh files of bind folders, without a database, need no engine: they work with none', async () => {
    const dataRoot = join(freshFolder('data'), 'root');
    const bind = await generate({ services: 'redis,nginx', storage: 'bind', dataRoot }, 'test-seed', freshFolder('bind'));
    const backups = freshFolder('backups');
    const backup = readFileSync(join(bind, 'scripts/backup.sh'), 'utf8');
    assert.doesNotMatch(backup, /require_engine|require_compose/);
    // the data root as create-storage.sh leaves it (its chown needs root): marked, one folder per item
    const items = (/^STORAGE_ITEMS=\(([^)]*)\)/m.exec(readFileSync(join(bind, 'scripts/lib.sh'), 'utf8'))?.[1] ?? '').split(/\s+/).filter(Boolean);
    for (const item of items) mkdirSync(join(dataRoot, item), { recursive: true });
    const project = /^COMPOSE_PROJECT_NAME=(.*)$/m.exec(readFileSync(join(bind, '.env'), 'utf8'))?.[1];
    writeFileSync(join(dataRoot, '.portal-data-root'), `${project}\n`);
    writeFileSync(join(dataRoot, 'media', 'photo.jpg'), 'jpeg');
    const env = { PATH: `${standIn}:${system}`, HOME: join(work, 'home'), DOCKER_HOST: `unix://${sockets.missing}`, BACKUP_DIR: backups };
    const run = spawnSync('bash', [join(bind, 'scripts/backup.sh')], { cwd: '/', encoding: 'utf8', env });
    assert.equal(run.status, 0, run.stderr);
    const archive = /^files: (\S+media-\S+\.tar\.gz)$/m.exec(run.stdout)?.[1];
    assert.ok(archive && existsSync(archive), run.stdout);
    const restored = spawnSync('bash', [join(bind, 'scripts/restore.sh'), 'files', 'media', archive, '--yes'], { cwd: '/', encoding: 'utf8', env });
    assert.equal(restored.status, 0, restored.stderr);
    assert.equal(readFileSync(join(dataRoot, 'media', 'photo.jpg'), 'utf8'), 'jpeg');
  });

  it('with the engine and a compose tool there, the check lets the script go on', () => {
    const run = script('restart.sh', ['ps'], `${standIn}:${system}`, { DOCKER_HOST: `unix://${sockets.up}`, STANDIN_COMPOSE_PLUGIN: '1' });
    // the stand-in answers only `docker version` and `docker compose version`: ps reaches it and is refused
    assert.match(
      run.stderr,
      /stand-in engine: only "docker version" is answered here, not: compose --env-file \.env -f docker-compose\.yml -f docker-compose\.override\.yml ps/,
    );
  });
});
