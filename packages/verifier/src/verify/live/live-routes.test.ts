/**
 * The live proxy check on an app's routes: a sub-domain, CORS preflights and an X-Accel-Redirect download
 * pass as generated; each defence planted away makes it fail with the matching finding.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { freshFolder } from 'generator-portal/testing/generate.js';
import { runPortal } from 'generator-portal/testing/bin.js';
import type { CheckResult } from '../../checks/check.js';
import { liveProxyCheck } from './live-proxy-check.js';

const ANSWERS = {
  name: 'live-routes',
  domain: 'maps.example.org',
  services: ['nginx', 'varnish', 'postgis'],
  folders: [{ name: 'exports', target: '/exports' }],
  apps: [
    {
      id: 'api',
      image: 'acme/api:2.0.1',
      port: 8080,
      routes: [
        { path: '/', host: 'api', cors: { origins: ['https://app.maps.example.org'], credentials: true }, private: { path: '/protected/', folder: 'exports' } },
        { path: '/live/', websocket: true, cors: { origins: ['*'] } },
        // through varnish: the download must still reach the app every time
        { path: '/downloads/', private: { path: '/internal-files/', folder: 'exports' } },
      ],
    },
  ],
};

const replace = (from: string | RegExp, to: string) => (text: string) => {
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`fault not planted: ${String(from)} not found`);
  return changed;
};

/** The download route hashed instead of passed: only the X-Accel-Redirect rule of vcl_backend_response is left. */
const HASH_DOWNLOADS = replace(
  /(if \(req\.url ~ "\^\/downloads\/"\) \{\n {8}set req\.backend_hint = be_api;\n) {8}return \(pass\);/,
  '$1        return (hash);',
);

const FAULTS = [
  {
    what: 'the private folder is not internal',
    file: 'nginx/snippets/hosts/api.conf',
    plant: replace('    internal;\n', ''),
    finding: /prod: GET api\.maps\.example\.org\/protected\/probe\.txt: 200, expected 404/,
  },
  {
    what: 'the preflight goes to the app',
    file: 'nginx/snippets/routes.conf',
    plant: replace(/ {4}if \(\$request_method = OPTIONS\) \{\n {8}return 204;\n {4}\}\n/, ''),
    finding: /OPTIONS [a-z.]+\/live\/preflight from https:\/\/any\.example: 501/,
  },
  {
    what: 'any origin is allowed with credentials',
    file: 'nginx/snippets/cors.conf',
    plant: replace(/(map \$http_origin \$cors_origin_0 \{\n {4})default "";/, '$1default $http_origin;'),
    finding: /GET api\.maps\.example\.org\/cors from https:\/\/evil\.example: allowed as 'https:\/\/evil\.example'/,
  },
  {
    what: 'the download route is cached and answers with X-Accel-Redirect are stored',
    file: 'varnish/default.vcl',
    plant: (text: string) => replace(' || beresp.http.X-Accel-Redirect', '')(HASH_DOWNLOADS(text)),
    finding: /twice reached the app 1 time\(s\)/,
  },
] as const;

const run = async (repo: string): Promise<CheckResult> => [await liveProxyCheck.run(repo)].flat()[0]!;
const skipWithoutTools = (t: TestContext, result: CheckResult): boolean => {
  if (result.status !== 'skipped' || process.env.CI === 'true') return false;
  t.skip(result.detail);
  return true;
};

describe('live proxy check: app routes', () => {
  let repo = '';
  before(async () => {
    repo = freshFolder('live-routes');
    const answers = join(freshFolder('answers'), 'answers.json');
    writeFileSync(answers, JSON.stringify(ANSWERS));
    const made = await runPortal(['--yes', '--answers', answers, '--secret-seed', 'x'], { cwd: repo });
    assert.equal(made.code, 0, made.stderr);
  });

  it('passes as generated, asking the sub-domain, the preflights and the private download', async t => {
    const result = await run(repo);
    if (skipWithoutTools(t, result)) return;
    assert.equal(result.status, 'passed', result.detail);
    assert.match(result.detail ?? '', /1 sub-domain, 2 CORS preflights, 2 private downloads, dev and prod/);
  });

  it('keeps an authorised download out of the cache even where the path is hashed', async t => {
    const copy = join(mkdtempSync(join(tmpdir(), 'portal-live-routes-')), 'portal');
    cpSync(repo, copy, { recursive: true });
    const vcl = join(copy, 'varnish/default.vcl');
    writeFileSync(vcl, HASH_DOWNLOADS(readFileSync(vcl, 'utf8')));
    const result = await run(copy);
    if (skipWithoutTools(t, result)) return;
    assert.equal(result.status, 'passed', result.detail);
  });

  for (const fault of FAULTS) {
    it(`fails when ${fault.what} (${fault.file})`, async t => {
      const copy = join(mkdtempSync(join(tmpdir(), 'portal-live-routes-')), 'portal');
      cpSync(repo, copy, { recursive: true });
      const path = join(copy, fault.file);
      writeFileSync(path, fault.plant(readFileSync(path, 'utf8')));
      const result = await run(copy);
      if (skipWithoutTools(t, result)) return;
      assert.equal(result.status, 'failed', `not caught: ${result.detail}`);
      assert.match(result.detail ?? '', fault.finding);
    });
  }
});
