/**
 * Every checklist rule fails when its fault is planted in a generated repo, and passes on the repo as
 * generated: a rule that cannot fail proves nothing. The repos as generated go through the real compose
 * tool; the planted faults through the parsed merge (testing/parsed-compose.ts), which a test here holds
 * equal to `docker-compose config` on both repos, so no fault waits for a compose process.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate, SCENARIOS } from 'generator-portal/testing/generate.js';
import { RULES, runRule } from './index.js';
import { RepoView, type ComposeMerge, type Environment } from './repo-view.js';
import { parsedComposeConfig } from '../testing/parsed-compose.js';

type Edit = (text: string) => string;
interface Fault {
  readonly rule: string;
  /** every: all services with traefik; tls: the defaults, where nginx terminates TLS. */
  readonly repo: 'every' | 'tls';
  readonly file: string;
  readonly edit: Edit;
  /** Tells apart two plants in one file. */
  readonly what?: string;
}

/** Replaces the first match; throws when the plant finds nothing, so a stale plant cannot pass unnoticed. */
const replace =
  (from: string | RegExp, to: string): Edit =>
  text => {
    const out = text.replace(from, to);
    if (out === text) throw new Error(`plant found nothing to change: ${String(from)}`);
    return out;
  };
/** Adds YAML lines right under `  <service>:` of a compose file. */
const inService = (service: string, lines: string): Edit => replace(new RegExp(`^  ${service}:\\n`, 'm'), `  ${service}:\n${lines}\n`);
const compose = 'docker-compose.yml';
const prod = 'docker-compose.prod.yml';
const dev = 'docker-compose.override.yml';
const dockerfile = 'backend/Dockerfile';

