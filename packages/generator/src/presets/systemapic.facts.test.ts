/**
 * The systemapic preset against its upstream: each row is a fact read from systemapic/docker-systemapic,
 * systemapic/wu or systemapic/pile at the commit named, asserted in the generated repo or in what
 * `docker-compose config` makes of it, so the real images would start unchanged.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from '../testing/generate.js';
import { portalSync } from '../testing/bin.js';

/** The commits read: docker-systemapic's 2016 compose/ and build/, its first public config/localhost, wu and pile. */
const COMMITS = {
  'systemapic/docker-systemapic': '527bf955abba10c1ce1defaa952872b5606dfc4a',
  'systemapic/docker-systemapic config': 'a33c701fedd3d83b420ab85b74bbef7a621397a7',
  'systemapic/wu': '245498c19dd124d0b1e86e7ad743cd9df556c017',
  'systemapic/pile': 'dc8fc48efa0212003e6e95b515842b689c6b2af2',
} as const;
type Source = keyof typeof COMMITS;

interface Repo {
  readonly root: string;
  read(path: string): string;
  service(file: 'base' | 'dev' | 'prod', name: string): Record<string, unknown>;
  /** `docker-compose config` of base + prod (the main deployment) or of an instance on top of them. */
  config(instance?: string): { services: Record<string, Record<string, unknown>> };
}
type Check = (repo: Repo) => void;
type Row = readonly [fact: string, check: Check];

const upstream = (fact: string, source: Source, file: string, check: Check): Row => {
  const repo = source.replace(/ config$/, '');
  return [`${fact} (${repo} ${file} @ ${COMMITS[source]})`, check];
};

const FILES = { base: 'docker-compose.yml', dev: 'docker-compose.override.yml', prod: 'docker-compose.prod.yml' } as const;

function open(root: string): Repo {
  const read = (path: string) => readFileSync(join(root, path), 'utf8');
  const configs = new Map<string, { services: Record<string, Record<string, unknown>> }>();
  return {
    root,
    read,
    service: (file, name) => {
      const found = (parse(read(FILES[file])) as { services: Record<string, Record<string, unknown>> }).services[name];
      assert.ok(found, `${name} in ${FILES[file]}`);
      return found;
    },
    config: (instance = '') => {
      if (!configs.has(instance)) {
        const extra = instance ? ['-f', `instances/${instance}.yml`, '--env-file', `instances/${instance}.env`] : [];
        const run = spawnSync('docker-compose', ['-f', FILES.base, '-f', FILES.prod, ...extra, 'config'], { cwd: root, encoding: 'utf8' });
        assert.equal(run.status, 0, run.stderr);
        configs.set(instance, parse(run.stdout));
      }
      return configs.get(instance)!;
    },
  };
}

const environment = (service: Record<string, unknown>): Record<string, string> => (service.environment ?? {}) as Record<string, string>;
const setting =
  (name: string, variable: string, value: string): Check =>
  repo =>
    assert.equal(environment(repo.service('base', name))[variable], value, `${variable} of ${name}`);
/** The names a container answers to on the internal network, in the merged prod configuration. */
const answersAs =
  (name: string, alias: string): Check =>
  repo => {
    const networks = repo.config().services[name]!.networks as Record<string, { aliases?: string[] } | null>;
    assert.ok(networks.internal?.aliases?.includes(alias), `${name} answers as ${alias}: ${JSON.stringify(networks)}`);
  };
const volumes = (service: Record<string, unknown>): string[] =>
  ((service.volumes ?? []) as unknown[]).map(v => (typeof v === 'string' ? v : `${(v as { source: string }).source}:${(v as { target: string }).target}`));
