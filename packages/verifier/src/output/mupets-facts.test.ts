/**
 * The mupets preset against its real deployment: facts read from EveraertJan/testing (a public copy of the
 * Mupets server), each row citing the file and commit it was read from, asserted in the generated files or
 * in what docker-compose 1.29 itself makes of them (`config`, and its project model for the profiles).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from 'generator-portal/testing/generate.js';
import { composeProfilesCheck } from '../verify/profile-checks.js';

/** The newest commit of EveraertJan/testing, and the first one (it still had log-service in dc.base.yml and images/kafka). */
const HEAD = 'cb36088678f0020d90aec4aa99c9c43f4d2ce026';
const FIRST = '2979303fe5ed229f39c298fb5319714e3b407e3e';

type Service = Record<string, unknown> & {
  environment?: Record<string, string>;
  depends_on?: Record<string, unknown>;
  networks?: Record<string, { aliases?: string[] } | null>;
  profiles?: string[];
  ports?: unknown[];
};

interface Repo {
  readonly root: string;
  read(path: string): string;
  /** `docker-compose config` of base + prod, parsed. */
  readonly prod: { services: Record<string, Service> };
  /** The base file as written. */
  readonly base: { services: Record<string, Service> };
  /** `docker-compose config` of base + the dev override, parsed. */
  readonly dev: { services: Record<string, Service> };
}

type Fact = readonly [fact: string, holds: (repo: Repo) => void | Promise<void>];

/** One fact of the upstream repository: what it says, where, at which commit. */
const upstream = (fact: string, file: string, holds: Fact[1], commit = HEAD): Fact => [`${fact} (EveraertJan/testing ${file} @ ${commit})`, holds];

const service = (repo: Repo, name: string): Service => {
  const found = repo.prod.services[name];
  assert.ok(found, `${name} in docker-compose config (base + prod)`);
  return found;
};
const env =
  (name: string, variable: string, value: string): Fact[1] =>
  repo =>
    assert.equal(service(repo, name).environment?.[variable], value, `${variable} of ${name}`);
const aliasOf =
  (name: string, alias: string): Fact[1] =>
  repo =>
    assert.ok(service(repo, name).networks?.internal?.aliases?.includes(alias), `${name} answers as ${alias}: ${JSON.stringify(service(repo, name).networks)}`);
const probes =
  (name: string, text: string): Fact[1] =>
  repo =>
    assert.ok(
      JSON.stringify(service(repo, name).healthcheck).includes(text),
      `${name} healthcheck has ${text}: ${JSON.stringify(service(repo, name).healthcheck)}`,
    );
const waitsFor =
  (name: string, store: string): Fact[1] =>
  repo =>
    assert.ok(store in (service(repo, name).depends_on ?? {}), `${name} waits for ${store}`);
const routed =
  (path: string, upstreamName: string): Fact[1] =>
  repo => {
    const block = new RegExp(`location ${path.replace(/[/.]/g, '\\$&')} \\{[^}]*\\}`).exec(repo.read('nginx/snippets/routes.conf'))?.[0];
    assert.ok(block, `nginx location ${path}`);
    assert.match(block, new RegExp(`proxy_pass http://${upstreamName};`));
  };
const ini =
  (key: string, value: string): Fact[1] =>
  repo =>
    assert.match(repo.read('pgbouncer/pgbouncer.ini'), new RegExp(`^${key} = ${value}$`, 'm'));
const documented =
  (file: string, text: string): Fact[1] =>
  repo =>
    assert.ok(repo.read(file).includes(text), `${file} says "${text}"`);
const CARGO_APPS = ['backend', 'admin', 'log-archiver', 'soyl-auth', 'answer-admin', 'user-admin', 'question-admin', 'socket-server'];
/** The repo folder (images/<folder>/) each cargo container is built from upstream. */
const SOURCE_FOLDERS: Readonly<Record<string, string>> = {
  backend: 'log-service',
  admin: 'admin',
  'log-archiver': 'log-archiver',
  'soyl-auth': 'auth',
  'answer-admin': 'answer-admin',
  'user-admin': 'user-admin',
  'question-admin': 'question-admin',
  'socket-server': 'socket-server',
};
/** Where dev mounts each repo folder in a service: target -> source relative to the repo, from `docker-compose config`. */
const devSources = (repo: Repo, name: string): Record<string, string> => {
  const found = repo.dev.services[name];
  assert.ok(found, `${name} in docker-compose config (base + dev)`);
  const binds = ((found.volumes ?? []) as { type?: string; source?: string; target?: string }[]).filter(v => typeof v === 'object' && v.type === 'bind');
  return Object.fromEntries(binds.map(v => [v.target!, relative(repo.root, v.source!)]));
};
const cargoMounts = (folder: string) => ({
  '/cargo/config': 'images/cargo-base/config',
  '/cargo/cargo-lib': 'images/cargo-base/cargo-lib',
  '/cargo/app/lib': `images/${folder}/lib`,
});

