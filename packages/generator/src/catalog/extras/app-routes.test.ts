/**
 * An app's routes rendered end to end: sub-domains (and an instance's), body size, timeouts, websocket,
 * CORS with its preflight, private folders behind X-Accel-Redirect, a single-page front end with its dev
 * server; then `portal verify` (nginx -t, varnishd -C, the live proxy check, the checklist) on the repo.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateAnswers } from '../../answers/answers.js';
import { freshFolder } from '../../testing/generate.js';
import { runPortal } from '../../testing/bin.js';

const ANSWERS = {
  name: 'routes',
  domain: 'maps.example.org',
  instances: [{ name: 'staging', domain: 'staging.example.org' }],
  folders: [
    { name: 'exports', target: '/exports' },
    { name: 'front', repo: 'front/dist', route: '/', host: 'app', spa: true, devServer: 'front-dev' },
    { name: 'viewer', repo: 'viewer', route: '/viewer/', spa: true },
  ],
  apps: [
    {
      id: 'api',
      image: 'acme/api:2.0.1',
      port: 8080,
      routes: [
        // given as a full host: stored as its label, so the instance gets api.staging.example.org
        {
          path: '/',
          host: 'api.maps.example.org',
          bodySize: '200m',
          timeout: '5m',
          connectTimeout: '10s',
          cors: { origins: ['https://app.maps.example.org'], credentials: true },
          private: { path: '/protected/', folder: 'exports' },
        },
        { path: '/downloads/', private: { path: '/internal-files/', folder: 'exports' } },
        { path: '/live/', websocket: true, cors: { origins: ['*'] } },
      ],
    },
    { id: 'front-dev', image: 'acme/front-dev:1.0.0', port: 5173, health: 'tcp:5173' },
  ],
};

async function generateWith(services: readonly string[]): Promise<string> {
  const repo = freshFolder('routes');
  for (const folder of ['front/dist', 'viewer']) mkdirSync(join(repo, folder), { recursive: true });
  const answers = join(freshFolder('answers'), 'answers.json');
  writeFileSync(answers, JSON.stringify({ ...ANSWERS, services }));
  const made = await runPortal(['--yes', '--answers', answers, '--secret-seed', 'x'], { cwd: repo });
  assert.equal(made.code, 0, made.stderr);
  return repo;
}

const read = (repo: string, path: string): string => readFileSync(join(repo, path), 'utf8');

/** The body of `location <path> {` in a routes snippet. */
function location(text: string, path: string): string {
  const start = text.indexOf(`location ${path} {`);
  assert.ok(start >= 0, `no location ${path}`);
  return text.slice(start, text.indexOf('\n}\n', start));
}

describe('app routes: answers', () => {
  it('stores a full host under the domain as its label, and keeps the older route answer as it was', () => {
    const answers = validateAnswers({
      ...ANSWERS,
      backend: 'django',
      services: ['nginx'],
      apps: [...ANSWERS.apps, { id: 'old', image: 'acme/old:1.0.0', port: 3000, route: '/old/', websocket: true }],
    } as never);
    assert.equal(answers.apps![0]!.routes![0]!.host, 'api');
    assert.deepEqual(answers.apps![2], { id: 'old', image: 'acme/old:1.0.0', port: 3000, route: '/old/', websocket: true });
  });
});