/** Config lines without comments, as key -> value. */
const redisConf = (repo: Repo, server: string): Map<string, string> => {
  const mounted = volumes(repo.service('base', server)).find(v => v.endsWith(':/usr/local/etc/redis/redis.conf:ro'));
  assert.ok(mounted, `${server} mounts its config`);
  const text = repo.read(mounted.split(':')[0]!.replace(/^\.\//, ''));
  return new Map(
    text
      .split('\n')
      .map(l => l.trim())
      .filter(l => l && !l.startsWith('#'))
      .map(l => [l.split(/\s+/)[0]!, l.split(/\s+/).slice(1).join(' ')] as [string, string]),
  );
};
const confHas =
  (server: string, key: string, value: string): Check =>
  repo =>
    assert.equal(redisConf(repo, server).get(key), value, `${key} of ${server}`);

const CONFIG = '/systemapic/config';
const NGINX = 'build/nginx/config/dev.systemapic.com.nginx.conf';
/** The nginx location block for a path, from the portal's routes or a sub-domain's. */
const location = (repo: Repo, file: string, path: string): string => {
  const block = new RegExp(`location ${path.replace(/[/.]/g, '\\$&')} \\{[^}]*\\}`).exec(repo.read(file))?.[0];
  assert.ok(block, `location ${path} in ${file}`);
  return block;
};

const FACTS: readonly Row[] = [
  upstream('the tile host e.<domain> sends everything to pile (upstream pile, pile:3003)', 'systemapic/docker-systemapic', NGINX, repo => {
    assert.match(repo.read('nginx/sites/prod.conf'), /server_name e\.systemapic\.localhost;[^}]*include \/etc\/nginx\/snippets\/hosts\/e\.conf;/);
    assert.match(location(repo, 'nginx/snippets/hosts/e.conf', '/'), /proxy_pass http:\/\/pile;/);
  }),
  upstream('the tile host takes bodies up to 2000m', 'systemapic/docker-systemapic', NGINX, repo =>
    assert.match(location(repo, 'nginx/snippets/hosts/e.conf', '/'), /client_max_body_size 2000m;/),
  ),
  upstream('/api/db goes to pile with 600 s timeouts', 'systemapic/docker-systemapic', NGINX, repo => {
    const block = location(repo, 'nginx/snippets/routes.conf', '/api/db/');
    assert.match(block, /proxy_pass http:\/\/pile;/);
    assert.match(block, /proxy_read_timeout 600s;/);
    assert.match(block, /proxy_send_timeout 600s;/);
  }),
  upstream('/ goes to wu (upstream sockets) with the websocket upgrade', 'systemapic/docker-systemapic', NGINX, repo => {
    const block = location(repo, 'nginx/snippets/routes.conf', '/');
    assert.match(block, /proxy_pass http:\/\/backend;/);
    assert.match(block, /include \/etc\/nginx\/snippets\/proxy\.conf;/);
    assert.match(repo.read('nginx/snippets/proxy.conf'), /proxy_set_header Upgrade \$http_upgrade;/);
    assert.match(block, /proxy_read_timeout 1h;/);
  }),
  upstream('the portal host takes bodies up to 2000m (uploads through /api/upload to wu)', 'systemapic/docker-systemapic', NGINX, repo => {
    assert.match(location(repo, 'nginx/snippets/routes.conf', '/'), /client_max_body_size 2000m;/);
    assert.match(location(repo, 'nginx/snippets/routes.conf', '/api/'), /client_max_body_size 2000m;/);
  }),
  upstream('wu runs the systemapic/wu image', 'systemapic/docker-systemapic', 'compose/yml/common.yml', repo =>
    assert.match(String(repo.service('base', 'backend').image), /^systemapic\/wu:2\.3\.1$/),
  ),
  upstream('pile runs the systemapic/pile image', 'systemapic/docker-systemapic', 'compose/yml/common.yml', repo =>
    assert.match(String(repo.service('base', 'pile').image), /^systemapic\/pile:2\.3\.1$/),
  ),
  upstream('wu listens on 3001 (EXPOSE 3001)', 'systemapic/docker-systemapic', 'build/wu/Dockerfile', repo =>
    assert.match(JSON.stringify(repo.service('base', 'backend').healthcheck), /127\.0\.0\.1 3001/),
  ),
  upstream('pile listens on 3003 (EXPOSE 3003)', 'systemapic/docker-systemapic', 'build/pile/Dockerfile', repo =>
    assert.match(JSON.stringify(repo.service('base', 'pile').healthcheck), /127\.0\.0\.1 3003/),
  ),
  upstream('the images keep their own CMD /start.sh', 'systemapic/docker-systemapic', 'build/wu/Dockerfile', repo => {
    for (const name of ['backend', 'pile']) assert.equal(repo.service('base', name).command, undefined, name);
  }),
  upstream('wu is given SYSTEMAPIC_DOMAIN', 'systemapic/docker-systemapic', 'compose/yml/common.yml', setting('backend', 'SYSTEMAPIC_DOMAIN', '${DOMAIN}')),
  upstream('pile is given SYSTEMAPIC_DOMAIN', 'systemapic/docker-systemapic', 'compose/yml/common.yml', setting('pile', 'SYSTEMAPIC_DOMAIN', '${DOMAIN}')),
  upstream(
    "SYSTEMAPIC_PRODMODE: 'true' for wu (start.sh runs `if $SYSTEMAPIC_PRODMODE`)",
    'systemapic/docker-systemapic',
    'compose/yml/common.yml',
    setting('backend', 'SYSTEMAPIC_PRODMODE', 'true'),
  ),
  upstream("SYSTEMAPIC_PRODMODE: 'true' for pile", 'systemapic/docker-systemapic', 'compose/yml/common.yml', setting('pile', 'SYSTEMAPIC_PRODMODE', 'true')),
  upstream('wu reads WU_CONFIG_PATH for its config', 'systemapic/wu', 'api/api.js', setting('backend', 'WU_CONFIG_PATH', `${CONFIG}/wu-config.js`)),
  upstream('pile reads PILE_CONFIG_PATH for its config', 'systemapic/pile', 'src/pile.js', setting('pile', 'PILE_CONFIG_PATH', `${CONFIG}/pile-config.js`)),
  upstream('pile reads SYSTEMAPIC_PGSQL_USERNAME', 'systemapic/pile', 'src/pile.js', setting('pile', 'SYSTEMAPIC_PGSQL_USERNAME', '${POSTGRES_USER}')),
  upstream('pile reads SYSTEMAPIC_PGSQL_PASSWORD', 'systemapic/pile', 'src/pile.js', setting('pile', 'SYSTEMAPIC_PGSQL_PASSWORD', '${POSTGRES_PASSWORD}')),
  upstream(
    'start-server.sh exports SYSTEMAPIC_PGSQL_DBNAME',
    'systemapic/pile',
    'start-server.sh',
    setting('pile', 'SYSTEMAPIC_PGSQL_DBNAME', '${POSTGRES_DB}'),
  ),
  upstream("the domain's config folder is mounted at /systemapic/config in wu and pile", 'systemapic/docker-systemapic', 'compose/yml/common.yml', repo => {
    for (const name of ['backend', 'pile'])
      assert.ok(
        volumes(repo.config().services[name]!).includes(`${join(repo.root, 'config/prod')}:${CONFIG}:ro`),
        `${name}: ${volumes(repo.config().services[name]!).join(', ')}`,
      );
  }),
  upstream('localhost has a config folder of its own (dev)', 'systemapic/docker-systemapic config', 'config/localhost/env.sh', repo => {
    for (const name of ['backend', 'pile']) assert.ok(volumes(repo.service('dev', name)).includes(`./config/dev:${CONFIG}:ro`), name);
  }),
  upstream('one config folder per domain: an instance mounts its own at the same path', 'systemapic/docker-systemapic', 'compose/restart.sh', repo => {
    for (const name of ['backend', 'pile']) {
      const mounted = volumes(repo.config('eu').services[name]!).filter(v => v.includes(`:${CONFIG}`));
      assert.deepEqual(mounted, [`${join(repo.root, 'config/eu')}:${CONFIG}:ro`], name);
    }
  }),
  upstream(
    'start.sh refuses to start without /systemapic/config: each deployment has its folder',
    'systemapic/docker-systemapic',
    'build/wu/start.sh',
    repo => {
      for (const deployment of ['dev', 'prod', 'eu']) assert.ok(existsSync(join(repo.root, 'config', deployment, 'README.md')), deployment);
    },
  ),
  upstream('pile dials http://wu:3001', 'systemapic/pile', 'src/pile.js', answersAs('backend', 'wu')),
  upstream('pile links wu and so starts after it', 'systemapic/docker-systemapic', 'compose/yml/dev.systemapic.com.yml', repo =>
    assert.deepEqual((repo.service('base', 'pile').depends_on as Record<string, unknown>).backend, { condition: 'service_healthy' }),
  ),
  upstream('wu links mongo', 'systemapic/docker-systemapic', 'compose/yml/dev.systemapic.com.yml', answersAs('mongodb', 'mongo')),
  upstream('wu and pile link postgis', 'systemapic/docker-systemapic', 'compose/yml/dev.systemapic.com.yml', answersAs('db', 'postgis')),
  upstream(
    'redis.layers host redislayers',
    'systemapic/docker-systemapic config',
    'config/localhost/engine.config.js',
    answersAs('redis-layers', 'redislayers'),
  ),
  upstream('redis.stats host redisstats', 'systemapic/docker-systemapic config', 'config/localhost/engine.config.js', answersAs('redis-stats', 'redisstats')),
  upstream('redis.temp host redistemp', 'systemapic/docker-systemapic config', 'config/localhost/engine.config.js', answersAs('redis-temp', 'redistemp')),
  upstream('wu and pile link redistokens', 'systemapic/docker-systemapic', 'compose/yml/dev.systemapic.com.yml', answersAs('redis-tokens', 'redistokens')),
  upstream('the queue server is rediskue', 'systemapic/docker-systemapic', 'build/README.md', answersAs('redis', 'rediskue')),
  upstream(
    'each redis role runs with its own config file (redis-server /systemapic/config/redis.<role>.conf)',
    'systemapic/docker-systemapic',
    'compose/yml/dev.systemapic.com.yml',
    repo => {
      for (const role of ['layers', 'stats', 'tokens', 'temp'])
        assert.ok(volumes(repo.service('base', `redis-${role}`)).includes(`./redis/redis-${role}.conf:/usr/local/etc/redis/redis.conf:ro`), role);
    },
  ),
  upstream(
    'redis.layers.conf: appendonly yes',
    'systemapic/docker-systemapic config',
    'config/localhost/redis.layers.conf',
    confHas('redis-layers', 'appendonly', 'yes'),
  ),
  upstream(
    'redis.tokens.conf: appendonly yes',
    'systemapic/docker-systemapic config',
    'config/localhost/redis.tokens.conf',
    confHas('redis-tokens', 'appendonly', 'yes'),
  ),
  upstream('redis.stats.conf: appendonly no, dbfilename redis.rdb', 'systemapic/docker-systemapic config', 'config/localhost/redis.stats.conf', repo => {
    confHas('redis-stats', 'appendonly', 'no')(repo);
    confHas('redis-stats', 'dbfilename', 'redis.rdb')(repo);
  }),
  upstream('redis.temp.conf: appendonly no, dbfilename redis.rdb', 'systemapic/docker-systemapic config', 'config/localhost/redis.temp.conf', repo => {
    confHas('redis-temp', 'appendonly', 'no')(repo);
    confHas('redis-temp', 'dbfilename', 'redis.rdb')(repo);
  }),
  upstream('maxmemory 23592960000 bytes (22500mb) on every role', 'systemapic/docker-systemapic config', 'config/localhost/redis.layers.conf', repo => {
    for (const role of ['layers', 'stats', 'tokens', 'temp']) assert.equal(redisConf(repo, `redis-${role}`).get('maxmemory'), '22500mb', role);
  }),
  upstream("no maxmemory-policy: Redis' default, noeviction", 'systemapic/docker-systemapic config', 'config/localhost/redis.stats.conf', repo => {
    for (const role of ['layers', 'stats', 'tokens', 'temp']) assert.equal(redisConf(repo, `redis-${role}`).get('maxmemory-policy'), 'noeviction', role);
  }),
  upstream(
    'requirepass on every role: each asks for its own password, from a secret in prod',
    'systemapic/docker-systemapic config',
    'config/localhost/redis.tokens.conf',
    repo => {
      for (const role of ['layers', 'stats', 'tokens', 'temp']) {
        const command = JSON.stringify(repo.config().services[`redis-${role}`]!.command);
        assert.match(command, /--requirepass/, role);
        assert.match(command, new RegExp(`REDIS_${role.toUpperCase()}_PASSWORD_FILE`), role);
        assert.ok(!redisConf(repo, `redis-${role}`).has('requirepass'), `${role}: no password in the file`);
      }
    },
  ),
  upstream('the stores (data_store) at /data in wu and pile', 'systemapic/docker-systemapic', 'compose/create_storage_containers.sh', repo => {
    for (const name of ['backend', 'pile']) assert.ok(volumes(repo.service('base', name)).includes('common:/data'), name);
  }),
  upstream('mongo store at /data/db', 'systemapic/docker-systemapic', 'compose/create_storage_containers.sh', repo =>
    assert.ok(volumes(repo.service('base', 'mongodb')).includes('mongo-data:/data/db')),
  ),
  upstream('restart.sh picks the deployment from SYSTEMAPIC_DOMAIN', 'systemapic/docker-systemapic', 'compose/restart.sh', repo =>
    assert.ok(repo.read('scripts/lib.sh').includes('${SYSTEMAPIC_DOMAIN:-}')),
  ),
];

describe('systemapic: facts of the upstream deployment', () => {
  let repo: Repo;
  before(async () => {
    const root = await generate({ preset: 'systemapic', imageTag: '2.3.1' });
    const instance = portalSync(['instance', 'add', 'eu', '--domain', 'eu.example.org', '--secret-seed', 'x'], { cwd: root });
    assert.equal(instance.status, 0, instance.stderr);
    repo = open(root);
  });
  it(`has at least 20 facts (${FACTS.length})`, () => assert.ok(FACTS.length >= 20));
  for (const [fact, check] of FACTS) it(fact, () => check(repo));
});