const FAULTS: readonly Fault[] = [
  { rule: 'CMP-01', repo: 'every', file: compose, edit: inService('redis', '    privileged: true') },
  { rule: 'CMP-02', repo: 'every', file: compose, edit: inService('redis', '    cap_add:\n      - SYS_ADMIN') },
  { rule: 'CMP-03', repo: 'every', file: compose, edit: replace('- no-new-privileges:true', '- apparmor:docker-default') },
  { rule: 'CMP-04', repo: 'every', file: compose, edit: replace('- no-new-privileges:true', '- no-new-privileges:true\n      - seccomp:unconfined') },
  { rule: 'CMP-05', repo: 'every', file: compose, edit: inService('redis', '    pid: host') },
  {
    rule: 'CMP-06',
    repo: 'every',
    file: compose,
    edit: replace('      - redis-data:/data', '      - redis-data:/data\n      - /var/run/docker.sock:/var/run/docker.sock:ro'),
  },
  { rule: 'CMP-07', repo: 'every', file: compose, edit: replace('      - redis-data:/data', '      - redis-data:/data\n      - /etc:/host-etc:ro') },
  { rule: 'CMP-08', repo: 'every', file: compose, edit: replace('/usr/local/etc/redis/redis.conf:ro', '/usr/local/etc/redis/redis.conf') },
  { rule: 'CMP-09', repo: 'every', file: compose, edit: replace('read_only: true', 'read_only: false') },
  { rule: 'CMP-10', repo: 'every', file: compose, edit: replace(/^ {4}mem_limit: .*\n/m, '') },
  { rule: 'CMP-11', repo: 'every', file: compose, edit: replace(/^ {4}cpus: .*\n/m, '') },
  { rule: 'CMP-12', repo: 'every', file: compose, edit: replace(/^ {4}pids_limit: .*\n/m, '') },
  { rule: 'CMP-13', repo: 'every', file: prod, edit: replace('restart: unless-stopped', 'restart: sometimes') },
  { rule: 'CMP-14', repo: 'every', file: compose, edit: replace(/(\n {2}redis:\n[\s\S]*?) {4}healthcheck:\n(?: {6}.*\n)+/, '$1') },
  { rule: 'CMP-15', repo: 'every', file: compose, edit: replace(/(migrate:\n\s+condition: )service_completed_successfully/, '$1service_healthy') },
  { rule: 'CMP-16', repo: 'every', file: dev, edit: replace('"127.0.0.1:5432:5432"', '"5432:5432"') },
  { rule: 'CMP-17', repo: 'every', file: dev, edit: replace('"127.0.0.1:5432:5432"', '"127.0.0.1:543:5432"') },
  { rule: 'CMP-18', repo: 'every', file: prod, edit: inService('redis', '    ports:\n      - "127.0.0.1:6379:6379"') },
  { rule: 'CMP-19', repo: 'every', file: prod, edit: replace('  internal:\n    internal: true', '  internal:\n    internal: false') },
  { rule: 'CMP-20', repo: 'every', file: compose, edit: replace(/image: redis:\S+/, 'image: redis:latest') },
  { rule: 'CMP-21', repo: 'every', file: compose, edit: replace(/^ {4}pull_policy: build\n/m, '') },
  { rule: 'CMP-22', repo: 'every', file: compose, edit: replace(/^services:/m, 'version: "3.8"\nservices:') },
  { rule: 'CMP-23', repo: 'every', file: compose, edit: inService('redis', '    container_name: redis') },
  {
    rule: 'CMP-24',
    repo: 'every',
    file: compose,
    edit: replace('REDIS_ADDR: redis://redis:6379', 'REDIS_ADDR: redis://redis:6379\n      REDIS_PASSWORD: hunter2hunter2'),
  },
  { rule: 'CMP-25', repo: 'every', file: compose, edit: replace(/^ {8}max-size: .*\n/m, '') },
  { rule: 'CMP-26', repo: 'every', file: compose, edit: replace('user: 999:1000', 'user: "0:0"') },
  { rule: 'CFG-05', repo: 'every', file: prod, edit: replace(/^( {4}secrets:\n)/m, '$1      - ghost_secret\n') },
  { rule: 'CFG-07', repo: 'every', file: compose, edit: replace(/^services:/m, 'name: portal\nservices:') },
  { rule: 'DF-01', repo: 'every', file: dockerfile, edit: text => text.replaceAll('USER app', 'USER root') },
  { rule: 'DF-02', repo: 'every', file: dockerfile, edit: replace(/^FROM python:\S+/m, 'FROM python:latest') },
  { rule: 'DF-03', repo: 'every', file: dockerfile, edit: replace('WORKDIR /app\n', 'WORKDIR /app\nADD requirements.txt /tmp/\n') },
  { rule: 'DF-04', repo: 'every', file: dockerfile, edit: replace(/^HEALTHCHECK .*\\\n.*\n/m, '') },
  { rule: 'DF-05', repo: 'every', file: dockerfile, edit: replace('WORKDIR /app\n', 'WORKDIR /app\nRUN apt-get install -y curl\n') },
  { rule: 'DF-06', repo: 'every', file: dockerfile, edit: replace('WORKDIR /app\n', 'WORKDIR /app\nENV API_TOKEN=abc123\n') },
  { rule: 'DF-07', repo: 'every', file: dockerfile, edit: replace(/^CMD \[.*\]$/m, 'CMD gunicorn app.wsgi') },
  { rule: 'DF-08', repo: 'every', file: dockerfile, edit: replace('WORKDIR /app\n', 'WORKDIR /app\nRUN wget -qO- https://example.org/install | sh\n') },
  { rule: 'DF-09', repo: 'every', file: dockerfile, edit: replace('WORKDIR /app', 'WORKDIR app') },
  { rule: 'DF-10', repo: 'every', file: dockerfile, edit: replace('pip install --no-cache-dir -r requirements.txt', 'pip install -r requirements.txt') },
  {
    rule: 'DF-11',
    repo: 'every',
    file: dockerfile,
    edit: replace(
      'FROM base AS runtime\n',
      'FROM base AS runtime\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n',
    ),
  },
  { rule: 'DF-12', repo: 'every', file: dockerfile, edit: replace('useradd --system --no-log-init', 'useradd --system') },
  { rule: 'DF-13', repo: 'every', file: dockerfile, edit: replace('WORKDIR /app\n', 'WORKDIR /app\nRUN for f in $(ls /); do echo "$f"; done\n') },
  { rule: 'DF-14', repo: 'every', file: dockerfile, edit: replace(/^EXPOSE \d+/m, 'EXPOSE 99999') },
  { rule: 'NGX-02', repo: 'tls', file: 'nginx/nginx.conf', edit: replace('server_tokens off;', 'server_tokens on;') },
  { rule: 'NGX-03', repo: 'tls', file: 'nginx/sites/prod.conf', edit: replace('ssl_protocols TLSv1.2 TLSv1.3;', 'ssl_protocols TLSv1 TLSv1.2 TLSv1.3;') },
  { rule: 'NGX-04', repo: 'tls', file: 'nginx/sites/prod.conf', edit: replace('CHACHA20-POLY1305;', 'CHACHA20-POLY1305:AES128-SHA;') },
  { rule: 'NGX-05', repo: 'tls', file: 'nginx/sites/prod.conf', edit: replace('max-age=63072000', 'max-age=3600') },
  { rule: 'NGX-06', repo: 'tls', file: 'nginx/sites/prod.conf', edit: replace('return 301 https://$host$request_uri;', 'proxy_pass http://backend;') },
  { rule: 'NGX-07', repo: 'tls', file: 'nginx/snippets/security-headers.conf', edit: replace(/^add_header X-Content-Type-Options .*\n/m, '') },
  {
    rule: 'NGX-08',
    repo: 'tls',
    file: 'nginx/snippets/routes.conf',
    edit: replace('location /static/ {\n', 'location /static/ {\n    add_header Cache-Control "public";\n'),
  },
  { rule: 'NGX-09', repo: 'tls', file: 'nginx/sites/prod.conf', edit: replace('return 444;', 'return 200;') },
  { rule: 'NGX-10', repo: 'tls', file: 'nginx/nginx.conf', edit: replace('keepalive_timeout 10s;', 'keepalive_timeout 75s;') },
  { rule: 'NGX-11', repo: 'tls', file: 'nginx/nginx.conf', edit: replace('proxy_hide_header X-Powered-By;', '') },
  { rule: 'NGX-12', repo: 'tls', file: 'nginx/snippets/proxy.conf', edit: replace(/^proxy_set_header X-Real-IP .*\n/m, '') },
  { rule: 'NGX-13', repo: 'tls', file: 'nginx/nginx.conf', edit: replace(/^ {4}client_max_body_size .*\n/m, '') },
  { rule: 'NGX-16', repo: 'tls', file: 'nginx/snippets/routes.conf', edit: replace(/^ {4}limit_req zone=api.*\n/m, '') },
  // issue 12, finding 11: the client's Host, port included, as X-Forwarded-Host
  { rule: 'NGX-17', repo: 'tls', file: 'nginx/snippets/proxy.conf', edit: replace('X-Forwarded-Host $public_host;', 'X-Forwarded-Host $http_host;') },
  { rule: 'NGX-17', repo: 'tls', file: 'nginx/sites/prod.conf', edit: replace(/set \$public_host [^;]+;/, 'set $public_host $host;') },
  { rule: 'VCL-02', repo: 'tls', file: 'varnish/default.vcl', edit: replace(/^ {4}\.first_byte_timeout = .*\n/m, '') },
  { rule: 'VCL-03', repo: 'tls', file: 'varnish/default.vcl', edit: replace('client.ip !~ purgers || ', '') },
  { rule: 'VCL-04', repo: 'tls', file: 'varnish/default.vcl', edit: replace(' || req.http.Authorization', '') },
  { rule: 'VCL-05', repo: 'tls', file: 'varnish/default.vcl', edit: replace('    unset resp.http.Via;\n', '') },
  { rule: 'VCL-06', repo: 'tls', file: compose, edit: replace('- -T\n      - none', '- -T\n      - :6082') },
  { rule: 'VCL-07', repo: 'tls', file: 'varnish/default.vcl', edit: replace('beresp.http.Location || ', ''), what: 'redirects cached' },
  { rule: 'VCL-07', repo: 'tls', file: 'varnish/default.vcl', edit: replace('    unset req.http.Forwarded;\n', ''), what: 'Forwarded kept' },
  { rule: 'VCL-07', repo: 'tls', file: compose, edit: replace('PUBLIC_HOST: ${DOMAIN}', 'PUBLIC_HOST: ""') },
  { rule: 'TRF-01', repo: 'every', file: 'traefik/traefik.yml', edit: replace('providers:\n', 'providers:\n  docker:\n    exposedByDefault: true\n') },
  {
    rule: 'TRF-02',
    repo: 'every',
    file: prod,
    edit: replace(
      '      - ./traefik/traefik.yml:/etc/traefik/traefik.yml:ro\n',
      '      - ./traefik/traefik.yml:/etc/traefik/traefik.yml:ro\n      - /var/run/docker.sock:/var/run/docker.sock:ro\n',
    ),
  },
  {
    rule: 'TRF-03',
    repo: 'every',
    file: 'traefik/dynamic/portal.yml',
    edit: replace(/^ {2}middlewares:\n/m, '  middlewares:\n    auth:\n      basicAuth:\n        users:\n          - admin:$apr1$abc$def\n'),
  },
  { rule: 'TRF-04', repo: 'every', file: 'traefik/traefik.yml', edit: replace('scheme: https', 'scheme: http') },
  { rule: 'TRF-05', repo: 'every', file: 'traefik/traefik.yml', edit: replace('dashboard: false', 'dashboard: true\n  insecure: true') },
  { rule: 'TRF-06', repo: 'every', file: 'traefik/dynamic/portal.yml', edit: replace('service: portal', 'service: ghost') },
  { rule: 'TRF-07', repo: 'every', file: 'traefik/dynamic/portal.yml', edit: replace('        - forwarding\n', ''), what: 'middleware detached' },
  { rule: 'TRF-07', repo: 'every', file: 'traefik/dynamic/portal.yml', edit: replace('X-Forwarded-Port: ""', 'X-Forwarded-Port: "443"'), what: 'port kept' },
  { rule: 'MON-04', repo: 'every', file: 'grafana/provisioning/datasources/prometheus.yml', edit: replace('editable: false', 'editable: true') },
  { rule: 'MON-05', repo: 'every', file: 'grafana/provisioning/datasources/prometheus.yml', edit: replace('name: Prometheus', 'name: Prom$ 1') },
  { rule: 'RDS-02', repo: 'every', file: 'redis/redis.conf', edit: replace('protected-mode yes', 'protected-mode no') },
  { rule: 'RDS-03', repo: 'every', file: 'redis/redis.conf', edit: text => `${text}rename-command FLUSHALL ""\n` },
  { rule: 'RDS-04', repo: 'every', file: 'redis/redis.conf', edit: replace(/^maxmemory-policy .*\n/m, '') },
  { rule: 'RDS-05', repo: 'every', file: 'redis/redis.conf', edit: text => `${text}dir /data\n` },
  { rule: 'MQ-02', repo: 'every', file: 'rabbitmq/rabbitmq.conf', edit: replace('loopback_users.guest = true', 'loopback_users.guest = false') },
  { rule: 'MQ-03', repo: 'every', file: 'rabbitmq/rabbitmq.conf', edit: replace(/^disk_free_limit.*\n/m, '') },
  {
    rule: 'PG-02',
    repo: 'every',
    file: prod,
    edit: replace(
      '      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password\n      TILESERVER',
      '      POSTGRES_PASSWORD_FILE: /run/secrets/postgres_password\n      POSTGRES_HOST_AUTH_METHOD: trust\n      TILESERVER',
    ),
  },
  { rule: 'CEL-03', repo: 'every', file: compose, edit: inService('celery-worker', '    user: root') },
  { rule: 'SH-02', repo: 'every', file: 'scripts/restart.sh', edit: replace('set -Eeuo pipefail', 'set -e') },
  { rule: 'ENV-01', repo: 'every', file: '.env.example', edit: replace(/^POSTGRES_PASSWORD=$/m, 'POSTGRES_PASSWORD=supersecretvalue') },
  {
    rule: 'SEC-01',
    repo: 'every',
    file: 'docs/architecture.md',
    edit: text => `${text}\nThe database password is ${/^POSTGRES_PASSWORD=(.*)$/m.exec(readFileSync(join(current, '.env'), 'utf8'))![1]}\n`,
  },
  { rule: 'SEC-02', repo: 'every', file: 'scripts/restart.sh', edit: replace(/^ {4}check_secrets\n/m, '') },
];

