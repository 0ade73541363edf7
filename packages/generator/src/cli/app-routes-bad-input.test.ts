/**
 * Bad route answers of an app (`portal add app`, `portal app set`, `--answers`): each exits 2 with one line
 * naming the value and what is allowed, and the generated portal is byte-for-byte what it was.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';
import { treeHash } from '../testing/tree-hash.js';
import { refusalProblems } from '../testing/refusal.js';
import { answersFile } from '../testing/answer-files.js';

const APP = ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80'];

/** A portal with a shared folder (exports), a repository folder (docs) and an app with a sub-domain route. */
const BASE = {
  name: 'routes',
  domain: 'maps.example.org',
  services: ['nginx', 'varnish', 'postgis'],
  folders: [
    { name: 'exports', target: '/exports' },
    { name: 'docs', repo: 'docs-site', route: '/handbook/' },
    { name: 'public', target: '/public', route: '/public/' },
  ],
  apps: [{ id: 'api', image: 'acme/api:2.0.1', port: 8080, routes: [{ path: '/', host: 'api' }] }],
};

const CASES: readonly { readonly args: readonly string[]; readonly message: RegExp }[] = [
  // conflicting routes
  { args: [...APP, '--route', '/tiles/'], message: /^portal: Invalid --route "\/tiles\/": expected a path the stack does not use itself/ },
  { args: [...APP, '--route', 'api:/'], message: /Invalid --route "api:\/": expected each host and path once/ },
  { args: [...APP, '--route', '/handbook/'], message: /Invalid --route "\/handbook\/" of app "x": a shared folder is served there/ },
  {
    args: [...APP, '--route', '/', '--body-size', '10m'],
    message: /Invalid --route "\/" of app "x": expected a path the stack does not use itself .*"\/" only on a sub-domain/,
  },
  {
    args: [...APP, '--route', '/v2/', '--route', '/v2/', '--timeout', '30s'],
    message: /Invalid --route "\/v2\/" of app "x": expected each host and path once/,
  },
  // host labels
  {
    args: [...APP, '--route', '/v2/', '--host', 'api.other.org'],
    message: /Invalid --host "api.other.org" of app "x": expected a label such as "api" or a host under maps\.example\.org/,
  },
  { args: [...APP, '--route', 'Bad_Label:/'], message: /Invalid --route "Bad_Label" of app "x": expected a sub-domain label/ },
  // sizes and timeouts
  { args: [...APP, '--route', '/v2/', '--body-size', '0'], message: /Invalid --body-size "0" of app "x": expected a size such as "25m"/ },
  { args: [...APP, '--route', '/v2/', '--body-size', '5g'], message: /Invalid --body-size "5g" of app "x"/ },
  { args: [...APP, '--route', '/v2/', '--body-size', '4096m'], message: /Invalid --body-size "4096m" of app "x": .*at most 2048m/ },
  { args: [...APP, '--route', '/v2/', '--timeout', 'forever'], message: /Invalid --timeout "forever" of app "x": expected a duration such as "60s"/ },
  { args: [...APP, '--route', '/v2/', '--timeout', '2d'], message: /Invalid --timeout "2d" of app "x"/ },
  { args: [...APP, '--route', '/v2/', '--connect-timeout', '5m'], message: /Invalid --connect-timeout "5m" of app "x": expected a duration .*at most 75 s/ },
  // CORS
  {
    args: [...APP, '--route', '/v2/', '--cors', '*', '--cors-credentials'],
    message: /Invalid --cors "\*" of app "x": expected the origins allowed by name with --cors-credentials/,
  },
  {
    args: [...APP, '--route', '/v2/', '--cors', 'https://app.example.org/path'],
    message: /Invalid --cors "https:\/\/app.example.org\/path" of app "x": expected an origin: scheme, host and optional port/,
  },
  { args: [...APP, '--route', '/v2/', '--cors', 'app.example.org'], message: /Invalid --cors "app.example.org" of app "x": expected an origin/ },
  {
    args: [...APP, '--route', '/v2/', '--cors', '*', 'https://a.example.org'],
    message: /Invalid --cors "\*,https:\/\/a.example.org" of app "x": expected "\*" alone or a list of origins/,
  },
  { args: [...APP, '--route', '/v2/', '--cors-credentials'], message: /Invalid --cors-credentials: expected it together with --cors/ },
  // private folders
  {
    args: [...APP, '--route', '/v2/', '--private', '/protected/=uploads'],
    message: /Invalid --private "\/protected\/=uploads" of app "x": expected a shared folder of the portal \(folders: exports, public\)/,
  },
  {
    args: [...APP, '--route', '/v2/', '--private', '/protected/=docs'],
    message: /Invalid --private "\/protected\/=docs" of app "x": expected a shared folder of the portal/,
  },
  {
    args: [...APP, '--route', '/v2/', '--private', '/protected/=public'],
    message: /Invalid --private "\/protected\/=public" of app "x": expected a folder nginx does not also serve in public/,
  },
  {
    args: [...APP, '--route', '/v2/', '--private', '/v2/=exports'],
    message: /Invalid --private "\/v2\/" of app "x": expected an internal path other than the route/,
  },
  { args: [...APP, '--route', '/v2/', '--private', 'exports'], message: /Invalid --private "exports" of app "x"/ },
  // limits with nothing to apply them to, and on an app set
  { args: [...APP, '--body-size', '10m'], message: /Invalid --body-size: expected it together with --route/ },
  { args: ['app', 'set', 'api', '--timeout', '0s'], message: /Invalid --timeout "0s" of app "api"/ },
  { args: ['app', 'set', 'api', '--cors', 'ftp://files.example.org'], message: /Invalid --cors "ftp:\/\/files.example.org" of app "api"/ },
];

