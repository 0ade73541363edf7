/**
 * Bad capabilities, setting templates with braces, per-container folder mounts and port-less workers, in a
 * generated sagui portal (through `portal add app`, `--answers` and an edited `.yo-rc.json`): each exits 2
 * with one line naming the culprit, and no file changes.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { editStoredAnswers } from '../testing/answer-files.js';
import { portalSync } from '../testing/bin.js';

const APP = ['add', 'app', 'x', '--image', 'acme/x:1.0'];
const REASON = 'the image starts its server as root';

interface Case {
  readonly name: string;
  /** Arguments after the binary; without them the stored answers (edited by `stored`) are re-run. */
  readonly args?: readonly string[];
  readonly answers?: object;
  /** Changes the stored .yo-rc.json before the run, as a user editing it by hand. */
  readonly stored?: (answers: Record<string, unknown>) => Record<string, unknown>;
  readonly message: RegExp;
}

const CASES: readonly Case[] = [
  // setting templates: {{ and }} are literal braces; any other brace is a placeholder or refused
  {
    name: 'a tile URL with single braces: {z} names no store',
    args: [...APP, '--port', '80', '--setting', 'URL=/tiles/{z}/{x}/{y}.pbf'],
    message: /^portal: Invalid --setting "URL=\/tiles\/\{z\}\/\{x\}\/\{y\}\.pbf" of app "x": \{z\} names no store of this stack/,
  },
  {
    name: 'an unknown field inside escaped braces',
    args: [...APP, '--port', '80', '--setting', 'URL={{{postgis.hots}}}'],
    message: /Invalid --setting "URL=\{\{\{postgis\.hots\}\}\}" of app "x": \{postgis\.hots\} is not a field of postgis/,
  },
  {
    name: 'an opening brace left alone after an escaped one',
    args: [...APP, '--port', '80', '--setting', 'URL=/tiles/{{z}/x'],
    message:
      /^portal: Invalid --setting "URL=\/tiles\/\{\{z\}\/x" of app "x": expected braces only around a placeholder .* and \{\{ or \}\} for a literal brace\.$/m,
  },
  {
    name: 'a closing brace alone',
    args: [...APP, '--port', '80', '--setting', 'URL=a}b'],
    message: /Invalid --setting "URL=a\}b" of app "x": expected braces only around a placeholder/,
  },
  {
    name: 'three closing braces',
    args: [...APP, '--port', '80', '--setting', 'URL={domain}}}}'],
    message: /Invalid --setting "URL=\{domain\}\}\}\}" of app "x": expected braces only around a placeholder/,
  },
  {
    name: 'an unclosed placeholder',
    args: [...APP, '--port', '80', '--dev-setting', 'URL={postgis.host'],
    message: /Invalid --dev-setting "URL=\{postgis\.host" of app "x": expected braces only/,
  },
  {
    name: 'a stray brace in the backend contract edited by hand',
    stored: a => ({
      ...a,
      backendContract: {
        ...(a.backendContract as object),
        settings: { ...(a.backendContract as { settings: object }).settings, DRAINAGE_VT_URL: '/tiles/{z}}/{x}/{y}.pbf' },
      },
    }),
    message: /Invalid --setting "DRAINAGE_VT_URL=\/tiles\/\{z\}\}\/\{x\}\/\{y\}\.pbf" of app "backend": expected braces only/,
  },
  // capabilities: only the root-start list, each once, always with a reason
  {
    name: 'a capability outside the root-start list',
    args: [...APP, '--port', '80', '--capabilities', 'SYS_ADMIN', '--capabilities-reason', REASON],
    message: /^portal: Invalid --capabilities "SYS_ADMIN" of app "x": expected capabilities among CHOWN, DAC_OVERRIDE, NET_BIND_SERVICE, SETGID, SETUID/,
  },
  {
    name: 'NET_ADMIN among allowed ones',
    args: [...APP, '--port', '80', '--capabilities', 'SETUID', 'NET_ADMIN', '--capabilities-reason', REASON],
    message: /Invalid --capabilities "NET_ADMIN" of app "x"/,
  },
  {
    name: 'capabilities without a reason',
    args: [...APP, '--port', '80', '--capabilities', 'NET_BIND_SERVICE'],
    message: /^portal: Invalid --capabilities-reason "" of app "x": expected a reason of 10 to 200 characters/,
  },
  {
    name: 'a reason too short to record',
    args: [...APP, '--port', '80', '--capabilities', 'NET_BIND_SERVICE', '--capabilities-reason', 'root'],
    message: /Invalid --capabilities-reason "root" of app "x"/,
  },
  {
    name: 'a reason without capabilities',
    args: [...APP, '--port', '80', '--capabilities-reason', REASON],
    message: /^portal: Invalid --capabilities "" of app "x": expected the capabilities its reason is for/,
  },
  {
    name: 'a capability twice',
    args: [...APP, '--port', '80', '--capabilities', 'SETUID', 'CAP_SETUID', '--capabilities-reason', REASON],
    message: /Invalid --capabilities "SETUID,SETUID" of app "x": expected each capability once/,
  },
  {
    name: 'capabilities with an unknown key, edited by hand',
    stored: a => ({
      ...a,
      apps: (a.apps as object[]).map(app =>
        (app as { id: string }).id === 'frontend' ? { ...app, capabilities: { add: ['CHOWN'], reason: REASON, privileged: true } } : app,
      ),
    }),
    message: /^portal: Invalid \.yo-rc\.json: unknown key "privileged" in apps\[0\]\.capabilities; expected some of: add, reason/,
  },
  // a port only where something is served or probed on it
  {
    name: 'a route without a port',
    args: [...APP, '--route', '/x/', '--health', 'none:a worker with nothing to probe'],
    message: /^portal: Invalid --port "": expected the port app "x" listens on, 1 to 65535 \(a worker without a route/,
  },
  { name: 'no port and the default http probe', args: [...APP], message: /Invalid --port "": expected the port app "x" listens on/ },
  {
    name: 'outbound not a boolean',
    stored: a => ({ ...a, apps: (a.apps as object[]).map(app => ((app as { id: string }).id === 'atmo' ? { ...app, outbound: 'yes' } : app)) }),
    message: /^portal: Invalid \.yo-rc\.json: apps\[2\]\.outbound must be true or false, not "yes"/,
  },
  // per-container mount paths of a shared folder
  {
    name: 'a mount for a container the portal lacks',
    answers: { folders: [{ name: 'data', mounts: { worker: '/work' } }] },
    message:
      /^portal: Invalid --folders "worker": expected a container of the portal in folder "data"'s "mounts" \(backend, scheduler, frontend, hyfaa-scheduler, atmo\)/,
  },
  {
    name: 'a mount over a system folder',
    answers: { folders: [{ name: 'data', mounts: { atmo: '/etc/atmo' } }] },
    message: /Invalid --folders "\/etc\/atmo": expected a path outside the system and app folders/,
  },
  {
    name: 'a relative mount path',
    answers: { folders: [{ name: 'data', mounts: { atmo: 'data' } }] },
    message: /Invalid --folders "data": expected an absolute path in the container/,
  },
  {
    name: 'two folders on one path of one container',
    answers: {
      folders: [
        { name: 'a', target: '/a', mounts: { atmo: '/b' } },
        { name: 'b', target: '/b' },
      ],
    },
    message: /Invalid --folders "\/b in atmo": expected each mount path once/,
  },
  {
    name: 'mounts as a list',
    answers: { folders: [{ name: 'data', mounts: ['atmo'] }] },
    message: /^portal: Invalid --answers ".*": folders\[0\]\.mounts must be an object, not \["atmo"\]\.$/m,
  },
  {
    name: 'a mount path true',
    answers: { folders: [{ name: 'data', mounts: { atmo: true } }] },
    message: /Invalid --answers ".*": folders\[0\]\.mounts\.atmo must be a string, not true/,
  },
  {
    name: 'an app writing where a folder is mounted for it',
    stored: a => ({ ...a, apps: (a.apps as object[]).map(app => ((app as { id: string }).id === 'atmo' ? { ...app, writable: ['/mnt/data'] } : app)) }),
    message: /Invalid --writable "\/mnt\/data": expected a path of app "atmo" other than a shared folder's mount path/,
  },
];

describe('bad capabilities, braces in settings, folder mounts and port-less workers', () => {
  let portal = '';
  before(async () => {
    portal = await generate({ preset: 'sagui', imageTag: '2.3.1' });
  });

  it(`has at least 10 cases (${CASES.length})`, () => assert.ok(CASES.length >= 10));

  for (const next of CASES) {
    it(`${next.name}: exit 2, one line, nothing changed`, () => {
      const folder = freshFolder('bad');
      cpSync(portal, folder, { recursive: true });
      if (next.stored) {
        editStoredAnswers(folder, next.stored);
      }
      const answers = next.answers ? join(freshFolder('answers'), 'answers.json') : undefined;
      if (answers) writeFileSync(answers, JSON.stringify(next.answers));
      const args = answers ? ['--yes', '--answers', answers] : next.args ? [...next.args] : ['--yes'];
      const before = treeHash(folder);
      const result = portalSync([...args, '--secret-seed', 'x'], { cwd: folder });
      assertRefused(next.name, { code: result.status, stderr: result.stderr }, next.message, treeHash(folder) !== before);
    });
  }
});
