/**
 * Bad input, table-driven: each case gets exit code 2, one line naming the culprit, and a destination
 * tree that is byte-for-byte what it was (empty, or a generated portal).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freshFolder, generate } from '../testing/generate.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), 'portal.js');

interface Case {
  readonly args: readonly string[];
  /** The message must match: it names the value and what is allowed. */
  readonly message: RegExp;
  /** Run in a generated portal instead of an empty folder; `prepare` may change it first. */
  readonly inRepo?: boolean;
  readonly prepare?: (repo: string) => void;
  /** Unknown options are refused by the option parser itself: exit 1, its own two lines. */
  readonly parser?: boolean;
}

const files = freshFolder('answers');
const answersFile = (name: string, text: string): string => {
  const path = join(files, name);
  writeFileSync(path, text);
  return path;
};
const long = 'a'.repeat(41);

/** Rewrites the stored answers of a generated repo, as a user editing .yo-rc.json by hand. */
function editRc(repo: string, change: (answers: Record<string, unknown>) => Record<string, unknown>): void {
  const path = join(repo, '.yo-rc.json');
  const rc = JSON.parse(readFileSync(path, 'utf8'));
  rc['generator-portal'] = change(rc['generator-portal']);
  writeFileSync(path, `${JSON.stringify(rc, null, 2)}\n`);
}

