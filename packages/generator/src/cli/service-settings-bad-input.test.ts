/**
 * Bad values of the service settings (alternatives, PgBouncer port, pool mode and client logins, Grafana's
 * PostgreSQL data source): exit 2, one line naming the value and what is allowed, the folder untouched.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { refusalProblems } from '../testing/refusal.js';
import { BIN } from '../testing/bin.js';

const files = freshFolder('answers');
const answersFile = (name: string, answers: object): string => {
  const path = join(files, name);
  writeFileSync(path, JSON.stringify(answers));
  return path;
};

const CASES: readonly { readonly args: readonly string[]; readonly message: RegExp }[] = [
  {
    args: ['--services', 'postgis,kafka', '--alternatives', 'redis'],
    message: /^portal: Invalid --alternatives "redis": expected one of the chosen --services \(postgis, kafka\)/,
  },
  {
    args: ['--services', 'postgis,redis,nginx', '--alternatives', 'redis'],
    message: /Invalid --alternatives "redis": expected a service that can be kept aside \(none of the chosen ones\)/,
  },
  {
    args: ['--services', 'postgis,redis,kafka', '--alternatives', 'postgis'],
    message: /Invalid --alternatives "postgis": expected a service that can be kept aside \(kafka\)/,
  },
  { args: ['--services', 'postgis,kafka', '--alternatives', 'kafka,kafka'], message: /Invalid --alternatives "kafka,kafka": expected each service once/ },
  {
    args: ['--answers', answersFile('alternatives-number.json', { services: ['kafka'], alternatives: [7] })],
    message: /Invalid (--alternatives|--answers).*(7|alternatives)/,
  },
  {
    args: ['--services', 'postgis,pgbouncer', '--pgbouncer-port', '80'],
    message: /Invalid --pgbouncer-port "80": expected the port apps dial PgBouncer on, 1024 to 65535 .*non-root user/,
  },
  {
    args: ['--services', 'postgis,pgbouncer', '--pgbouncer-port', '6432x'],
    message: /Invalid --pgbouncer-port "6432x": expected the port apps dial PgBouncer on/,
  },
  { args: ['--services', 'postgis,pgbouncer', '--pgbouncer-port', '70000'], message: /Invalid --pgbouncer-port "70000"/ },
  {
    args: ['--services', 'postgis,pgbouncer', '--pgbouncer-pool-mode', 'pooled'],
    message: /Invalid --pgbouncer-pool-mode "pooled": expected one of: session, transaction, statement/,
  },
  {
    args: ['--services', 'postgis,pgbouncer', '--pgbouncer-client-auth', 'plain'],
    message: /Invalid --pgbouncer-client-auth "plain": expected one of: scram-sha-256, md5/,
  },
  {
    args: ['--services', 'postgis,nginx', '--pgbouncer-port', '6432'],
    message: /Invalid --pgbouncer-port "6432": expected it only with the pgbouncer service/,
  },
  {
    args: ['--services', 'postgis,nginx', '--pgbouncer-pool-mode', 'transaction'],
    message: /Invalid --pgbouncer-pool-mode "transaction": expected it only with the pgbouncer service/,
  },
  {
    args: ['--services', 'postgis,grafana', '--grafana-postgres', 'readwrite'],
    message: /Invalid --grafana-postgres "readwrite": expected one of: off, readonly, owner/,
  },
  {
    args: ['--services', 'redis,grafana', '--grafana-postgres', 'readonly'],
    message: /Invalid --grafana-postgres "readonly": expected it only with the grafana and postgis services/,
  },
  {
    args: ['--services', 'postgis,grafana', '--grafana-postgres', 'readonly', '--grafana-postgres-uid', 'a b'],
    message: /Invalid --grafana-postgres-uid "a b": expected the uid the dashboards give the data source/,
  },
  {
    args: ['--services', 'postgis,grafana', '--grafana-postgres-uid', 'zNqkUPk4k'],
    message: /Invalid --grafana-postgres-uid "zNqkUPk4k": expected it only with --grafana-postgres readonly or owner/,
  },
  {
    args: ['--answers', answersFile('port-bool.json', { services: ['postgis', 'pgbouncer'], pgbouncerPort: true })],
    message: /Invalid (--pgbouncer-port|--answers).*(true|pgbouncerPort)/,
  },
];

function runPortal(args: readonly string[], cwd: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [BIN, '--yes', ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' });
    let stderr = '';
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('close', code => resolve({ code, stderr }));
  });
}

describe('bad service settings', () => {
  let portal = '';
  before(async () => {
    portal = await generate({});
  });

  it(`has at least 15 cases (${CASES.length})`, () => assert.ok(CASES.length >= 15));

  it('each case, in an empty folder and in a portal: exit 2, one line naming the culprit, folder untouched', async () => {
    const failures: string[] = [];
    const runs = CASES.flatMap(next => (['empty', 'repo'] as const).map(where => ({ ...next, where })));
    const worker = async () => {
      for (let next = runs.shift(); next; next = runs.shift()) {
        const folder = freshFolder('dest');
        if (next.where === 'repo') cpSync(portal, folder, { recursive: true, verbatimSymlinks: true });
        const before = treeHash(folder);
        const result = await runPortal(next.args, folder);
        const label = `[${next.where}] portal ${next.args.join(' ')}`;
        failures.push(...refusalProblems(label, result, next.message, treeHash(folder) !== before));
      }
    };
    await Promise.all(Array.from({ length: 2 }, worker));
    assert.deepEqual(failures, []);
  });
});
