/**
 * Acceptance: every scenario's generated repo passes the real validators. In CI (CI=true) a missing tool is a
 * failure, since .ci/run installs them all; on a laptop it is reported as skipped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { freshFolder, generate, SCENARIOS } from 'generator-portal/testing/generate.js';
import { RANDOM_SEED, randomAnswerSets } from 'generator-portal/testing/random-answers.js';
import { formatResult, verifyRepo } from './index.js';

const strict = process.env.CI === 'true';

const random = Object.fromEntries(randomAnswerSets().map(options => [`random (seed ${RANDOM_SEED}): ${JSON.stringify(options)}`, options]));

describe('generated repos pass the real validators and the checklist', () => {
  for (const [scenario, options] of Object.entries({ ...SCENARIOS, ...random })) {
    it(scenario, async () => {
      const repo = await generate(options);
      const results = await verifyRepo(repo);
      const bad = results.filter(r => r.status === 'failed' || (strict && r.status === 'skipped'));
      assert.deepEqual(bad.map(formatResult), [], `${scenario} (${repo})`);
      const names = results.map(r => r.name);
      assert.ok(names.includes('docker-compose config (base + docker-compose.prod.yml)'));
      assert.ok(names.some(name => name.startsWith('shellcheck')));
      assert.ok(
        names.some(name => name.startsWith('CMP-09 ')),
        'the checklist ran',
      );
    });
  }
});

/** Every length and number at the largest (or smallest) the schema allows: each must still give a valid repo. */
function boundaryAnswers(): Record<string, unknown> {
  const id = (letter: string) => `${letter}${'x'.repeat(28)}9`;
  const route = (length: number) => `/${'r'.repeat(length - 2)}/`;
  return {
    name: `p${'a'.repeat(38)}9`,
    domain: `${'d'.repeat(63)}.${'e'.repeat(63)}.example.org`,
    services: ['postgis', 'redis', 'celery', 'nginx', 'varnish', 'prometheus', 'grafana', 'backup'],
    storage: 'bind',
    dataRoot: `/${'s'.repeat(199)}`,
    apps: [
      {
        id: id('a'),
        image: `registry.example.org:5000/${'i'.repeat(200)}:${'t'.repeat(20)}`,
        port: 80,
        route: route(128),
        websocket: true,
        healthPath: `/${'h'.repeat(127)}`,
      },
      { id: id('b'), image: 'acme/high:1.0', port: 65535, route: '/b/' },
      { id: 'c', image: 'acme/low:1.0', port: 1 },
    ],
    folders: [{ name: id('f'), target: `/${'t'.repeat(127)}`, route: `/${'f'.repeat(126)}/`, repo: `${'p'.repeat(60)}/${'q'.repeat(67)}` }],
    redisRoles: [id('r')],
    instances: [
      { name: id('i'), domain: `${'i'.repeat(63)}.example.org` },
      { name: id('j'), domain: 'j.example.org' },
    ],
  };
}

describe('values at the limits', () => {
  it('the longest names, routes and paths and the edge ports give a repo that passes every validator', async () => {
    const answers = boundaryAnswers();
    const file = join(freshFolder('answers'), 'limits.json');
    writeFileSync(file, JSON.stringify(answers));
    const folder = freshFolder('limits');
    mkdirSync(join(folder, (answers.folders as { repo: string }[])[0]!.repo), { recursive: true });
    const repo = await generate({ answers: file }, 'test-seed', folder);
    const results = await verifyRepo(repo);
    const bad = results.filter(r => r.status === 'failed' || (strict && r.status === 'skipped'));
    assert.deepEqual(bad.map(formatResult), [], repo);
    // a privileged container port is published above 10000 in dev, so no root is needed to bind it
    const dev = parse(readFileSync(join(repo, 'docker-compose.override.yml'), 'utf8'));
    const ports = JSON.stringify(dev.services);
    for (const published of ['127.0.0.1:10080:80', '127.0.0.1:65535:65535', '127.0.0.1:10001:1']) assert.ok(ports.includes(published), published);
  });
});