/** Cases given as answers files, where the shape itself can be wrong. */
const ANSWERS: readonly { readonly change: (answers: typeof BASE) => unknown; readonly message: RegExp }[] = [
  {
    change: a => ({ ...a, apps: [{ ...a.apps[0], route: '/v2/' }] }),
    message: /Invalid --route "api": expected either "routes" or the older "route"\/"websocket" for app "api", not both/,
  },
  {
    change: a => ({ ...a, apps: [{ ...a.apps[0], routes: [{ path: '/', host: 'api', cache: 'long' }] }] }),
    message: /Invalid --answers ".*": unknown key "cache" in apps\[0\]\.routes\[0\]; expected some of: path, host/,
  },
  {
    change: a => ({ ...a, folders: [...a.folders, { name: 'front', repo: 'front', route: '/', host: 'app', spa: true, devServer: 'vite' }] }),
    message: /Invalid --dev-server "vite": expected an app of the portal serving folder "front" in dev \(apps: api\)/,
  },
  {
    change: a => ({ ...a, folders: [...a.folders, { name: 'front', repo: 'front', spa: true }] }),
    message: /Invalid --spa "front": expected a "route" for folder "front"/,
  },
  {
    change: a => ({ ...a, instances: [{ name: 'eu', domain: 'api.maps.example.org' }] }),
    message: /Invalid --host "api": expected a sub-domain other than api\.maps\.example\.org, which is the domain of instance "eu"/,
  },
  {
    change: a => ({ ...a, backend: 'image', backendImage: 'acme/api:1.2.3', backendContract: { routes: [{ path: '/static/' }] } }),
    message: /Invalid --route "\/static\/" of the backend: expected a path the stack does not use itself/,
  },
  {
    change: a => ({ ...a, backend: 'image', backendImage: 'acme/api:1.2.3', backendContract: { routes: [{ path: '/handbook/' }] } }),
    message: /Invalid folder route "\/handbook\/": the stack already routes that path/,
  },
  {
    change: a => ({
      ...a,
      backend: 'image',
      backendImage: 'acme/api:1.2.3',
      backendContract: { routes: [{ path: '/', host: 'files', private: { path: '/p/', folder: 'nope' } }] },
    }),
    message: /Invalid --private "\/p\/=nope" of app "backend": expected a shared folder of the portal/,
  },
  {
    change: a => ({ ...a, folders: [...a.folders, { name: 'front', repo: 'front', route: '/', host: 'api' }] }),
    message: /Invalid --route "api:\/" of app "api": a shared folder is served there/,
  },
];

describe('bad app routes', () => {
  let portal = '';
  before(async () => {
    portal = freshFolder('routes');
    const answers = join(freshFolder('answers'), 'answers.json');
    writeFileSync(answers, JSON.stringify(BASE));
    const made = await runPortal(['--yes', '--answers', answers, '--secret-seed', 'x'], { cwd: portal });
    assert.equal(made.code, 0, made.stderr);
  });

  it(`has at least 6 cases (${CASES.length + ANSWERS.length})`, () => assert.ok(CASES.length + ANSWERS.length >= 6));

  it('each case: exit 2, one line naming the culprit, the portal untouched', async () => {
    const failures: string[] = [];
    const runs = [
      ...CASES.map(next => ({ args: next.args, message: next.message, file: undefined as string | undefined })),
      ...ANSWERS.map(next => ({ args: ['--yes', '--answers', 'answers.json'], message: next.message, file: JSON.stringify(next.change(BASE)) })),
    ];
    const queue = [...runs];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const folder = freshFolder('dest');
        cpSync(portal, folder, { recursive: true });
        // the answers file lies outside the portal: the tree compared is the portal's alone
        const args = next.file ? next.args.map(arg => (arg === 'answers.json' ? join(freshAnswers(next.file!)) : arg)) : next.args;
        const before = treeHash(folder);
        const result = await runPortal([...args, '--secret-seed', 'x'], { cwd: folder });
        const label = `portal ${JSON.stringify(next.args)}${next.file ? ` ${next.file.slice(0, 160)}` : ''}`;
        failures.push(...refusalProblems(label, result, next.message, treeHash(folder) !== before));
      }
    };
    await Promise.all(Array.from({ length: 2 }, worker));
    assert.deepEqual(failures, []);
  });
});

const freshAnswers = answersFile;
