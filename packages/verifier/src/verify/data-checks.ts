/** Boots the real servers with the generated configs: PostgreSQL+PostGIS init files, Redis, RabbitMQ. */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failed, passed, skipped, type Check } from '../checks/check.js';
import { tempDir } from './namespace.js';
import { SUPERUSER_PASSWORD, withThrowawayPostgres } from './throwaway-postgres.js';
import { firstLines, runTool } from '../checks/run-tool.js';
import { isRoot, missing, tool } from '../checks/tools.js';

/** Runs postgres/initdb/* in order, as the postgres image does, against a throwaway cluster on a unix socket. */
export const postgresInitCheck: Check = {
  name: 'PostgreSQL + PostGIS init files',
  slow: true,
  applies: repo => existsSync(join(repo, 'postgres', 'initdb')),
  async run(repo) {
    if (!tool('initdb')) return skipped(this.name, missing('initdb'));
    if (!isRoot()) return skipped(this.name, 'needs root to run the cluster as the postgres user');
    const outcome = await withThrowawayPostgres(async ({ env, psql }) => {
      // the image creates POSTGRES_USER as owner of POSTGRES_DB, then runs the files as that user
      const setup = await psql([
        '-d',
        'postgres',
        '-c',
        `CREATE ROLE portal LOGIN SUPERUSER PASSWORD '${SUPERUSER_PASSWORD}'`,
        '-c',
        'CREATE DATABASE portal OWNER portal',
      ]);
      if (setup.code !== 0) return firstLines(setup.output);
      const asOwner = { ...env, PGUSER: 'portal', PGDATABASE: 'portal', POSTGRES_USER: 'portal', POSTGRES_DB: 'portal' };
      const roleEnv = roleVariables(repo);
      for (const file of readdirSync(join(repo, 'postgres', 'initdb')).sort()) {
        const path = join(repo, 'postgres', 'initdb', file);
        const run = file.endsWith('.sql') ? await psql(['-f', path], asOwner) : await runTool('bash', [path], { env: { ...asOwner, ...roleEnv } });
        if (run.code !== 0) return `${file}: ${firstLines(run.output)}`;
      }
      const postgis = await runTool('psql', ['-X', '-At', '-c', 'SELECT postgis_lib_version()'], { env: asOwner });
      if (postgis.code !== 0) return postgis.output;
      const leak = existsSync(join(repo, 'postgres', 'initdb', '03-demo-layer.sql')) ? await tileserverLeak(asOwner) : '';
      return leak || { version: postgis.stdout.trim() };
    });
    return typeof outcome === 'string' ? failed(this.name, outcome) : passed(this.name, `PostGIS ${outcome.version}`);
  },
};

/** The passwords a check gives the portal's roles (tileserver, exporter, grafana). */
export const ROLE_PASSWORDS: Readonly<Record<string, string>> = { tileserver: 'verify-tiles', exporter: 'verify-exporter', grafana: 'verify-grafana' };

/** A password for every variable 02-roles.sh reads (`read_secret NAME`), whichever services asked for roles. */
function roleVariables(repo: string): Record<string, string> {
  const script = join(repo, 'postgres', 'initdb', '02-roles.sh');
  const names = existsSync(script) ? [...readFileSync(script, 'utf8').matchAll(/\$\(read_secret (\w+)\)/g)].map(m => m[1]!) : [];
  return Object.fromEntries(
    names.map(name => {
      const role = name.replace(/_DB_PASSWORD$/, '').toLowerCase();
      return [name, ROLE_PASSWORDS[role] ?? `verify-${role}`];
    }),
  );
}

/**
 * The tileserver publishes whatever it can read: it must read the layers in `tiles`, including ones added
 * later, and nothing of the app's tables. Returns what is wrong, or ''.
 */
export async function tileserverLeak(asOwner: NodeJS.ProcessEnv): Promise<string> {
  const later = await runTool(
    'psql',
    ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'CREATE TABLE public.app_users (id int, password text)', '-c', 'CREATE TABLE tiles.later_layer (id int)'],
    { env: asOwner },
  );
  if (later.code !== 0) return `creating app tables: ${firstLines(later.output)}`;
  const asTiles = { ...asOwner, PGUSER: 'tileserver', PGPASSWORD: ROLE_PASSWORDS.tileserver };
  const read = (table: string) => runTool('psql', ['-X', '-At', '-c', `SELECT count(*) FROM ${table}`], { env: asTiles });
  for (const table of ['tiles.demo_places', 'tiles.later_layer']) {
    const run = await read(table);
    if (run.code !== 0) return `the tileserver role cannot read ${table}: ${firstLines(run.output)}`;
  }
  const app = await read('public.app_users');
  return app.code === 0 ? "the tileserver role reads public.app_users: the app's tables would be published as tiles" : '';
}