describe('apps with a declared contract', () => {
  it('pass every validator, and docker-compose itself hands each app its own variables', async () => {
    const answers = {
      name: 'contracts',
      domain: 'maps.example.org',
      services: ['postgis', 'pgbouncer', 'redis', 'rabbitmq', 'varnish', 'nginx', 'prometheus'],
      redisRoles: ['layers'],
      apps: [
        {
          id: 'api',
          image: 'acme/api:2.0.1',
          port: 8080,
          route: '/v2/',
          settings: {
            DATABASE_URL: 'postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}',
            BROKER_URL: 'amqp://{rabbitmq.user}:{rabbitmq.password}@{rabbitmq.host}:{rabbitmq.port}/{rabbitmq.vhost}',
            LAYERS_URL: 'redis://:{redis-layers.password}@{redis-layers.host}:{redis-layers.port}/0',
            SECRET_KEY: '{secret}',
            SITE_URL: 'https://{domain}/',
            PRICE: '5$ or $HOME',
          },
          fileSettings: ['SECRET_KEY'],
          devSettings: { DEBUG: 'true' },
          aliases: { postgis: 'postgis', redislayers: 'redis-layers' },
          user: '1000:1000',
          writable: ['/app/logs'],
          health: 'tcp:8080',
          command: ['node', 'server.js', '--port', '8080'],
        },
        {
          id: 'legacy',
          image: 'acme/legacy:0.9.1',
          port: 3000,
          user: 'image',
          readWriteRoot: 'writes its compiled views next to its code',
          health: 'none:a batch runner with no port or tool to probe with',
        },
      ],
    };
    const file = join(freshFolder('answers'), 'contracts.json');
    writeFileSync(file, JSON.stringify(answers));
    const repo = await generate({ answers: file }, 'test-seed', freshFolder('contracts'));
    const results = await verifyRepo(repo);
    const bad = results.filter(r => r.status === 'failed' || (strict && r.status === 'skipped'));
    assert.deepEqual(bad.map(formatResult), [], repo);
    const env = Object.fromEntries(
      readFileSync(join(repo, '.env'), 'utf8')
        .split('\n')
        .flatMap(line => (/^[A-Z_]+=/.test(line) ? [[line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]] : [])),
    );
    for (const [files, where] of [
      [['docker-compose.yml', 'docker-compose.prod.yml'], 'prod'],
      [['docker-compose.yml', 'docker-compose.override.yml'], 'dev'],
    ] as const) {
      const config = spawnSync('docker-compose', [...files.flatMap(f => ['-f', f]), 'config'], {
        cwd: repo,
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '' },
      });
      if (config.status !== 0 && !strict && config.error) continue;
      assert.equal(config.status, 0, config.stderr);
      const services = parse(config.stdout).services;
      const api = services.api;
      assert.equal(api.environment.DATABASE_URL, `postgresql://${env.POSTGRES_USER}:${env.POSTGRES_PASSWORD}@pgbouncer:5432/${env.POSTGRES_DB}`, where);
      assert.equal(api.environment.BROKER_URL, `amqp://${env.RABBITMQ_USER}:${env.RABBITMQ_PASSWORD}@rabbitmq:5672/${env.RABBITMQ_VHOST}`, where);
      assert.equal(api.environment.LAYERS_URL, `redis://:${env.REDIS_LAYERS_PASSWORD}@redis-layers:6379/0`, where);
      assert.equal(api.environment.SECRET_KEY_FILE, '/run/secrets/api_secret_key', where);
      assert.equal(api.environment.SITE_URL, 'https://maps.example.org/', where);
      // config prints a literal $ escaped again ($$), as it must be to be read back; the container gets one $
      assert.equal(api.environment.PRICE, '5$$ or $$HOME', where);
      assert.equal(api.environment.POSTGRES_HOST, undefined, 'none of our own names');
      assert.equal(api.environment.DEBUG, where === 'dev' ? 'true' : undefined);
      assert.deepEqual(api.command, ['node', 'server.js', '--port', '8080']);
      assert.deepEqual(services.pgbouncer.networks.internal.aliases, ['postgis'], where);
      assert.deepEqual(services['redis-layers'].networks.internal.aliases, ['redislayers'], where);
      assert.equal(services.legacy.read_only, undefined);
      assert.equal(services.legacy.user, undefined);
      assert.equal(services.legacy.healthcheck, undefined);
    }
    assert.ok(readFileSync(join(repo, 'secrets', 'api_secret_key'), 'utf8').length >= 20);
    const docs = readFileSync(join(repo, 'docs', 'architecture.md'), 'utf8');
    assert.match(docs, /\| `legacy` \| CMP-09 \| writes its compiled views next to its code \|/);
    assert.match(docs, /\| `api` \| `DATABASE_URL` \| `postgresql:\/\/\$\{POSTGRES_USER\}:\$\{POSTGRES_PASSWORD\}@pgbouncer:5432\/\$\{POSTGRES_DB\}` \|/);
    assert.ok(!readFileSync(join(repo, '.yo-rc.json'), 'utf8').includes(env.POSTGRES_PASSWORD!), 'no secret in .yo-rc.json');
  });
});

