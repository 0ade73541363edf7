/**
 * Files the stock servers of an old deployment read from its folder: a redis.conf named on the command
 * line, the postgres image's init scripts; what they carry into the answers, what the report says of the
 * rest, and what is not read (outside the folder, a link out, too large, compressed). Also the caps that
 * used to be silent: port ranges, routes, databases.
 */
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { freshFolder } from '../testing/generate.js';
import { postgresFromFacts, redisFromCommand } from './server-settings.js';
import { serviceFacts } from './service-facts.js';
import { mapDeployment } from './map-deployment.js';
import { parseRedisConfig, redisMemory } from './redis-config.js';
import { validatePostgres } from '../answers/postgres-answers.js';
import type { LoadedCompose } from './compose-load.js';

const facts = (raw: Record<string, unknown>) => serviceFacts('old', raw as Parameters<typeof serviceFacts>[1]);

/** A deployment folder holding `files` (relative path -> text). */
function folder(name: string, files: Record<string, string>): string {
  const root = join(freshFolder(name), 'old');
  mkdirSync(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('import: a redis.conf the command names', () => {
  it('a hard-linked redis.conf is not read: its other name may be outside the folder', () => {
    const root = folder('redis-hardlink', {});
    writeFileSync(join(root, '..', 'passwd'), 'root:x:0:0:root:/root:/bin/bash\nmaxmemory 2gb\n');
    mkdirSync(join(root, 'conf'));
    linkSync(join(root, '..', 'passwd'), join(root, 'conf', 'redis.conf'));
    const found = redisFromCommand(
      facts({ image: 'redis:7', volumes: ['./conf:/usr/local/etc/redis'], command: 'redis-server /usr/local/etc/redis/redis.conf' }),
      root,
    );
    assert.deepEqual(found.settings, {});
    assert.match(
      found.notes.join('\n'),
      /config file \/usr\/local\/etc\/redis\/redis\.conf: its settings are not read \(conf\/redis\.conf is hard-linked, it may be a file outside the folder\)/,
    );
    assert.doesNotMatch(JSON.stringify(found), /root:x/);
  });
  it('lines that are not redis directives are counted, never echoed', () => {
    const root = folder('redis-strange', { 'conf/redis.conf': 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1\nport 6379\nmaxmemory-policy $(id)\n' });
    const found = redisFromCommand(
      facts({ image: 'redis:7', volumes: ['./conf:/usr/local/etc/redis'], command: 'redis-server /usr/local/etc/redis/redis.conf' }),
      root,
    );
    assert.ok(
      found.notes.includes('old: conf/redis.conf: port and 2 lines that are not redis directives: not answers; the stack writes the rest of the configuration'),
      found.notes.join('\n'),
    );
    assert.doesNotMatch(found.notes.join('\n'), /root:x|daemon:x|\$\(id\)/);
  });
  const conf =
    'daemonize no\nport 6379\n# a comment\nmaxmemory 2g\nmaxmemory-policy allkeys-lru\nappendonly yes\nappendfilename "layers.aof"\nrequirepass s3cret-not-carried\nrename-command FLUSHALL ""\n';
  it('carries memory, policy, AOF and auth from the file; lists the rest by name', () => {
    const root = folder('redis-conf', { 'conf/redis.conf': conf });
    const found = redisFromCommand(
      facts({ image: 'redis:7', volumes: ['./conf:/usr/local/etc/redis'], command: 'redis-server /usr/local/etc/redis/redis.conf' }),
      root,
    );
    assert.deepEqual(found.settings, { maxmemory: '2000000000', policy: 'allkeys-lru', persistence: 'aof', file: 'layers.aof' });
    assert.equal(found.passwordFile, 'conf/redis.conf');
    assert.deepEqual(found.notes, ['old: conf/redis.conf: daemonize, port, rename-command: not answers; the stack writes the rest of the configuration']);
    assert.ok(!JSON.stringify(found).includes('s3cret'));
  });
  it('command-line flags override the file, as redis-server applies them after it', () => {
    const root = folder('redis-flags', { 'redis.conf': conf });
    const found = redisFromCommand(
      facts({
        image: 'redis:7',
        volumes: ['./redis.conf:/etc/redis.conf:ro'],
        command: ['redis-server', '/etc/redis.conf', '--maxmemory', '256mb', '--appendonly', 'no', '--save', '60', '1', '--requirepass', 'x'],
      }),
      root,
    );
    assert.deepEqual(found.settings, { maxmemory: '256mb', policy: 'allkeys-lru', persistence: 'rdb' });
    assert.equal(found.passwordFile, undefined);
    assert.match(found.notes.join('\n'), /redis\.conf: daemonize, port, appendfilename, rename-command: not answers/);
  });
  it('save "" with no AOF is reported: the stack keeps snapshots', () => {
    const root = folder('redis-nosave', { 'redis.conf': 'save ""\nappendonly no\n' });
    const found = redisFromCommand(facts({ image: 'redis:7', volumes: ['./redis.conf:/data/redis.conf'], command: 'redis-server /data/redis.conf' }), root);
    assert.deepEqual(found.settings, {});
    assert.match(found.notes.join('\n'), /save in redis\.conf "" turned persistence off; the stack keeps RDB snapshots/);
  });
  it('a file outside the folder, a link out of it, a missing or an oversized file is not read, and said so', () => {
    const root = folder('redis-unread', { 'big.conf': `# ${'x'.repeat(1024 * 1024)}\nmaxmemory 1gb\n` });
    writeFileSync(join(dirname(root), 'outside.conf'), 'maxmemory 1gb\n');
    symlinkSync(join(dirname(root), 'outside.conf'), join(root, 'linked.conf'));
    const cases: [string, RegExp][] = [
      ['../outside.conf', /its settings are not read \(\.\.\/outside\.conf is outside the deployment's folder\)/],
      ['/etc/redis/redis.conf', /is outside the deployment's folder/],
      ['./linked.conf', /not read \(linked\.conf is a link leading out of the deployment's folder \(to .*outside\.conf\)\)/],
      ['./missing.conf', /not read \(missing\.conf is not in the deployment's folder\)/],
      ['./big.conf', /not read \(big\.conf is \d+ bytes, over the 1048576 an import reads\)/],
    ];
    for (const [source, note] of cases) {
      const found = redisFromCommand(facts({ image: 'redis:7', volumes: [`${source}:/conf/redis.conf`], command: 'redis-server /conf/redis.conf' }), root);
      assert.deepEqual(found.settings, {}, source);
      assert.match(found.notes.join('\n'), note, source);
    }
  });
  it('a mounted file redis-server is not told to read is reported as never in effect', () => {
    const root = folder('redis-unused', { 'redis.conf': 'maxmemory 1gb\n' });
    const found = redisFromCommand(facts({ image: 'redis:7', volumes: ['./redis.conf:/usr/local/etc/redis/redis.conf'] }), root);
    assert.deepEqual(found.settings, {});
    assert.match(found.notes.join(), /redis-server is started without naming it, so the server never read it/);
  });
  it('the config syntax: quotes, repeated save lines, case of names; k/m/g are powers of 1000', () => {
    const parsed = parseRedisConfig('SAVE 900 1\nsave 300 10\nMaxMemory-Policy "volatile-lru"\n');
    assert.deepEqual(parsed.saves, ['900 1', '300 10']);
    assert.equal(parsed.directives.get('maxmemory-policy'), 'volatile-lru');
    assert.deepEqual(['1k', '1kb', '2m', '2MB', '3g', '3gb', '100', 'lots'].map(redisMemory), [
      '1000',
      '1kb',
      '2000000',
      '2mb',
      '3000000000',
      '3gb',
      '100',
      undefined,
    ]);
  });
});

describe('import: postgres init scripts', () => {
  const scripts = {
    'initdb/01-databases.sql':
      '-- made at first start\nCREATE DATABASE keycloak;\nCREATE DATABASE "gis_archive" OWNER app;\nCREATE DATABASE template_gis IS_TEMPLATE = true;\n/* CREATE DATABASE not_this; */\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE EXTENSION hstore;\nCREATE EXTENSION timescaledb;\nCREATE ROLE reader LOGIN PASSWORD \'pw-not-carried\';\nCREATE TABLE t (id int);\nALTER SYSTEM SET work_mem = \'32MB\';\n',
    'initdb/02-more.sh':
      '#!/bin/sh\nset -e\n# createdb commented_out\ncreatedb -U "$POSTGRES_USER" -O app reports\npsql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" -c "CREATE DATABASE audit" -c "CREATE EXTENSION pg_trgm"\ncreatedb "$EXTRA_DB"\n',
    'initdb/03-dump.sql.gz': 'not really gzip',
    'initdb/README.md': 'notes\n',
    'initdb/.hidden.sql': 'CREATE DATABASE hidden;\n',
    'single.sql': 'CREATE DATABASE solo;\n',
  };
  it('databases, templates, extensions and tuning become answers; roles, tables, variables and compressed files are reported', () => {
    const root = folder('initdb', scripts);
    const found = postgresFromFacts(
      facts({
        image: 'postgis/postgis:16-3.4',
        environment: { POSTGRES_DB: 'app' },
        volumes: ['./initdb:/docker-entrypoint-initdb.d/', './single.sql:/docker-entrypoint-initdb.d/00-single.sql:ro'],
        command: 'postgres -c work_mem=64MB',
      }),
      'portal',
      root,
    );
    assert.deepEqual(found.settings, {
      databases: ['solo', 'keycloak', 'gis_archive', 'audit', 'reports'],
      templates: ['template_gis'],
      extensions: ['postgis', 'pg_stat_statements', 'uuid-ossp', 'hstore', 'pg_trgm'],
      settings: { work_mem: '64MB' },
    });
    const notes = found.notes.join('\n');
    assert.match(notes, /01-databases\.sql: extension timescaledb: not one the PostGIS image ships/);
    assert.match(notes, /01-databases\.sql: role reader: the answers create no roles/);
    assert.match(notes, /01-databases\.sql: CREATE TABLE: not answers/);
    assert.match(notes, /02-more\.sh: createdb \$EXTRA_DB: named by a variable, so not carried/);
    assert.match(notes, /03-dump\.sql\.gz: compressed SQL is not read/);
    assert.match(notes, /README\.md: the image's entrypoint ignores it too/);
    assert.doesNotMatch(notes, /hidden|not_this|commented_out|pw-not-carried/);
    assert.match(found.carried.join('; '), /from init scripts 00-single\.sql, 01-databases\.sql, 02-more\.sh/);
  });
  it('a folder outside the deployment is not read, and said so', () => {
    const root = folder('initdb-outside', {});
    const found = postgresFromFacts(facts({ image: 'postgres:16', volumes: ['../shared/initdb:/docker-entrypoint-initdb.d'] }), 'portal', root);
    assert.deepEqual(found.settings, {});
    assert.match(found.notes.join(), /init scripts \.\.\/shared\/initdb: not read \(\.\.\/shared\/initdb is outside the deployment's folder\)/);
  });
  it('statements split outside quotes, dollar-quotes and comments', () => {
    const sql =
      'CREATE DATABASE "weird;name";\nSELECT \'a;CREATE DATABASE fake\';\nDO $body$ BEGIN PERFORM 1; END $body$;\n/* ; */ CREATE DATABASE kept_db; -- ; CREATE DATABASE no_db\n';
    const root = folder('initdb-quotes', { 'init.sql': sql });
    const found = postgresFromFacts(facts({ image: 'postgres:16', volumes: ['./init.sql:/docker-entrypoint-initdb.d/init.sql'] }), 'portal', root);
    assert.deepEqual(found.settings.databases, ['kept_db']);
    const notes = found.notes.join('\n');
    assert.match(notes, /init\.sql: database weird;name: not a name the answers take/);
    assert.doesNotMatch(notes, /NAME"|fake|no_db|PERFORM|END/);
  });
  it('tuning over the bound the postgres.settings answer takes goes to the report, not the answers', () => {
    const root = folder('initdb-tuning', { 'init.sql': "ALTER SYSTEM SET max_connections = 100000;\nALTER SYSTEM SET work_mem = '16MB';\n" });
    const found = postgresFromFacts(
      facts({ image: 'postgres:16', volumes: ['./init.sql:/docker-entrypoint-initdb.d/init.sql'], command: 'postgres -c max_parallel_workers=5000' }),
      'portal',
      root,
    );
    assert.deepEqual(found.settings.settings, { work_mem: '16MB' });
    const notes = found.notes.join('\n');
    assert.match(notes, /ALTER SYSTEM SET max_connections: the value is over 10000/);
    assert.match(notes, /postgres -c max_parallel_workers=5000: the value is over 1024/);
    assert.throws(() => validatePostgres({ settings: { max_connections: 100000 } }, 'portal'), /max_connections=100000/);
    assert.deepEqual(validatePostgres({ settings: { max_connections: 10000 } }, 'portal'), { settings: { max_connections: '10000' } });
  });
  it('an init folder outside the deployment is only "not read", never "carried as answers"', () => {
    const root = folder('initdb-outside-map', {});
    const compose: LoadedCompose = {
      services: new Map(
        Object.entries({
          db: { image: 'postgis/postgis:16-3.4', volumes: ['../shared/initdb:/docker-entrypoint-initdb.d'] },
          api: { image: 'acme/api:1.0', expose: [80] },
        }),
      ),
      volumes: {},
      networks: {},
      secrets: {},
      unset: [],
      format: 'spec',
      files: [],
      root,
    };
    const notes = mapDeployment(compose, { folderName: 'x', reservedNames: new Set<string>() }).report.notExpressed.join('\n');
    assert.match(notes, /init scripts \.\.\/shared\/initdb: not read/);
    assert.doesNotMatch(notes, /carried as answers/);
  });
  it('more than 20 databases: the first 20 kept, the rest named', () => {
    const names = Array.from({ length: 23 }, (_, i) => `db${i + 1}`);
    const root = folder('initdb-many', { 'init.sql': names.map(n => `CREATE DATABASE ${n};`).join('\n') });
    const found = postgresFromFacts(facts({ image: 'postgres:16', volumes: ['./init.sql:/docker-entrypoint-initdb.d/init.sql'] }), 'portal', root);
    assert.equal(found.settings.databases?.length, 20);
    assert.match(found.notes.join(), /extra databases db21, db22, db23: the answers take at most 20 extra databases; the first 20 were kept/);
  });
});

describe('import: nothing capped in silence', () => {
  const compose = (services: Record<string, Record<string, unknown>>): LoadedCompose => ({
    services: new Map(Object.entries(services)),
    volumes: {},
    networks: {},
    secrets: {},
    unset: [],
    format: 'spec',
    files: [],
  });
  const options = { folderName: 'x', reservedNames: new Set<string>() };
  it('a port range stays one whole range in the facts and the report', () => {
    const f = facts({ image: 'acme/rtp:1.0', ports: ['8000-8100:8000-8100', '127.0.0.1:9000-9002:9000-9002/udp', '7000-7001'] });
    assert.deepEqual(f.ports, [
      { container: 8000, last: 8100, published: '8000-8100' },
      { container: 9000, last: 9002, published: '9000-9002', hostIp: '127.0.0.1', protocol: 'udp' },
      { container: 7000, last: 7001 },
    ]);
    const { answers, report } = mapDeployment(compose({ rtp: { image: 'acme/rtp:1.0', ports: ['8000-8100:8000-8100', '7000-7001'] } }), options);
    assert.equal(answers.backendPort, 8000);
    assert.ok(
      report.notExpressed.includes(
        'rtp: published ports 8000-8100->8000-8100 on every address: only the edge publishes; dev reaches 8000 on 127.0.0.1 (docker-compose.override.yml)',
      ),
    );
    assert.ok(report.notExpressed.includes('rtp: container ports 8000-8100: an app answers on one port; 8000 was carried as its port, 8001-8100 were not'));
    assert.ok(report.notExpressed.includes('rtp: container ports 7000-7001: an app answers on one port; none of them was carried (its port is 8000)'));
  });
  it('a UDP port is not the app port nor its TCP probe: the TCP one is, and the report names the UDP one', () => {
    const { answers, report } = mapDeployment(compose({ worker: { image: 'acme/worker:1.0', ports: ['5000:5000/udp', '6000'] } }), options);
    assert.equal(answers.backendPort, 6000);
    assert.equal((answers.backendContract as { health: string }).health, 'tcp:6000');
    assert.ok(
      report.notExpressed.includes(
        'worker: udp port 5000->5000/udp: not carried; the answers take one TCP port an app (its probe, routes and dev publishing are TCP), so publish it by hand in a compose override',
      ),
    );
  });
  it('a service whose only port is UDP is refused naming it, not probed over TCP', () => {
    assert.throws(
      () => mapDeployment(compose({ worker: { image: 'acme/worker:1.0', ports: ['5000:5000/udp'] } }), options),
      /^PortalInputError: Invalid service "worker": no TCP port \(its 5000\/udp cannot be an app's port: the answers take one TCP port, probed over TCP\)/,
    );
  });
  it('invalid port ranges are refused naming the service and the spec', () => {
    for (const [spec, why] of [
      ['8000-8001:9000-9005', 'it maps 2 host ports to 6 container ports; give both ranges the same size'],
      ['8010-8000:9000-9010', 'the range "8010-8000" ends before it starts'],
      ['8000-8000000:1', '"8000-8000000" is no port; use 1 to 65535'],
      ['8000:70000', '"70000" is no port'],
    ]) {
      assert.throws(
        () => facts({ image: 'acme/x:1', ports: [spec] }),
        { message: new RegExp(`^Invalid ports of service "old": "${spec}": ${why}`.replace(/[()]/g, '\\$&')) },
        spec,
      );
    }
    // a host range for one container port is compose's pool of host ports: valid
    assert.equal(facts({ image: 'acme/x:1', ports: ['8000-8010:80'] }).ports[0]!.container, 80);
  });
  it('a healthcheck too long for the answers is named as such, not as a missing one', () => {
    const { report } = mapDeployment(
      compose({ api: { image: 'acme/api:1.0', expose: [80], healthcheck: { test: ['CMD-SHELL', `test -f /ok ${'&& true '.repeat(40)}`] } } }),
      options,
    );
    assert.match(report.notExpressed.join('\n'), /^api: its healthcheck is not one the answers take \(over 256 characters/m);
    assert.doesNotMatch(report.notExpressed.join('\n'), /api: had no healthcheck/);
  });
  it('more than 20 routes of one app: the first 20 kept, the rest named', () => {
    const labels: Record<string, string> = { 'traefik.http.services.api.loadbalancer.server.port': '80' };
    for (let i = 1; i <= 23; i += 1) labels[`traefik.http.routers.r${i}.rule`] = `Host(\`example.org\`) && PathPrefix(\`/p${i}\`)`;
    const { answers, report } = mapDeployment(
      compose({
        web: { image: 'acme/web:1.0', expose: [80], labels: { 'traefik.http.routers.web.rule': 'Host(`example.org`)' } },
        api: { image: 'acme/api:1.0', labels },
      }),
      options,
    );
    const api = (answers.apps as { id: string; routes?: unknown[] }[]).find(app => app.id === 'api')!;
    assert.equal(api.routes?.length, 20);
    assert.match(report.notExpressed.join('\n'), /^api: routes \/p\d+\/, \/p\d+\/, \/p\d+\/: an app takes at most 20 routes; the first 20 were kept/m);
  });
});