const parsedMerge: ComposeMerge = async (root, override) => parsedComposeConfig(root, override);

let current = '';
const repos: Record<Fault['repo'], string> = { every: '', tls: '' };
/** The repos as generated, each merged once by the compose tool (a view keeps its merge). */
const realViews = new Map<string, RepoView>();

describe('checklist rules catch planted faults', () => {
  before(async () => {
    repos.every = await generate(SCENARIOS['every-service']!);
    repos.tls = await generate({});
    for (const root of Object.values(repos)) realViews.set(root, new RepoView(root));
  });

  it('every rule has a planted fault', () => {
    assert.deepEqual(
      RULES.map(r => r.id).filter(id => !FAULTS.some(f => f.rule === id)),
      [],
    );
  });

  it('the repos as generated pass every rule', async () => {
    for (const root of Object.values(repos)) {
      const repo = realViews.get(root)!;
      const failures = [];
      for (const rule of RULES.filter(r => r.applies(repo))) {
        const result = await runRule(rule, repo);
        if (result.status !== 'passed') failures.push(`${result.name}: ${result.detail}`);
      }
      assert.deepEqual(failures, []);
    }
  });

  it('the parsed merge equals docker-compose config on both repos, dev and prod', async () => {
    for (const root of Object.values(repos)) {
      for (const env of ['dev', 'prod'] as Environment[]) {
        const [real, parsed] = await Promise.all([realViews.get(root)!.compose(env), new RepoView(root, parsedMerge).compose(env)]);
        assert.deepEqual(parsed, real, `${env} of ${root}: the parsed merge differs from the compose tool's`);
      }
    }
  });

  for (const fault of FAULTS) {
    it(`${fault.rule} fails when ${fault.file} is broken${fault.what ? ` (${fault.what})` : ''}`, async () => {
      const root = join(freshFolder('fault'), 'repo');
      cpSync(repos[fault.repo], root, { recursive: true });
      current = root;
      const path = join(root, fault.file);
      writeFileSync(path, fault.edit(readFileSync(path, 'utf8')));
      const rule = RULES.find(r => r.id === fault.rule)!;
      const repo = new RepoView(root, parsedMerge);
      assert.ok(rule.applies(repo), `${fault.rule} does not apply`);
      const result = await runRule(rule, repo);
      assert.equal(result.status, 'failed', `${fault.rule} still passes`);
      assert.doesNotMatch(result.detail, /could not check/, `${fault.rule} broke instead of finding the fault: ${result.detail}`);
    });
  }
});
