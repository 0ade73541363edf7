/**
 * Broken input to `portal import`, table-driven (as src/cli/bad-input.test.ts): each case gets exit 2, one
 * line on stderr naming the culprit and the fix, and both the old deployment's folder and the destination
 * are byte-for-byte what they were.
 */
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { inPool, runPortal } from '../testing/bin.js';
import { treeHash } from '../testing/tree-hash.js';
import { importFolders } from '../testing/import-folders.js';
import { refusalProblems } from '../testing/refusal.js';

interface Case {
  readonly title: string;
  /** Files of the old deployment (relative path -> text). */
  readonly files: Readonly<Record<string, string>>;
  /** Arguments after `portal import`; `OLD` is the old deployment's folder. */
  readonly args: readonly string[];
  readonly message: RegExp;
  /** Changes the old folder or the destination first (links, big files, an existing portal). */
  readonly prepare?: (old: string, destination: string) => void;
}

const BASE = 'services:\n  api:\n    image: acme/api:1.2.0\n    expose: [8000]\n';

const CASES: readonly Case[] = [
  { title: 'no deployment named', files: {}, args: [], message: /^portal: Invalid portal import: name the old deployment/ },
  { title: 'a path that does not exist', files: {}, args: ['OLD/nothing-here'], message: /Invalid import path ".*nothing-here": it does not exist/ },
  {
    title: 'a folder without compose files',
    files: { 'README.md': 'old\n' },
    args: ['OLD'],
    message: /Invalid import path "OLD": it holds no compose\.yaml, .*docker-compose\.yml; name its compose files instead/,
  },
  {
    title: 'broken YAML',
    files: { 'docker-compose.yml': 'services:\n  api:\n    image: [acme\n' },
    args: ['OLD'],
    message: /Invalid import file "docker-compose\.yml": broken YAML at line \d+/,
  },
  {
    title: 'a duplicate service name',
    files: { 'docker-compose.yml': `${BASE}  api:\n    image: acme/other:1.0.0\n` },
    args: ['OLD'],
    message: /Invalid import file "docker-compose\.yml": broken YAML at line 5 \(Map keys must be unique/,
  },
  {
    title: 'an unknown service key',
    files: { 'docker-compose.yml': 'services:\n  api:\n    imagee: acme/api:1.2.0\n' },
    args: ['OLD'],
    message: /service "api" has unknown key "imagee" \(did you mean image\?\); fix or remove it/,
  },
  {
    title: 'an unknown top-level key',
    files: { 'docker-compose.yml': `${BASE}servics: {}\n` },
    args: ['OLD'],
    message: /unknown top-level key "servics" \(did you mean services\?\)/,
  },
  {
    title: 'an extends cycle',
    files: { 'docker-compose.yml': 'services:\n  a:\n    extends: b\n  b:\n    extends:\n      service: a\n    image: acme/b:1.0.0\n' },
    args: ['OLD'],
    message: /Invalid import: extends loops \(docker-compose\.yml#a -> docker-compose\.yml#b -> docker-compose\.yml#a\); break the cycle/,
  },
  {
    // upstream EveraertJan/testing dc.prod.yml extends wijze-stad-user, commented out in dc.base.yml
    title: 'extends of a service the base file lacks',
    files: {
      'dc.base.yml': "version: '2'\nservices:\n  cargo-base:\n    image: node:6\n",
      'dc.prod.yml': "version: '2'\nservices:\n  wijze-stad-user:\n    extends:\n      file: dc.base.yml\n      service: wijze-stad-user\n",
    },
    args: ['OLD/dc.prod.yml'],
    message: /Invalid service "wijze-stad-user" in "dc\.prod\.yml": extends "wijze-stad-user" of "dc\.base\.yml", which does not exist/,
  },
  {
    title: 'extends of a missing file',
    files: { 'docker-compose.yml': 'services:\n  api:\n    extends:\n      file: common.yml\n      service: api\n' },
    args: ['OLD'],
    message: /Invalid import file ".*common\.yml": it does not exist/,
  },
  {
    title: 'links to an unknown service',
    files: { 'docker-compose.yml': `${BASE}    links:\n      - ghost\n` },
    args: ['OLD'],
    message: /Invalid service "api": its links names "ghost", which no compose file given defines/,
  },
  {
    title: 'volumes_from an unknown container',
    files: { 'docker-compose.yml': 'api:\n  image: acme/api:1.2.0\n  expose: ["8000"]\n  volumes_from:\n    - data_store\n' },
    args: ['OLD'],
    message: /its volumes_from names "data_store".*define the data container as a service/,
  },
  {
    title: 'two apps on one route',
    files: {
      'docker-compose.yml':
        'services:\n  web:\n    image: acme/web:1.0.0\n    labels:\n      traefik.frontend.rule: "Host:x.example.org"\n      traefik.port: "80"\n' +
        '  a:\n    image: acme/a:1.0.0\n    labels:\n      traefik.frontend.rule: "Host:x.example.org; PathPrefix:/api"\n      traefik.port: "80"\n' +
        '  b:\n    image: acme/b:1.0.0\n    labels:\n      traefik.frontend.rule: "Host:x.example.org; PathPrefix:/api"\n      traefik.port: "81"\n',
    },
    args: ['OLD'],
    message: /Invalid route "\/api": both "a" and "b" are routed there; give each its own host or path prefix/,
  },
  {
    title: 'two apps on one sub-domain',
    files: {
      'docker-compose.yml':
        'services:\n  web:\n    image: acme/web:1.0.0\n    labels:\n      traefik.http.routers.web.rule: "Host(`x.example.org`)"\n      traefik.http.services.web.loadbalancer.server.port: "80"\n' +
        '  a:\n    image: acme/a:1.0.0\n    labels:\n      traefik.http.routers.a.rule: "Host(`admin.x.example.org`)"\n      traefik.http.services.a.loadbalancer.server.port: "80"\n' +
        '  b:\n    image: acme/b:1.0.0\n    labels:\n      traefik.http.routers.b.rule: "Host(`admin.x.example.org`)"\n      traefik.http.services.b.loadbalancer.server.port: "81"\n',
    },
    args: ['OLD'],
    message: /Invalid route "admin\.x\.example\.org\/": both "a" and "b" are routed there; give each its own host or path prefix/,
  },
  {
    title: 'a compose file over 1 MiB',
    files: { 'docker-compose.yml': `${BASE}# ${'x'.repeat(1024 * 1024)}\n` },
    args: ['OLD'],
    message: /Invalid import file "docker-compose\.yml": it is \d+ bytes; the files of a deployment are at most 1048576 bytes/,
  },
  {
    title: 'a compose file linked out of the folder',
    files: {},
    args: ['OLD'],
    prepare: old => {
      const outside = join(dirname(old), 'elsewhere.yml');
      writeFileSync(outside, BASE);
      symlinkSync(outside, join(old, 'docker-compose.yml'));
    },
    message: /Invalid import file "docker-compose\.yml": it leads out of the deployment's folder/,
  },
  {
    title: 'an env_file linked out of the folder',
    files: { 'docker-compose.yml': `${BASE}    env_file: app.env\n` },
    args: ['OLD'],
    prepare: old => {
      const outside = join(dirname(old), 'secret.env');
      writeFileSync(outside, 'A=1\n');
      symlinkSync(outside, join(old, 'app.env'));
    },
    message: /Invalid import file "app\.env": it leads out of the deployment's folder/,
  },
  {
    title: 'a missing env_file',
    files: { 'docker-compose.yml': `${BASE}    env_file: app.env\n` },
    args: ['OLD'],
    message: /Invalid import file "app\.env": it does not exist/,
  },
  {
    title: 'a broken .env',
    files: { 'docker-compose.yml': BASE, '.env': 'if [ -z "$X" ]; then\n' },
    args: ['OLD'],
    message: /Invalid import file "\.env": line 1 is not KEY=VALUE/,
  },
  {
    title: 'a required variable unset',
    files: { 'docker-compose.yml': 'services:\n  api:\n    image: acme/api:${TAG:?give the release}\n' },
    args: ['OLD'],
    message: /variable TAG must be set \(give the release\); add it to the folder's \.env/,
  },
  {
    title: 'a floating tag without --image-tag',
    files: { 'docker-compose.yml': 'services:\n  api:\n    image: acme/api:latest\n    expose: [8000]\n' },
    args: ['OLD'],
    message: /Invalid image "acme\/api:latest" of service "api": its tag is the floating "latest"; give --image-tag/,
  },
  {
    title: 'a build-only service without --image-tag',
    files: { 'docker-compose.yml': 'services:\n  api:\n    build: ./api\n    expose: [8000]\n' },
    args: ['OLD'],
    message: /Invalid service "api": it is only built \(build: api\).*give --image-tag/,
  },
  {
    title: 'a service with neither image nor build',
    files: { 'docker-compose.yml': 'services:\n  api:\n    expose: [8000]\n' },
    args: ['OLD'],
    message: /Invalid service "api": it has neither image nor build/,
  },
  {
    title: 'an app without any port',
    files: { 'docker-compose.yml': 'services:\n  api:\n    image: acme/api:1.2.0\n' },
    args: ['OLD'],
    message: /Invalid service "api": no port in its expose, ports, Traefik labels or healthcheck; .*--ports api=<port>/,
  },
  {
    title: 'a bad --ports value',
    files: { 'docker-compose.yml': BASE },
    args: ['OLD', '--ports', 'api=99999'],
    message: /Invalid --ports "api=99999": expected container=port/,
  },
  {
    title: 'a floating --image-tag',
    files: { 'docker-compose.yml': BASE },
    args: ['OLD', '--image-tag', 'latest'],
    message: /Invalid --image-tag "latest": expected a pinned release tag/,
  },
  {
    title: 'a folder that already holds a portal',
    files: { 'docker-compose.yml': BASE },
    args: ['OLD'],
    prepare: (_old, destination) =>
      writeFileSync(join(destination, '.yo-rc.json'), `${JSON.stringify({ 'generator-portal': { schemaVersion: 1, name: 'x' } }, null, 2)}\n`),
    message: /Invalid portal import: this folder already holds a portal's \.yo-rc\.json; import into a new, empty folder/,
  },
  {
    title: 'a destination holding compose files',
    files: { 'docker-compose.yml': BASE },
    args: ['OLD'],
    prepare: (_old, destination) => writeFileSync(join(destination, 'docker-compose.yml'), BASE),
    message: /Invalid portal import: this folder holds docker-compose\.yml; import into a new, empty folder/,
  },
  {
    title: 'a port that is no port',
    files: { 'docker-compose.yml': 'services:\n  api:\n    image: acme/api:1.2.0\n    expose: ["http"]\n' },
    args: ['OLD'],
    message: /Invalid expose of service "api": "http" is no port/,
  },
];

describe('portal import: bad input', () => {
  it(`has at least 15 cases (${CASES.length})`, () => assert.ok(CASES.length >= 15));

  it('each case: exit 2, one line naming the culprit, both folders untouched', async () => {
    const failures = (
      await inPool(CASES, 3, async next => {
        const { top, old, destination } = importFolders(next.files, 'case');
        next.prepare?.(old, destination);
        const before = treeHash(top);
        const args = next.args.map(arg => arg.replace(/^OLD/, old));
        const result = await runPortal(['import', ...args], { cwd: destination });
        const stderr = result.stderr.split(old).join('OLD');
        const problems = refusalProblems(next.title, { code: result.code, stderr }, next.message, treeHash(top) !== before);
        return problems.length > 0 ? problems.join('; ') : undefined;
      })
    ).filter(Boolean);
    assert.deepEqual(failures, []);
  });
});