const CASES: readonly Case[] = [
  { args: ['--name', 'City Maps'], message: /^portal: Invalid --name "City Maps": expected 2 to 40 lowercase letters/ },
  { args: ['--name', '1portal'], message: /Invalid --name "1portal": expected .*starting with a letter/ },
  { args: ['--name', '-portal'], message: /Invalid --name "-portal"/ },
  { args: ['--name', 'portal-'], message: /Invalid --name "portal-"/ },
  { args: ['--name', 'a'], message: /Invalid --name "a"/ },
  { args: ['--name', long], message: new RegExp(`Invalid --name "${long}"`) },
  { args: ['--name', 'por_tal'], message: /Invalid --name "por_tal"/ },
  { args: ['--domain', 'not a domain'], message: /Invalid --domain "not a domain": expected a host name/ },
  { args: ['--domain', 'example'], message: /Invalid --domain "example"/ },
  { args: ['--domain', '-bad.example.org'], message: /Invalid --domain "-bad.example.org"/ },
  { args: ['--domain', '1.2.3.4'], message: /Invalid --domain "1.2.3.4"/ },
  { args: ['--domain', 'a..b.org'], message: /Invalid --domain "a..b.org"/ },
  { args: ['--domain', 'maps_1.example.org'], message: /Invalid --domain "maps_1.example.org"/ },
  { args: ['--backend', 'rails'], message: /Invalid --backend "rails": expected one of: django, fastapi, node, image/ },
  { args: ['--backend', 'image'], message: /Invalid --backend-image "": expected a non-empty value/ },
  { args: ['--backend', 'image', '--backend-image', 'ghcr.io/acme/api'], message: /Invalid --backend-image "ghcr.io\/acme\/api": expected an image with an explicit tag/ },
  { args: ['--backend', 'image', '--backend-image', 'ghcr.io/acme/api:latest'], message: /Invalid --backend-image "ghcr.io\/acme\/api:latest": expected a pinned release tag/ },
  { args: ['--backend', 'image', '--backend-image', 'ACME/api:1.0'], message: /Invalid --backend-image "ACME\/api:1.0"/ },
  { args: ['--backend', 'django', '--backend-image', 'acme/api:1.0'], message: /Invalid --backend-image "acme\/api:1.0": expected nothing unless --backend image/ },
  { args: ['--backend', 'image', '--backend-image', 'acme/api:1.0', '--backend-port', '0'], message: /Invalid --backend-port "0": expected a whole number from 1 to 65535/ },
  { args: ['--backend-port', '70000'], message: /Invalid --backend-port "70000"/ },
  { args: ['--backend-port', 'abc'], message: /Invalid --backend-port "abc"/ },
  { args: ['--backend-port', '80.5'], message: /Invalid --backend-port "80.5"/ },
  { args: ['--services', 'postgres'], message: /Invalid --services "postgres": expected one of: postgis, redis/ },
  { args: ['--services', 'nginx,foo'], message: /Invalid --services "foo"/ },
  { args: ['--services', 'celery', '--backend', 'node'], message: /Invalid --services "celery" with --backend "node": Celery runs Python tasks/ },
  { args: ['--services', 'backup'], message: /Invalid --services "backup" without "postgis"/ },
  { args: ['--storage', 'nfs'], message: /Invalid --storage "nfs": expected one of: volumes, bind/ },
  { args: ['--storage', 'bind', '--data-root', 'relative/path'], message: /Invalid --data-root "relative\/path": expected an absolute host path/ },
  { args: ['--storage', 'bind', '--data-root', '/mnt/../etc'], message: /Invalid --data-root "\/mnt\/..\/etc"/ },
  { args: ['--storage', 'bind', '--data-root', '/'], message: /Invalid --data-root "\/": expected a folder below \// },
  { args: ['--storage', 'bind', '--data-root', '/mnt/my data'], message: /Invalid --data-root "\/mnt\/my data"/ },
  { args: ['--storage', 'bind', '--data-root', '/mnt/$HOME'], message: /Invalid --data-root "\/mnt\/\$HOME"/ },
  { args: ['--services', 'traefik', '--acme-email', 'not-an-email'], message: /Invalid --acme-email "not-an-email": expected an e-mail address/ },
  { args: ['--answers', join(files, 'missing.json')], message: /Invalid --answers ".*missing.json": cannot read it \(ENOENT\)/ },
  { args: ['--answers', answersFile('broken.json', '{"name": "x",')], message: /Invalid --answers ".*broken.json": not valid JSON/ },
  { args: ['--answers', answersFile('list.json', '[1, 2]')], message: /Invalid --answers ".*list.json": expected a JSON object/ },
  { args: ['--answers', answersFile('typo.json', '{"nmae": "city"}')], message: /Invalid --answers ".*typo.json": unknown key "nmae"; expected some of: name, domain/ },
  { args: ['--answers', answersFile('number.json', '{"services": 5}')], message: /Invalid --answers ".*number.json": "services" must be a list/ },
  { args: ['--answers', answersFile('version.json', '{"schemaVersion": 2}')], message: /Invalid --answers ".*version.json": schemaVersion 2 is not 1/ },
  { args: ['--answers', answersFile('port.json', '{"name": 7}')], message: /Invalid --answers ".*port.json": "name" must be a string/ },
  { args: ['--answers', answersFile('domain.json', '{"domain": "bad domain"}')], message: /Invalid --domain "bad domain"/ },
  { args: ['--preset', 'geonode'], message: /Invalid --preset "geonode": expected one of: systemapic, housing-portal, sagui, mupets, mlp/ },
  { args: ['--preset', 'systemapic'], message: /Invalid --image-tag "": preset systemapic runs the in-house images systemapic\/wu, systemapic\/pile; give the pinned release tag/ },
  { args: ['--preset', 'mupets', '--image-tag', 'latest'], message: /Invalid --image-tag "latest": preset mupets/ },
  { args: ['--services', 'redis,prometheus,nginx', '--redis-roles', 'exporter'], message: /Invalid --redis-roles "exporter": expected a role name not ending in "exporter"/ },
  { args: ['--answers', answersFile('dots.json', '{"folders": [{"name": "x", "target": "/x/../etc"}]}')], message: /Invalid --folders "\/x\/..\/etc": expected an absolute path in the container/ },
  { args: ['--answers', answersFile('local.json', '{"instances": [{"name": "localhost", "domain": "l.example.org"}]}')], message: /Invalid --instance "localhost": expected a name other than dev, prod, tls, localhost/ },
  { args: ['--image-tag', '2.3.1'], message: /Invalid --image-tag "2.3.1": expected it only with --preset/ },
  { args: ['--answers', answersFile('tmp.json', '{"folders": [{"name": "x", "target": "/tmp"}]}')], message: /Invalid --folders "\/tmp": expected a path outside the system and app folders/ },
  { args: ['--redis-roles', 'Layers!'], message: /Invalid --redis-roles "Layers!": expected a role name/ },
  { args: ['--services', 'postgis', '--redis-roles', 'layers'], message: /Invalid --redis-roles "layers": expected roles only together with the redis service/ },
  { args: ['--answers', answersFile('apps.json', '{"apps": {"id": "x"}}')], message: /Invalid --answers ".*apps.json": "apps" must be a list of objects/ },
  { args: ['--answers', answersFile('folder.json', '{"folders": [{"name": "docs", "repo": "../etc", "route": "/docs/"}]}')], message: /Invalid --folders "..\/etc": expected a folder inside the repository/ },
  { args: ['--answers', answersFile('instance.json', '{"instances": [{"name": "eu", "domain": "eu.example.org"}, {"name": "eu", "domain": "eu2.example.org"}]}')], message: /Invalid --instance "eu": expected each instance name once/ },
  { args: ['add', 'app', 'pile', '--image', 'acme/pile:latest', '--port', '3003'], inRepo: true, message: /Invalid --image "acme\/pile:latest": expected a pinned release tag/ },
  { args: ['add', 'app', 'pile', '--image', 'acme/pile:1.0', '--port', '99999'], inRepo: true, message: /Invalid --port "99999": expected the port app "pile" listens on/ },
  { args: ['add', 'app', 'nginx', '--image', 'acme/x:1.0', '--port', '80'], inRepo: true, message: /Invalid app "nginx": the stack already has a container of that name/ },
  { args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--route', '/api/'], inRepo: true, message: /Invalid --route "\/api\/" of app "x": the stack already routes that path/ },
  { args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--route', '/tiles'], inRepo: true, message: /Invalid --route "\/tiles": expected a path the stack does not use itself/ },
  { args: ['add', 'app', 'x', '--image', 'acme/x:1.0', '--port', '80', '--websocket'], inRepo: true, message: /Invalid --websocket "x": expected --websocket only together with --route/ },
  { args: ['add', 'app'], inRepo: true, message: /Invalid portal add app "": name one app id/ },
  { args: ['remove', 'app', 'pile'], inRepo: true, message: /Invalid remove app "pile": the apps of this portal are: none/ },
  { args: ['--servics', 'postgis'], parser: true, message: /^error: unknown option '--servics'\n\(Did you mean --services\?\)/ },
  { args: ['--out', ''], message: /Invalid --out "": expected the folder/ },
  { args: ['--services', 'nope'], inRepo: true, message: /Invalid --services "nope"/ },
  { args: ['--domain', 'bad domain'], inRepo: true, message: /Invalid --domain "bad domain"/ },
  {
    args: [],
    inRepo: true,
    prepare: repo => {
      const rc = JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'));
      rc['generator-portal'].services = ['postgis', 'mysql'];
      writeFileSync(join(repo, '.yo-rc.json'), `${JSON.stringify(rc, null, 2)}\n`);
    },
    message: /Invalid --services "mysql"/,
  },
  {
    args: [],
    inRepo: true,
    prepare: repo => editRc(repo, answers => ({ ...answers, servics: ['postgis'] })),
    message: /Invalid key "servics" in \.yo-rc\.json: expected some of: name, domain/,
  },
  {
    args: ['add', 'grafana'],
    inRepo: true,
    prepare: repo => editRc(repo, answers => ({ ...answers, schemaVersion: 2 })),
    message: /Invalid schemaVersion 2 in \.yo-rc\.json: written by a newer generator-portal/,
  },
  {
    args: ['doctor'],
    inRepo: true,
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '{"generator-portal": {'),
    message: /^portal: Invalid .*\.yo-rc\.json: not valid JSON \(.*\); fix it by hand or restore it from git\.$/m,
  },
  {
    args: [],
    inRepo: true,
    prepare: repo => writeFileSync(join(repo, '.yo-rc.json'), '{"generator-portal": {'),
    message: /Invalid .*\.yo-rc\.json: not valid JSON/,
  },
  { args: ['add', 'mysql'], inRepo: true, message: /Invalid service "mysql": expected one of: postgis/ },
  { args: ['remove', 'celery'], inRepo: true, message: /Invalid remove "celery": not among the chosen services/ },
  { args: ['secrets', '--rotate', '--only', 'nope'], inRepo: true, message: /Invalid --only "nope": expected secret names of this portal/ },
  { args: ['secrets'], message: /no \.yo-rc\.json, so no generated portal here/ },
  { args: ['verify'], message: /no docker-compose\.yml, so no generated portal to verify/ },
];

/** Every path, mode and byte under a folder. */
function treeHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      const stat = statSync(path);
      hash.update(`${path}\0${stat.mode}\0`);
      if (stat.isDirectory()) walk(path);
      else hash.update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}

function runPortal(args: readonly string[], cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    // --yes for the app generator (no prompts); sub-generators take their name first
    const full = ['secrets', 'verify', 'add', 'remove', 'doctor'].includes(args[0] ?? '') ? args : ['--yes', ...args];
    const child = spawn(process.execPath, [BIN, ...full], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

describe('bad input', () => {
  let portal = '';
  before(async () => {
    portal = await generate({});
  });

  it(`has at least 40 cases (${CASES.length})`, () => assert.ok(CASES.length >= 40));

  it('each case: exit 2, one line naming the culprit, destination untouched', async () => {
    const failures: string[] = [];
    const queue = [...CASES];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const folder = freshFolder('dest');
        if (next.inRepo) cpSync(portal, folder, { recursive: true });
        next.prepare?.(folder);
        const before = treeHash(folder);
        const result = await runPortal(next.args, folder);
        const lines = result.stderr.trim().split('\n');
        const label = `portal ${next.args.join(' ')}`;
        if (result.code !== (next.parser ? 1 : 2)) failures.push(`${label}: exit ${result.code}\n${result.stderr}`);
        if (!next.message.test(result.stderr)) failures.push(`${label}: message ${JSON.stringify(result.stderr)}`);
        if (lines.length !== (next.parser ? 2 : 1)) failures.push(`${label}: ${lines.length} lines on stderr`);
        if (treeHash(folder) !== before) failures.push(`${label}: the destination changed`);
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    assert.deepEqual(failures, []);
  });
});