const FACTS: readonly Fact[] = [
  upstream(
    'the log service (images/log-service) is the public API',
    'dc.base.yml',
    repo => assert.equal(service(repo, 'backend').image, 'mupets/log-service:2.3.1'),
    FIRST,
  ),
  upstream('every cargo app is an image of its own, pinned', 'dc.base.yml', repo => {
    const images = CARGO_APPS.map(name => String(service(repo, name).image));
    assert.deepEqual(
      images.map(image => image.split(':')[1]),
      CARGO_APPS.map(() => '2.3.1'),
    );
  }),
  upstream(
    'the API server listens on port 80 (ServerManager default port)',
    'images/cargo-base/cargo-lib/api/ServerManager.js',
    probes('backend', 'http://127.0.0.1:80/logs/test'),
  ),
  upstream('GET /logs/test answers {test: success}', 'images/log-service/lib/App.js', probes('backend', '/logs/test')),
  upstream('the log reports are posted under /logs (PathPrefix:/logs, no strip): the backend answers /', 'dc.base.yml', routed('/', 'backend'), FIRST),
  upstream('SOYL_HOST names the public host of every cargo app', 'images/cargo-base/config/default.js', repo => {
    for (const name of CARGO_APPS) env(name, 'SOYL_HOST', 'mupets.localhost')(repo);
  }),
  upstream('FE_PROTOCOL is http or https', '.env.template', env('backend', 'FE_PROTOCOL', 'https')),
  upstream('NODE_ENV production selects the prod config and hides error messages', 'images/cargo-base/cargo-lib/api/APIServer.js', repo => {
    for (const name of CARGO_APPS) env(name, 'NODE_ENV', 'production')(repo);
  }),
  upstream('PROJECT_NAME becomes soyl.projectName', 'images/cargo-base/config/default.js', env('log-archiver', 'PROJECT_NAME', 'Mupets')),
  upstream('the broker is dialled as soyl-broker (soyl.redis.host)', 'images/cargo-base/config/default.js', aliasOf('redis', 'soyl-broker')),
  upstream('the redis client passes the host only: port 6379', 'images/cargo-base/cargo-lib/lib/broker/redis/Client.js', repo =>
    assert.deepEqual(service(repo, 'redis').networks, { internal: { aliases: ['soyl-broker'] } }),
  ),
  upstream(
    'the database is dialled as wijze-stad-postgres (store.base.host)',
    'images/cargo-base/config/default.js',
    aliasOf('pgbouncer', 'wijze-stad-postgres'),
  ),
  upstream('on port 5432 (store.base.webPort)', 'images/cargo-base/config/default.js', ini('listen_port', '5432')),
  upstream('the store reads POSTGRES_DB, POSTGRES_USER and POSTGRES_PASSWORD', 'images/cargo-base/config/default.js', repo => {
    for (const name of ['log-archiver', 'answer-admin', 'user-admin', 'question-admin', 'socket-server']) {
      env(name, 'POSTGRES_DB', 'mupets')(repo);
      env(name, 'POSTGRES_USER', 'mupets')(repo);
      assert.match(service(repo, name).environment?.POSTGRES_PASSWORD ?? '', /^\w{16,}$/, `${name} POSTGRES_PASSWORD`);
    }
  }),
  upstream('the log archiver is given the POSTGRES_* variables', 'dc.dev.yml', env('log-archiver', 'POSTGRES_DB', 'mupets'), FIRST),
  upstream('node-postgres 6.1.0 predates SCRAM: md5 logins', 'images/cargo-base/package.json', ini('auth_type', 'md5')),
  upstream(
    'the Postgres store sends whole statements (json-sql, no prepared statements): transaction pooling',
    'images/cargo-base/cargo-lib/lib/store/postgres/PostgresStore.js',
    ini('pool_mode', 'transaction'),
  ),
  upstream(
    'the auth store is dialled as soyl-auth-store (soyl.auth.storeHost)',
    'images/cargo-base/config/default.js',
    aliasOf('redis-auth-store', 'soyl-auth-store'),
  ),
  upstream('the auth store keeps its data (--appendonly yes, /data)', 'images/auth-store/df.prod.yml', repo => {
    assert.ok((service(repo, 'redis-auth-store').volumes as string[]).includes('redis-auth-store-data:/data:rw'));
    assert.match(repo.read('redis/redis-auth-store.conf'), /^appendonly yes$/m);
  }),
  upstream(
    'the broker client (redis.createClient with host only) sends no password: the broker runs without auth, internal only',
    'images/cargo-base/cargo-lib/lib/broker/redis/Client.js',
    repo => {
      const broker = service(repo, 'redis');
      assert.deepEqual(broker.command, ['redis-server', '/usr/local/etc/redis/redis.conf']);
      assert.equal(broker.ports, undefined);
      assert.match(repo.read('redis/redis.conf'), /^protected-mode no$/m);
      assert.doesNotMatch(repo.read('.env'), /^REDIS_PASSWORD=/m);
    },
  ),
  upstream(
    'the auth store is dialled with the host only (soyl.auth.storeHost, no password): no auth, recorded',
    'images/cargo-base/config/default.js',
    repo => {
      assert.doesNotMatch(JSON.stringify(service(repo, 'redis-auth-store').command), /requirepass/);
      assert.match(repo.read('docs/architecture.md'), /\| `redis-auth-store` \| RDS-02 \| soyl-auth-store: /);
    },
  ),
  upstream(
    'the admin front end answers on its own host (Host:admin.${SOYL_HOST})',
    'dc.base.yml',
    repo => {
      assert.match(repo.read('nginx/sites/prod.conf'), /server_name admin\.mupets\.localhost;[^}]*include \/etc\/nginx\/snippets\/hosts\/admin\.conf;/);
      assert.match(repo.read('nginx/snippets/hosts/admin.conf'), /location \/ \{[^}]*proxy_pass http:\/\/admin;/);
      assert.doesNotMatch(repo.read('nginx/snippets/routes.conf'), /location \/admin\//);
    },
    FIRST,
  ),
  upstream('the auth service is dialled as soyl-auth (soyl.auth.host)', 'images/cargo-base/config/default.js', repo => assert.ok(service(repo, 'soyl-auth'))),
  upstream('the auth API is routed under /auth (PathPrefix:/auth)', 'dc.base.yml', routed('/auth/', 'soyl-auth')),
  upstream('every cargo app serves the cargo API on 8080', 'images/cargo-base/cargo-lib/api/cargoAPI.js', probes('log-archiver', '127.0.0.1 8080')),
  upstream('the admin serves its React front end on / (serveReact)', 'images/admin/lib/App.js', probes('admin', 'http://127.0.0.1:80/')),
  upstream('the answers, users and questions APIs under /answers, /users, /questions', 'dc.base.yml', repo => {
    routed('/answers/', 'answer-admin')(repo);
    routed('/users/', 'user-admin')(repo);
    routed('/questions/', 'question-admin')(repo);
  }),
  upstream('the socket server listens on wijzeStad.socketStreamPort 4020', 'images/cargo-base/config/default.js', repo => {
    probes('socket-server', '127.0.0.1 4020')(repo);
    assert.match(repo.read('nginx/snippets/upstreams.conf'), /upstream socket-server \{\s*server socket-server:4020;/);
  }),
  upstream('socket.io through the proxy (socket.<host>/socket), a websocket', 'dc.base.yml', repo => {
    routed('/socket.io/', 'socket-server')(repo);
    assert.match(/location \/socket\.io\/ \{[^}]*\}/.exec(repo.read('nginx/snippets/routes.conf'))![0], /proxy_read_timeout 1h;/);
  }),
  upstream('4020:4020 was published on the host; now nothing but the edge publishes', 'dc.base.yml', repo =>
    assert.equal(service(repo, 'socket-server').ports, undefined),
  ),
  upstream('the log archiver depends on the database (cargo.yaml dependencies)', 'images/log-archiver/cargo.yaml', waitsFor('log-archiver', 'pgbouncer')),
  upstream('the log service depends on the broker (cargo.yaml dependencies)', 'images/log-service/cargo.yaml', waitsFor('backend', 'redis')),
  upstream('Kafka kept as the alternative to the Redis broker, not used by default', 'docs/dev/containers.md', repo => {
    assert.deepEqual(service(repo, 'kafka').profiles, ['kafka']);
    assert.deepEqual(service(repo, 'zookeeper').profiles, ['kafka']);
  }),
  upstream('ZooKeeper manages the Kafka broker', 'docs/dev/containers.md', waitsFor('kafka', 'zookeeper')),
  upstream(
    'Kafka had its own data folder (VOLUME /kafka)',
    'images/kafka/Dockerfile',
    repo => assert.ok((service(repo, 'kafka').volumes as string[]).includes('kafka-data:/var/lib/kafka/data:rw')),
    FIRST,
  ),
  upstream('docker compose up starts the Redis backbone only; --profile kafka adds Kafka and ZooKeeper', 'docs/dev/architecture.md', async repo => {
    const results = [await composeProfilesCheck.run(repo.root)].flat();
    assert.equal(results.length, 2, 'dev and prod');
    for (const result of results) {
      assert.equal(result.status, 'passed', `${result.name}: ${result.detail}`);
      assert.match(result.detail, /--profile kafka adds zookeeper, kafka|--profile kafka adds kafka, zookeeper/);
    }
  }),
  upstream('the cargo images run as root (node:7.0.0 has no USER): here as the app user', 'images/cargo-base/df.prod.yml', repo => {
    for (const name of CARGO_APPS) assert.equal(service(repo, name).user, '10001:10001', name);
  }),
  upstream("in development each cargo app mounts cargo-base's config and cargo-lib and its own lib/ from the repo", 'dc.dev.yml', repo => {
    for (const name of ['soyl-auth', 'answer-admin', 'user-admin', 'question-admin', 'socket-server'])
      assert.deepEqual(devSources(repo, name), cargoMounts(SOURCE_FOLDERS[name]!), name);
  }),
  upstream(
    'the log service and the log archiver mounted theirs the same way',
    'dc.dev.yml',
    repo => {
      for (const name of ['backend', 'log-archiver']) assert.deepEqual(devSources(repo, name), cargoMounts(SOURCE_FOLDERS[name]!), name);
    },
    FIRST,
  ),
  upstream('the admin also mounts its html/dist and html/src', 'dc.dev.yml', repo =>
    assert.deepEqual(devSources(repo, 'admin'), {
      ...cargoMounts('admin'),
      '/cargo/html/dist': 'images/admin/html/dist',
      '/cargo/html/src': 'images/admin/html/src',
    }),
  ),
  upstream('the prod images copy cargo-lib, config and lib/ in (COPY, ONBUILD COPY lib): prod mounts no source', 'images/cargo-base/df.prod.yml', repo => {
    for (const name of CARGO_APPS) assert.ok(!JSON.stringify(service(repo, name).volumes ?? []).includes('images/'), name);
    assert.doesNotMatch(repo.read('docker-compose.yml') + repo.read('docker-compose.prod.yml'), /images\//);
  }),
  upstream(
    "nodemon is a devDependency of cargo-base and the prod images run npm start: dev keeps the image's command, and says why",
    'images/cargo-base/package.json',
    repo => {
      for (const name of CARGO_APPS) assert.equal(repo.dev.services[name]!.command, undefined, name);
      assert.ok(repo.read('docs/architecture.md').includes('neither startup.sh nor nodemon'));
    },
  ),
  upstream('pgweb exposed the database at pg.<host>: not deployed, and said so', 'dc.base.yml', documented('docs/architecture.md', 'wijze-stad-pgweb')),
  upstream('the tables come from initdb.d/init.sql', 'images/postgres/df.prod.yml', documented('docs/architecture.md', 'images/postgres/initdb.d/init.sql')),
];

describe('mupets preset: facts of EveraertJan/testing', () => {
  let repo: Repo;
  before(async () => {
    const root = await generate({ preset: 'mupets', imageTag: '2.3.1' });
    const config = spawnSync('docker-compose', ['--env-file', '.env', '-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', 'config'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(config.status, 0, config.stderr);
    const devConfig = spawnSync('docker-compose', ['--env-file', '.env', '-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml', 'config'], {
      cwd: root,
      encoding: 'utf8',
    });
    assert.equal(devConfig.status, 0, devConfig.stderr);
    const read = (path: string) => readFileSync(join(root, path), 'utf8');
    repo = { root, read, prod: parse(config.stdout), base: parse(read('docker-compose.yml')), dev: parse(devConfig.stdout) };
  });

  it(`lists at least 20 upstream facts (${FACTS.length})`, () => assert.ok(FACTS.length >= 20));
  for (const [fact, holds] of FACTS) it(fact, () => holds(repo));
});