describe('generated content', () => {
  it('routes, caches and scrapes what the services need', async () => {
    const repo = await generate(SCENARIOS['every-service']!);
    const read = (path: string) => readFileSync(join(repo, path), 'utf8');
    const routes = read('nginx/snippets/routes.conf');
    for (const location of [
      'location /tiles/',
      'location /api/',
      'location /admin/',
      'location /static/',
      'location /media/',
      'location /grafana/',
      'location = /metrics',
    ]) {
      assert.ok(routes.includes(location), location);
    }
    const vcl = read('varnish/default.vcl');
    assert.match(vcl, /if \(req\.url ~ "\^\/tiles\/"\) \{\s+set req\.backend_hint = be_tileserver;/);
    // the long TTL is for tile bodies that loaded; the layer index and missing tiles are kept briefly
    assert.match(vcl, /if \(beresp\.status == 200 && bereq\.url ~ "\\\.\(pbf\|mvt[^"]*"\) \{\s+set beresp\.ttl = 1d;/);
    assert.match(vcl, /if \(req\.url ~ "\^\/api\/"\) \{\s+set req\.backend_hint = be_backend;\s+return \(pass\);/);
    assert.match(vcl, /client\.ip !~ purgers/);
    const prometheus = parse(read('prometheus/prometheus.yml'));
    type Job = { job_name: string; static_configs?: { targets: string[] }[]; dns_sd_configs?: { names: string[]; port: number }[] };
    const targetOf = (job: Job) => job.static_configs?.[0]?.targets[0] ?? `${job.dns_sd_configs![0]!.names[0]}:${job.dns_sd_configs![0]!.port}`;
    const jobs = Object.fromEntries(prometheus.scrape_configs.map((job: Job) => [job.job_name, targetOf(job)]));
    // traefik runs in prod only: found by DNS so dev has no down target
    assert.ok(prometheus.scrape_configs.find((job: Job) => job.job_name === 'traefik').dns_sd_configs);
    assert.deepEqual(jobs, {
      backend: 'backend:8000',
      postgres: 'postgres-exporter:9187',
      redis: 'redis-exporter:9121',
      rabbitmq: 'rabbitmq:15692',
      tileserver: 'tileserver:7800',
      nginx: 'nginx-exporter:9113',
      traefik: 'traefik:8082',
      prometheus: 'localhost:9090',
      grafana: 'grafana:3000',
    });
    const traefikStatic = parse(read('traefik/traefik.yml'));
    assert.equal(traefikStatic.entryPoints.web.http.redirections.entryPoint.to, ':443');
    assert.equal(traefikStatic.certificatesResolvers.le.acme.email, 'admin@portal.localhost');
    const base = parse(read('docker-compose.yml'));
    assert.equal(base.services.rabbitmq.hostname, 'rabbitmq');
    const traefik = parse(read('traefik/dynamic/portal.yml'));
    assert.equal(traefik.http.services.portal.loadBalancer.servers[0].url, 'http://nginx:8080');
    assert.match(read('docs/architecture.md'), /```mermaid[\s\S]*traefik --> nginx/);
  });

  it('makes varnish the front without nginx, routing by path to each backend', async () => {
    const repo = await generate(SCENARIOS['image-varnish-front']!);
    const prod = parse(readFileSync(join(repo, 'docker-compose.prod.yml'), 'utf8'));
    assert.deepEqual(prod.services.varnish.ports, ['0.0.0.0:80:6081']);
    const vcl = readFileSync(join(repo, 'varnish/default.vcl'), 'utf8');
    assert.match(vcl, /backend be_grafana/);
    assert.match(vcl, /\.port = "8080";/);
  });
});
