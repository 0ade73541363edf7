/** A PostgreSQL cluster of this machine's packages, on a unix socket in a temporary folder, for one check. */
import { chmodSync, chownSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './namespace.js';
import { firstLines, runTool, type ToolRun } from '../checks/run-tool.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
export const SUPERUSER_PASSWORD = 'verify-password';

export interface ThrowawayPostgres {
  /** libpq's variables for the superuser `postgres`. */
  readonly env: NodeJS.ProcessEnv;
  /** psql with ON_ERROR_STOP, no psqlrc, quiet, and the given arguments. */
  readonly psql: (args: readonly string[], env?: NodeJS.ProcessEnv) => Promise<ToolRun>;
}

/** Starts the cluster (as the postgres user: needs root), runs `use`, stops and removes it; a string is a failure to start. */
export async function withThrowawayPostgres<T>(use: (pg: ThrowawayPostgres) => Promise<T>): Promise<T | string> {
  const work = tempDir('pg');
  chmodSync(work, 0o755);
  const uid = Number((await runTool('id', ['-u', 'postgres'])).stdout.trim());
  mkdirSync(join(work, 'sock'));
  writeFileSync(join(work, 'pw'), `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
  for (const path of [work, join(work, 'sock'), join(work, 'pw')]) chownSync(path, uid, uid);
  const asPostgres = (command: string, args: string[]) => runTool('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args]);
  try {
    const init = await asPostgres('initdb', [
      '-D',
      join(work, 'data'),
      '-U',
      'postgres',
      '--auth=scram-sha-256',
      `--pwfile=${join(work, 'pw')}`,
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      // a cluster that lives for one check: nothing needs to reach the disk (seconds of fsync otherwise)
      '--no-sync',
    ]);
    if (init.code !== 0) return `initdb: ${firstLines(init.output)}`;
    const port = String(55000 + (process.pid % 400));
    const start = await asPostgres('pg_ctl', [
      '-D',
      join(work, 'data'),
      '-l',
      join(work, 'log'),
      '-w',
      '-o',
      `-c listen_addresses='' -k ${join(work, 'sock')} -p ${port} -c fsync=off`,
      'start',
    ]);
    if (start.code !== 0) return `pg_ctl start: ${firstLines(start.output)}`;
    try {
      const env = { ...process.env, PGHOST: join(work, 'sock'), PGPORT: port, PGPASSWORD: SUPERUSER_PASSWORD, PGUSER: 'postgres' };
      return await use({ env, psql: (args, own = env) => runTool('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', ...args], { env: own }) });
    } finally {
      await asPostgres('pg_ctl', ['-D', join(work, 'data'), '-m', 'immediate', 'stop']);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
