/**
 * Bad dev mounts and dev commands (`portal add app`, `portal app set`, `--answers`, and links on disk): each
 * exits 2 with one line naming --dev-mount or --dev-command and the fix, and the portal is byte-for-byte
 * what it was.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';
import { treeHash } from '../testing/tree-hash.js';
import { refusalProblems } from '../testing/refusal.js';
import { answersFile } from '../testing/answer-files.js';

const APP = ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80'];

const BASE = {
  name: 'devmounts',
  domain: 'maps.example.org',
  services: ['nginx', 'postgis'],
  folders: [{ name: 'exports', target: '/srv/exports' }],
  apps: [{ id: 'api', image: 'acme/api:2.0.1', port: 8080, route: '/v2/', devMounts: [{ source: './src/api', target: '/srv/api' }] }],
};

interface Case {
  readonly args: readonly string[];
  readonly message: RegExp;
  /** Sets up the copy of the portal before it is hashed (links on disk). */
  readonly prepare?: (folder: string) => void;
  readonly answers?: unknown;
}

const CASES: readonly Case[] = [
  // outside the repo, or the repo itself
  {
    args: [...APP, '--dev-mount', '../outside:/app'],
    message: /^portal: Invalid --dev-mount "\.\.\/outside:\/app" of app "x": expected a folder inside the repo: .*no "\.\."/,
  },
  {
    args: [...APP, '--dev-mount', '/etc:/app'],
    message: /Invalid --dev-mount "\/etc:\/app" of app "x": expected a folder of the repo given relative to it, not an absolute path/,
  },
  {
    args: [...APP, '--dev-mount', '~/code:/app'],
    message: /Invalid --dev-mount "~\/code:\/app" of app "x": expected a folder of the repo given relative to it/,
  },
  { args: [...APP, '--dev-mount', '.:/app'], message: /Invalid --dev-mount "\.:\/app" of app "x": expected a folder inside the repo: .*not the repo itself/ },
  {
    args: [...APP, '--dev-mount', './src/../../etc:/app'],
    message: /Invalid --dev-mount "\.\/src\/\.\.\/\.\.\/etc:\/app" of app "x": expected a folder inside the repo/,
  },
  // compose would interpolate a variable of the host into the path
  { args: [...APP, '--dev-mount', '${HOME}:/app'], message: /Invalid --dev-mount "\$\{HOME\}:\/app" of app "x": expected a folder inside the repo/ },
  // what holds secrets
  { args: [...APP, '--dev-mount', '.env:/app/.env'], message: /Invalid --dev-mount "\.env:\/app\/\.env" of app "x": expected a folder without hidden parts/ },
  { args: [...APP, '--dev-mount', './.git:/app'], message: /Invalid --dev-mount "\.\/\.git:\/app" of app "x": expected a folder without hidden parts/ },
  {
    args: [...APP, '--dev-mount', 'secrets:/app'],
    message: /Invalid --dev-mount "secrets:\/app" of app "x": expected a source folder of its own, not secrets\/, inside it or holding it/,
  },
  {
    args: [...APP, '--dev-mount', 'instances/staging:/app'],
    message: /Invalid --dev-mount "instances\/staging:\/app" of app "x": expected a source folder of its own, not instances\//,
  },
  {
    args: [...APP, '--dev-mount', './nginx/certs:/app'],
    message: /Invalid --dev-mount "\.\/nginx\/certs:\/app" of app "x": expected a source folder of its own, not nginx\/certs\/, inside it or holding it/,
  },
  {
    args: [...APP, '--dev-mount', './nginx:/app'],
    message: /Invalid --dev-mount "\.\/nginx:\/app" of app "x": expected a source folder of its own, not nginx\/certs\/, inside it or holding it/,
  },
  // colon, newline and format tricks
  {
    args: [...APP, '--dev-mount', './src/api:/app:rw'],
    message: /Invalid --dev-mount "\.\/src\/api:\/app:rw" of app "x": expected SOURCE:TARGET or SOURCE:TARGET:ro, with no other ":"/,
  },
  {
    args: [...APP, '--dev-mount', './src:/app:rw:z'],
    message: /Invalid --dev-mount "\.\/src:\/app:rw:z" of app "x": expected SOURCE:TARGET or SOURCE:TARGET:ro, with no other ":"/,
  },
  { args: [...APP, '--dev-mount', './src'], message: /Invalid --dev-mount "\.\/src" of app "x": expected SOURCE:TARGET/ },
  { args: [...APP, '--dev-mount', './src\n:/app'], message: /Invalid --dev-mount "\.\/src\\n:\/app" of app "x": expected one line without control characters/ },
  // the target
  { args: [...APP, '--dev-mount', './src:app'], message: /Invalid --dev-mount "\.\/src:app" of app "x": expected an absolute path in the container/ },
  {
    args: [...APP, '--dev-mount', './src:/etc/nginx'],
    message: /Invalid --dev-mount "\.\/src:\/etc\/nginx" of app "x": expected a container path outside the image's system folders/,
  },
  {
    args: [...APP, '--dev-mount', './src:/app', '--dev-mount', './lib:/app'],
    message: /Invalid --dev-mount "\/app" of app "x": expected each container path once/,
  },
  // other mounts of the container on the same path, or inside a read-only one
  {
    args: [...APP, '--dev-mount', './src:/app', '--writable', '/app'],
    message: /Invalid --dev-mount "\.\/src:\/app" of app "x": expected a container path that nothing else mounts \(a writable \(in-memory\) path is at \/app\)/,
  },
  {
    args: [...APP, '--dev-mount', './src:/srv/exports'],
    message:
      /Invalid --dev-mount "\.\/src:\/srv\/exports" of app "x": expected a container path that nothing else mounts \(storage exports is at \/srv\/exports\)/,
  },
  {
    args: [...APP, '--dev-mount', './src:/srv:ro'],
    message:
      /Invalid --dev-mount "\.\/src:\/srv:ro" of app "x": expected it writable \(drop ":ro"\), since storage exports at \/srv\/exports is mounted inside it/,
  },
  // the dev command
  {
    args: [...APP, '--dev-command', 'sh -c "node server.js"'],
    message:
      /Invalid --dev-command "sh -c \\"node server\.js\\"" of app "x": expected words without quotes or backslashes; give a list in --answers \("devCommand"/,
  },
  // on an app that exists
  {
    args: ['app', 'set', 'api', '--dev-mount', 'backups:/srv/api'],
    message: /Invalid --dev-mount "backups:\/srv\/api" of app "api": expected a source folder of its own, not backups\//,
  },
  // links on disk: docker would follow them
  {
    args: [...APP, '--dev-mount', './code:/app'],
    message: /Invalid --dev-mount "\.\/code:\/app" of app "x": it is, or lies below, a link that leaves the repo; nothing outside the repo is mounted/,
    prepare: folder => symlinkSync('/etc', join(folder, 'code')),
  },
  {
    args: [...APP, '--dev-mount', './code/app:/app'],
    message: /Invalid --dev-mount "\.\/code\/app:\/app" of app "x": it is, or lies below, a link that leaves the repo/,
    prepare: folder => symlinkSync(freshFolder('elsewhere'), join(folder, 'code')),
  },
  {
    args: [...APP, '--dev-mount', './code:/app'],
    message: /Invalid --dev-mount "\.\/code:\/app" of app "x": it is a link to "secrets", which no container may read/,
    prepare: folder => symlinkSync('secrets', join(folder, 'code')),
  },
  {
    args: [...APP, '--dev-mount', './src/x:/app'],
    message: /Invalid --dev-mount "\.\/src\/x:\/app" of app "x": it is a link to the repository itself/,
    prepare: folder => {
      mkdirSync(join(folder, 'src'));
      symlinkSync('..', join(folder, 'src', 'x'));
    },
  },
  // a source that is there but is no folder
  {
    args: [...APP, '--dev-mount', './code:/app'],
    message: /Invalid --dev-mount "\.\/code:\/app" of app "x": it is not a folder; name a folder of the repo/,
    prepare: folder => writeFileSync(join(folder, 'code'), 'plain file'),
  },
  {
    args: [...APP, '--dev-mount', './pipe:/app'],
    message: /Invalid --dev-mount "\.\/pipe:\/app" of app "x": it is not a folder/,
    prepare: folder => execFileSync('mkfifo', [join(folder, 'pipe')]),
  },
  // an answers file: the prebuilt backend's contract and the record shape
  {
    args: ['--yes', '--answers', 'answers.json'],
    answers: { ...BASE, backend: 'image', backendImage: 'acme/site:1.2.3', backendContract: { devMounts: [{ source: '../site', target: '/app' }] } },
    message: /Invalid --dev-mount "\.\.\/site:\/app" of app "backend": expected a folder inside the repo/,
  },
  {
    args: ['--yes', '--answers', 'answers.json'],
    answers: { ...BASE, apps: [{ ...BASE.apps[0], devMounts: [{ source: './src/api', target: '/srv/api', mode: 'ro' }] }] },
    message: /Invalid --answers ".*": unknown key "mode" in apps\[0\]\.devMounts\[0\]; expected some of: source, target, readOnly/,
  },
];

describe('bad dev mounts', () => {
  let portal = '';
  before(async () => {
    portal = freshFolder('devmounts');
    const answers = join(freshFolder('answers'), 'answers.json');
    writeFileSync(answers, JSON.stringify(BASE));
    const made = await runPortal(['--yes', '--answers', answers, '--secret-seed', 'x'], { cwd: portal });
    assert.equal(made.code, 0, made.stderr);
  });

  it(`has at least 6 cases (${CASES.length})`, () => assert.ok(CASES.length >= 6));

  it('each case: exit 2, one line naming the option and the fix, the portal untouched', async () => {
    const failures: string[] = [];
    const queue = [...CASES];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const folder = freshFolder('dest');
        cpSync(portal, folder, { recursive: true });
        next.prepare?.(folder);
        // the answers file lies outside the portal: the tree compared is the portal's alone
        const args = next.answers ? next.args.map(arg => (arg === 'answers.json' ? freshAnswers(JSON.stringify(next.answers)) : arg)) : next.args;
        const before = treeHash(folder);
        const result = await runPortal([...args, '--secret-seed', 'x'], { cwd: folder });
        failures.push(...refusalProblems(`portal ${JSON.stringify(next.args)}`, result, next.message, treeHash(folder) !== before));
      }
    };
    await Promise.all(Array.from({ length: 2 }, worker));
    assert.deepEqual(failures, []);
  });
});

const freshAnswers = answersFile;
