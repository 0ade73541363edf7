/**
 * The operator's files: docs/deploy.md per kind of stack, the certbot location under nginx -t, the Makefile
 * under make, the CI workflow against the GitHub Actions workflow schema.
 */
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { RawAnswers } from 'generator-portal/answers/answers.js';
import { modelOf } from 'generator-portal/testing/model.js';
import { nginxCheck } from '../verify/proxy-checks.js';
import { RULES, runRule } from '../checklist/index.js';
import { RepoView } from '../checklist/repo-view.js';
import { planFiles } from 'generator-portal/render/file-plan.js';

const filesOf = (raw: RawAnswers): Map<string, string> =>
  new Map(planFiles(modelOf(raw), name => `secret-${name}`).map(file => [file.path, String(file.content)]));
const deployDoc = (raw: RawAnswers): string => filesOf(raw).get('docs/deploy.md') ?? assert.fail('no docs/deploy.md');

/** Writes a plan to a fresh folder, as the generator would (modes aside). */
function writeRepo(raw: RawAnswers): string {
  const repo = mkdtempSync(join(tmpdir(), 'operator-files-'));
  for (const [path, content] of filesOf(raw)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), content);
  }
  return repo;
}

describe('docs/deploy.md', () => {
  it('with nginx terminating TLS: certbot --webroot into ACME_WEBROOT, a deploy hook that copies and reloads, rate limits', () => {
    const doc = deployDoc({ services: 'postgis,nginx', domain: 'maps.example.org' });
    assert.match(doc, /certbot certonly --webroot -w "\$PWD\/acme-webroot" -d maps\.example\.org [\s\S]*?--dry-run/);
    assert.match(doc, /renewal-hooks\/deploy\//);
    assert.match(doc, /install -m 644 "\$RENEWED_LINEAGE\/privkey\.pem"/);
    assert.match(doc, /exec -T nginx nginx -s reload/);
    assert.match(doc, /letsencrypt\.org\/docs\/rate-limits/);
    assert.match(doc, /Open TCP 80 and TCP 443 to the world \(published by `nginx`\)/);
    assert.doesNotMatch(doc, /caServer/);
  });

  it('names every sub-domain for DNS and the certificate', () => {
    const doc = deployDoc({
      services: 'postgis,nginx',
      domain: 'maps.example.org',
      apps: [{ id: 'api', image: 'acme/api:1.0.0', port: 8080, routes: [{ path: '/', host: 'api' }] }],
    } as RawAnswers);
    assert.match(doc, /-d maps\.example\.org -d api\.maps\.example\.org/);
    assert.match(doc, /`api\.maps\.example\.org`/);
  });

  it("with traefik: Let's Encrypt staging first (caServer), then production by deleting acme.json", () => {
    const doc = deployDoc({ services: 'postgis,nginx,traefik', acmeEmail: 'ops@example.org' });
    assert.match(doc, /caServer: https:\/\/acme-staging-v02\.api\.letsencrypt\.org\/directory/);
    assert.match(doc, /account e-mail `ops@example\.org`/);
    assert.match(doc, /_traefik-acme:\/letsencrypt alpine rm \/letsencrypt\/acme\.json/);
    assert.match(doc, /published by `traefik`/);
    assert.doesNotMatch(doc, /certbot/);
  });

  it('backups on: where the scheduled dumps are and how to restore from the backup storage; off: said plainly', () => {
    const on = deployDoc({ services: 'postgis,nginx,backup' });
    assert.match(on, /at `0 3 \* \* \*` \(cron, UTC\)/);
    assert.match(on, /named volume `<COMPOSE_PROJECT_NAME>_backups`/);
    assert.match(on, /dc cp backup:\/backups\/db\/portal-<slot>\.dump backups\/db\//);
    assert.doesNotMatch(on, /No scheduled backup/);
    const bind = deployDoc({ services: 'postgis,nginx,backup', storage: 'bind', dataRoot: '/srv/data' });
    assert.match(bind, /ls \/srv\/data\/backups\/db\//);
    const off = deployDoc({ services: 'postgis,nginx' });
    assert.match(off, /\*\*No scheduled backup was chosen\*\*/);
    assert.match(off, /off the host/);
  });

  it('monitoring on: Grafana and Prometheus URLs and logins from their services, alerts said to go nowhere; off: no alert is sent', () => {
    const on = deployDoc({ services: 'postgis,nginx,prometheus,grafana', domain: 'maps.example.org' });
    assert.match(
      on,
      /\| Grafana \| https:\/\/maps\.example\.org\/grafana\/ \| http:\/\/localhost:8080\/grafana\/ \| user `admin`, password `GRAFANA_ADMIN_PASSWORD`/,
    );
    assert.match(on, /\| Prometheus \| not public: `prometheus:9090`[^|]*\| http:\/\/127\.0\.0\.1:9090\/ \| no login/);
    assert.match(on, /\*\*Alerts go nowhere else\*\*/);
    assert.match(on, /TargetDown/);
    const off = deployDoc({ services: 'postgis,nginx' });
    assert.match(off, /\*\*no alert is sent\*\*/);
    assert.doesNotMatch(off, /Grafana \|/);
  });

  it('upgrades: APP_VERSION for a built app, the image tag for a prebuilt one; the PostgreSQL major by dump and restore', () => {
    const built = deployDoc({ services: 'postgis,nginx' });
    assert.match(built, /`APP_VERSION`/);
    assert.match(built, /major 16\)/);
    assert.match(built, /docker volume rm <COMPOSE_PROJECT_NAME>_pgdata/);
    const image = deployDoc({ services: 'postgis,nginx', backend: 'image', backendImage: 'acme/api:1.4.2', backendPort: 8080 } as RawAnswers);
    assert.match(image, /prebuilt image `acme\/api:1\.4\.2`/);
    assert.doesNotMatch(deployDoc({ services: 'none' }), /PostgreSQL major/);
  });

  it('logs rotation, shells and every secret; docker compose v2 commands; linked from the README', () => {
    const files = filesOf({ services: 'postgis,redis,nginx' });
    const doc = files.get('docs/deploy.md')!;
    assert.match(doc, /`json-file` driver, rotated at 10m and\s+3 files/);
    assert.match(doc, /dc exec backend sh/);
    for (const env of ['POSTGRES_PASSWORD', 'REDIS_PASSWORD']) assert.match(doc, new RegExp(`\`${env}\``));
    assert.match(doc, /alias dc='docker compose --env-file \.env -f docker-compose\.yml -f docker-compose\.prod\.yml'/);
    assert.doesNotMatch(doc, /docker-compose (up|exec|logs|cp|stop)/);
    assert.match(files.get('README.md')!, /`docs\/deploy\.md`/);
    assert.match(doc, /repository variable `GENERATOR_PORTAL`/);
    assert.match(files.get('README.md')!, /\| `Makefile` \|/);
  });
});

describe('the ACME challenge location', () => {
  it('is served on port 80 from the read-only webroot while everything else redirects, and passes nginx -t', async () => {
    const raw: RawAnswers = { services: 'postgis,nginx', domain: 'maps.example.org' };
    const files = filesOf(raw);
    const site = files.get('nginx/sites/prod.conf')!;
    assert.match(site, /location \^~ \/\.well-known\/acme-challenge\/ \{\n\s+root \/var\/www\/acme;/);
    assert.match(site, /location \/ \{\n\s+return 301 https:\/\/\$host\$request_uri;/);
    assert.match(files.get('docker-compose.prod.yml')!, /\$\{ACME_WEBROOT\}:\/var\/www\/acme:ro/);
    assert.match(files.get('.env.example')!, /^ACME_WEBROOT=\.\/acme-webroot$/m);
    assert.match(files.get('.gitignore')!, /^acme-webroot\/$/m);
    const repo = writeRepo(raw);
    try {
      const results = [await nginxCheck.run(repo)].flat();
      if (results.every(r => r.status === 'skipped')) return; // no nginx here: verify's own tests say so
      for (const result of results) assert.equal(result.status, 'passed', `${result.name}: ${result.detail}`);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('NGX-06 accepts it, and fails when that location proxies or plain HTTP answers another path', async () => {
    const rule = RULES.find(r => r.id === 'NGX-06')!;
    const repo = writeRepo({ services: 'postgis,nginx', domain: 'maps.example.org' });
    const site = join(repo, 'nginx/sites/prod.conf');
    const original = readFileSync(site, 'utf8');
    try {
      assert.equal((await runRule(rule, new RepoView(repo))).status, 'passed');
      writeFileSync(site, original.replace('root /var/www/acme;', 'proxy_pass http://backend;'));
      assert.equal((await runRule(rule, new RepoView(repo))).status, 'failed');
      writeFileSync(
        site,
        original.replace(
          '    location / {\n        return 301',
          '    location /api/ {\n        proxy_pass http://backend;\n    }\n\n    location / {\n        return 301',
        ),
      );
      assert.equal((await runRule(rule, new RepoView(repo))).status, 'failed');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('is absent where traefik or nobody terminates TLS', () => {
    assert.doesNotMatch(filesOf({ services: 'postgis,nginx,traefik' }).get('nginx/sites/prod.conf')!, /acme-challenge/);
  });
});

describe('Makefile', () => {
  const TARGETS = ['help', 'up', 'down', 'ps', 'logs', 'backup', 'restore', 'verify', 'secrets'];
  const repo = writeRepo({ services: 'postgis,nginx,backup' });
  const make = (...args: string[]) => spawnSync('make', ['-s', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '' } });

  it('make -n runs every target, each calling its script', () => {
    const expected: Record<string, RegExp> = {
      up: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/restart\.sh up$/m,
      down: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/restart\.sh down$/m,
      ps: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/restart\.sh ps$/m,
      logs: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/restart\.sh logs -f --tail 200 backend$/m,
      backup: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/backup\.sh$/m,
      restore: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/restore\.sh db backups\/db\/x\.dump$/m,
      verify: /^cd "\$\(dirname -- 'Makefile'\)" && portal verify$/m,
      secrets: /^cd "\$\(dirname -- 'Makefile'\)" && scripts\/create-secrets\.sh$/m,
    };
    for (const [target, line] of Object.entries(expected)) {
      const run = make('-n', target, 'SERVICE=backend', 'WHAT=db backups/db/x.dump');
      assert.equal(run.status, 0, `${target}: ${run.stderr}`);
      assert.match(run.stdout, line, target);
    }
    assert.equal(make('-n', 'help').status, 0);
  });

  it('runs the scripts of its own repo from any folder, with a space in its path', () => {
    const spaced = join(mkdtempSync(join(tmpdir(), 'operator-files-')), 'sp ace');
    cpSync(repo, spaced, { recursive: true });
    for (const script of readdirSync(join(spaced, 'scripts'))) chmodSync(join(spaced, 'scripts', script), 0o755);
    const elsewhere = mkdtempSync(join(tmpdir(), 'operator-files-'));
    const run = (...args: string[]) =>
      spawnSync('make', ['-s', '-f', join(spaced, 'Makefile'), ...args], { cwd: elsewhere, encoding: 'utf8', env: { ...process.env, MAKEFLAGS: '' } });
    const help = run('help');
    assert.equal(help.status, 0, help.stderr);
    assert.equal(help.stdout, make('help').stdout);
    const secrets = run('secrets');
    assert.equal(secrets.status, 0, secrets.stderr);
    assert.ok(existsSync(join(spaced, '.env')), 'the secrets land in the repo');
    assert.deepEqual(readdirSync(elsewhere), [], 'nothing lands in the folder make ran from');
  });

  it('every script a target calls is in the repo', () => {
    const text = readFileSync(join(repo, 'Makefile'), 'utf8');
    for (const script of new Set(text.match(/scripts\/[a-z-]+\.sh/g))) assert.ok(filesOf({ services: 'postgis,nginx,backup' }).has(script), script);
  });

  it('make help lists every target with its ## line, and is the default goal', () => {
    const help = make('help');
    assert.equal(help.status, 0, help.stderr);
    for (const target of TARGETS) assert.match(help.stdout, new RegExp(`^  make ${target} +\\S`, 'm'), target);
    assert.equal(help.stdout.trim().split('\n').length, TARGETS.length);
    assert.equal(make().stdout, help.stdout);
  });

  it('restore without WHAT names what to give and exits 2', () => {
    const run = make('restore');
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /give WHAT, e\.g\. make restore WHAT="db backups\/db\/<file>\.dump"/);
  });
});

describe('.github/workflows/verify.yml', () => {
  const workflow = filesOf({ services: 'postgis,nginx' }).get('.github/workflows/verify.yml')!;

  it('validates against the GitHub Actions workflow schema (schemastore)', () => {
    const require = createRequire(import.meta.url);
    const schema = JSON.parse(readFileSync(require.resolve('schemastore/schemas/json/github-workflow.json'), 'utf8'));
    const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    const valid = validate(parse(workflow));
    assert.ok(valid, JSON.stringify(validate.errors, null, 2));
    // the schema catches a broken workflow: the check can fail
    assert.equal(validate({ on: 'push', jobs: { verify: { steps: [] } } }), false);
  });

  it('runs portal verify on every push with throwaway secrets and no repository secret', () => {
    const doc = parse(workflow);
    assert.ok('push' in doc.on);
    const steps: { run?: string }[] = doc.jobs.verify.steps;
    const runs = steps.map(step => step.run ?? '').join('\n');
    assert.match(runs, /scripts\/create-secrets\.sh/);
    assert.match(runs, /portal\.js" verify/);
    assert.match(runs, /npm install -g "\$GENERATOR_PORTAL"/);
    assert.doesNotMatch(workflow, /\$\{\{\s*secrets\./);
  });
});

describe('.editorconfig', () => {
  it('covers the generated kinds: tabs for the Makefile, four spaces for nginx, VCL, Python and SQL', () => {
    const text = filesOf({ services: 'postgis,nginx' }).get('.editorconfig')!;
    assert.match(text, /^root = true$/m);
    assert.match(text, /\[Makefile\]\nindent_style = tab/);
    assert.match(text, /\[\*\.\{conf,vcl,py,sql\}\]\nindent_size = 4/);
    assert.match(text, /^end_of_line = lf$/m);
  });

  it('matches the Makefile as generated (recipes start with a tab)', () => {
    const text = filesOf({}).get('Makefile')!;
    const recipes = text.split('\n').filter(line => /^\s/.test(line));
    assert.ok(recipes.length > 0 && recipes.every(line => line.startsWith('\t')));
  });
});

// make must be there, or the Makefile tests prove nothing
execFileSync('make', ['--version']);