describe('app routes: nginx terminating TLS, with varnish and an instance', () => {
  let repo = '';
  before(async () => {
    repo = await generateWith(['nginx', 'varnish', 'postgis']);
  });

  it('serves each sub-domain in a server block of its own, for prod and for the instance', () => {
    const prod = read(repo, 'nginx/sites/prod.conf');
    assert.match(prod, /server_name api\.maps\.example\.org;\n\s+set \$public_host api\.maps\.example\.org;/);
    assert.match(prod, /include \/etc\/nginx\/snippets\/hosts\/api\.conf;/);
    assert.match(prod, /server_name app\.maps\.example\.org;/);
    const staging = read(repo, 'nginx/sites/staging.conf');
    assert.match(staging, /server_name api\.staging\.example\.org;/);
    assert.doesNotMatch(staging, /maps\.example\.org/);
    assert.match(read(repo, 'nginx/sites/dev.conf'), /server_name api\.localhost;/);
    // the self-signed certificate names the sub-domains of whichever domain the deployment has
    assert.match(read(repo, 'scripts/create-secrets.sh'), /names="DNS:\$domain,DNS:api\.\$domain,DNS:app\.\$domain"/);
  });

  it('gives a route its body size, timeouts and CORS, and answers the preflight itself', () => {
    const api = location(read(repo, 'nginx/snippets/hosts/api.conf'), '/');
    assert.match(api, /client_max_body_size 200m;/);
    assert.match(api, /proxy_connect_timeout 10s;/);
    assert.match(api, /proxy_read_timeout 5m;\n\s+proxy_send_timeout 5m;/);
    assert.match(api, /add_header Access-Control-Allow-Origin \$cors_origin_\d+ always;/);
    assert.match(api, /add_header Access-Control-Allow-Credentials "true" always;/);
    assert.match(api, /if \(\$request_method = OPTIONS\) \{\n\s+return 204;/);
    // a sub-domain goes straight to the app: varnish answers the portal's own host only
    assert.match(api, /proxy_pass http:\/\/api;/);
    const cors = read(repo, 'nginx/snippets/cors.conf');
    assert.match(cors, /"https:\/\/app\.maps\.example\.org" \$http_origin;/);
    assert.match(read(repo, 'nginx/nginx.conf'), /include \/etc\/nginx\/snippets\/cors\.conf;/);
    const live = location(read(repo, 'nginx/snippets/routes.conf'), '/live/');
    assert.match(live, /Access-Control-Allow-Origin "\*" always;/);
    assert.doesNotMatch(live, /add_header Access-Control-Allow-Credentials/);
    assert.match(live, /proxy_read_timeout 1h;/);
  });

  it('serves private folders only through an internal location, mounted read-only in nginx', () => {
    const hidden = location(read(repo, 'nginx/snippets/hosts/api.conf'), '/protected/');
    assert.match(hidden, /internal;\n\s+alias \/srv\/exports\/;/);
    assert.match(hidden, /Cache-Control "private, no-store"/);
    assert.match(location(read(repo, 'nginx/snippets/routes.conf'), '/internal-files/'), /internal;/);
    const nginx = (parse(read(repo, 'docker-compose.yml')) as { services: Record<string, { volumes?: string[] }> }).services.nginx!;
    assert.ok(nginx.volumes!.includes('exports:/srv/exports:ro'), JSON.stringify(nginx.volumes));
    // the download route itself may pass varnish, which never keeps an authorised download
    const vcl = read(repo, 'varnish/default.vcl');
    assert.match(vcl, /beresp\.http\.X-Accel-Redirect \|\| beresp\.http\.Access-Control-Allow-Origin/);
    assert.match(vcl, /if \(req\.url ~ "\^\/downloads\/"\) \{\n\s+set req\.backend_hint = be_api;\n\s+return \(pass\);/);
  });

  it('serves the front end with an index fallback in prod, and its dev server in dev', () => {
    assert.match(location(read(repo, 'nginx/snippets/hosts/app.conf'), '/'), /alias \/srv\/front\/;\n\s+try_files \$uri \$uri\/ \/index\.html;/);
    assert.match(location(read(repo, 'nginx/snippets/routes.conf'), '/viewer/'), /try_files \$uri \$uri\/ \/viewer\/index\.html;/);
    assert.match(location(read(repo, 'nginx/snippets/dev/hosts/app.conf'), '/'), /proxy_pass http:\/\/front-dev:5173;/);
    assert.match(read(repo, 'nginx/sites/dev.conf'), /include \/etc\/nginx\/snippets\/dev\/hosts\/app\.conf;/);
    const base = parse(read(repo, 'docker-compose.yml')) as { services: Record<string, unknown> };
    const dev = parse(read(repo, 'docker-compose.override.yml')) as { services: Record<string, { depends_on?: Record<string, unknown> }> };
    assert.equal(base.services['front-dev'], undefined, 'the dev server runs in dev only');
    assert.ok(dev.services['front-dev']);
    assert.deepEqual(dev.services.nginx!.depends_on, { 'front-dev': { condition: 'service_started' } });
  });

  it('lists every route with its host and details in the docs', () => {
    const docs = read(repo, 'docs/architecture.md');
    assert.match(
      docs,
      /\| `api\.maps\.example\.org\/` \| api; bodies up to 200m; timeout 5m; connect 10s; CORS https:\/\/app\.maps\.example\.org with credentials/,
    );
    assert.match(docs, /\| `api\.maps\.example\.org\/protected\/` \| nginx \(files\); internal: only an X-Accel-Redirect/);
    assert.match(docs, /\| `app\.maps\.example\.org\/` \| nginx \(files\); index\.html for unknown paths \(single-page front end\); in dev: front-dev:5173/);
  });

  it('passes portal verify: nginx -t for every site, varnishd -C, the live check and the checklist', async () => {
    const verify = await runPortal(['verify'], { cwd: repo });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /passed {2}nginx -t \(sites\/staging\.conf\)/);
    assert.match(verify.stdout, /, 0 failed, /);
  });
});

describe("app routes: behind the stack's own traefik", () => {
  let repo = '';
  before(async () => {
    repo = await generateWith(['nginx', 'traefik', 'postgis']);
  });

  it('routes each sub-domain with a Host rule and its own forwarding headers, per instance', () => {
    const routers = (
      parse(read(repo, 'traefik/dynamic/portal.yml')) as {
        http: {
          routers: Record<string, { rule: string; middlewares: string[] }>;
          middlewares: Record<string, { headers: { customRequestHeaders?: Record<string, string> } }>;
        };
      }
    ).http;
    assert.equal(routers.routers['portal-api']!.rule, 'Host(`api.maps.example.org`)');
    assert.deepEqual(routers.routers['portal-api']!.middlewares, ['forwarding-api', 'security-headers']);
    assert.equal(routers.middlewares['forwarding-api']!.headers.customRequestHeaders!.Host, 'api.maps.example.org');
    assert.equal(routers.routers['portal-app']!.rule, 'Host(`app.maps.example.org`)');
    assert.match(read(repo, 'traefik/instances/staging/portal.yml'), /Host\(`api\.staging\.example\.org`\)/);
    assert.match(read(repo, 'nginx/sites/prod.conf'), /listen 8080;\n\s+server_name api\.maps\.example\.org;\n\s+set \$public_host api\.maps\.example\.org;/);
  });

  it('passes portal verify', async () => {
    const verify = await runPortal(['verify'], { cwd: repo });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /, 0 failed, /);
  });
});