/** redis-server must accept redis.conf and then refuse clients without the password. */
export const redisCheck: Check = {
  name: 'redis-server accepts redis.conf',
  applies: repo => existsSync(join(repo, 'redis', 'redis.conf')),
  async run(repo) {
    const server = tool('redis-server');
    if (!server) return skipped(this.name, missing('redis-server'));
    const work = tempDir('redis');
    const socket = join(work, 'sock');
    const args = [
      join(repo, 'redis', 'redis.conf'),
      '--port',
      '0',
      '--unixsocket',
      socket,
      '--dir',
      work,
      '--daemonize',
      'yes',
      '--pidfile',
      join(work, 'pid'),
      '--logfile',
      join(work, 'log'),
      '--requirepass',
      'verify-password',
    ];
    const start = await runTool(server, args);
    if (start.code !== 0) return failed(this.name, firstLines(start.output));
    try {
      for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise(resolve => setTimeout(resolve, 100));
      const anonymous = await runTool('redis-cli', ['-s', socket, 'ping']);
      const authed = await runTool('redis-cli', ['-s', socket, 'ping'], { env: { ...process.env, REDISCLI_AUTH: 'verify-password' } });
      if (!anonymous.output.includes('NOAUTH')) return failed(this.name, `unauthenticated PING was not refused: ${anonymous.output}`);
      if (authed.stdout.trim() !== 'PONG') return failed(this.name, `PING with the password failed: ${authed.output}`);
      return passed(this.name);
    } finally {
      await runTool('redis-cli', ['-s', socket, 'shutdown', 'nosave'], { env: { ...process.env, REDISCLI_AUTH: 'verify-password' } });
      rmSync(work, { recursive: true, force: true });
    }
  },
};

/** Boots rabbitmq-server with rabbitmq.conf and the enabled plugins, on loopback ports, and waits for it. */
export const rabbitmqCheck: Check = {
  name: 'rabbitmq-server accepts rabbitmq.conf',
  slow: true,
  applies: repo => existsSync(join(repo, 'rabbitmq', 'rabbitmq.conf')),
  async run(repo) {
    const server = tool('rabbitmq-server');
    if (!server) return skipped(this.name, missing('rabbitmq-server'));
    const work = tempDir('rabbitmq');
    const node = `verify${process.pid}@localhost`;
    // ports of this process only: test files run in parallel, each may boot a node
    const base = 30000 + (process.pid % 2000) * 10;
    const [amqp, management, prometheus, dist, epmd] = [0, 1, 2, 3, 4].map(offset => String(base + offset));
    // loopback overrides appended after the generated file: the last duplicate key wins
    const overrides = [
      `listeners.tcp.default = 127.0.0.1:${amqp}`,
      'management.tcp.ip = 127.0.0.1',
      `management.tcp.port = ${management}`,
      'prometheus.tcp.ip = 127.0.0.1',
      `prometheus.tcp.port = ${prometheus}`,
    ];
    writeFileSync(join(work, 'test.conf'), `${readFileSync(join(repo, 'rabbitmq', 'rabbitmq.conf'), 'utf8')}\n${overrides.join('\n')}\n`);
    const erlArgs = '-kernel inet_dist_use_interface {127,0,0,1}';
    const env = {
      ...process.env,
      HOME: work,
      RABBITMQ_CONFIG_FILE: join(work, 'test.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: join(repo, 'rabbitmq', 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: join(work, 'mnesia'),
      RABBITMQ_LOG_BASE: join(work, 'log'),
      RABBITMQ_NODENAME: node,
      RABBITMQ_PID_FILE: join(work, 'pid'),
      RABBITMQ_DIST_PORT: dist,
      ERL_EPMD_ADDRESS: '127.0.0.1',
      ERL_EPMD_PORT: epmd,
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: erlArgs,
      RABBITMQ_CTL_ERL_ARGS: erlArgs,
    };
    const waiting = new AbortController();
    const ctl = (args: string[], signal?: AbortSignal) =>
      runTool('/usr/lib/rabbitmq/bin/rabbitmqctl', ['-n', node, ...args], { env, timeoutMs: 90_000, ...(signal ? { signal } : {}) });
    const booting = runTool(server, [], { env, timeoutMs: 120_000 });
    try {
      // a bad config makes the server exit (even with status 0): stop waiting as soon as it does
      const first = await Promise.race([
        ctl(['wait', join(work, 'pid'), '--timeout', '80'], waiting.signal).then(run => ({ kind: 'wait' as const, run })),
        booting.then(run => ({ kind: 'exited' as const, run })),
      ]);
      if (first.kind === 'exited') return failed(this.name, `rabbitmq-server exited: ${firstLines(first.run.output)}`);
      const log = (await Promise.race([booting, new Promise<undefined>(resolve => setTimeout(resolve, 100))]))?.output ?? '';
      if (first.run.code !== 0 || log.includes('Error preparing configuration')) return failed(this.name, firstLines(`${first.run.output}\n${log}`));
      return passed(this.name);
    } finally {
      waiting.abort();
      await ctl(['stop']);
      await booting;
      // the node started its own epmd on our port: stop that one only
      await runTool('epmd', ['-port', epmd!, '-kill'], { env });
      rmSync(work, { recursive: true, force: true });
    }
  },
};