describe('app routes: a prebuilt backend on a sub-domain', () => {
  it('routes api.<domain> to the backend with its limit and private folder, and passes portal verify', async () => {
    const repo = freshFolder('backend');
    const answers = join(freshFolder('answers'), 'answers.json');
    writeFileSync(
      answers,
      JSON.stringify({
        name: 'backend-routes',
        domain: 'mlp.example.org',
        backend: 'image',
        backendImage: 'acme/api:1.2.3',
        backendPort: 8000,
        services: ['postgis', 'varnish'],
        folders: [{ name: 'reports', target: '/reports' }],
        backendContract: { health: 'tcp:8000', routes: [{ path: '/', host: 'api', bodySize: '50m', private: { path: '/reports-files/', folder: 'reports' } }] },
      }),
    );
    const made = await runPortal(['--yes', '--answers', answers, '--secret-seed', 'x'], { cwd: repo });
    assert.equal(made.code, 0, made.stderr);
    // nginx is added: varnish alone routes by path on the domain only
    const api = read(repo, 'nginx/snippets/hosts/api.conf');
    assert.match(location(api, '/'), /client_max_body_size 50m;[\s\S]*proxy_pass http:\/\/backend;/);
    assert.match(location(api, '/reports-files/'), /internal;\n\s+alias \/srv\/reports\/;/);
    const verify = await runPortal(['verify'], { cwd: repo });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /live, stub upstreams\): \d+ routes, 1 sub-domain, 1 private download, dev and prod/);
  });
});
