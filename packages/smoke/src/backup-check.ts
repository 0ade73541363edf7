/**
 * backup.sh against the live stack, then restore.sh: the dump goes into a fresh database and each file
 * archive back into its emptied volume; row counts of every table and checksums of every file must match
 * what was there when the backup ran.
 */
import { createHash } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { runEnv } from './env-file.js';
import type { Report, RunningStack } from './stack.js';
import { firstLines, runTool } from '@generator-portal/verifier/checks/run-tool.js';

const RESTORED_DB = 'smoke_restore';
const SEED_ROWS = 1000;

/** Row count of every user table, `schema.table|count` sorted, from the db container. */
async function rowCounts(stack: RunningStack, database: string): Promise<Map<string, number>> {
  const sql =
    "SELECT format('SELECT %L || ''|'' || count(*) FROM %I.%I', schemaname || '.' || relname, schemaname, relname) FROM pg_stat_user_tables ORDER BY 1 \\gexec\n";
  const run = await stack.exec('db', ['sh', '-c', `psql -X -At -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d ${database}`], { input: sql });
  if (run.code !== 0) throw new Error(`counting rows in ${database}: ${firstLines(run.output)}`);
  return new Map(
    run.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map(line => {
        const [table, count] = line.split('|');
        return [table!, Number(count)];
      }),
  );
}

/** sha256 of every file under a folder, by relative path. */
function checksums(folder: string): Map<string, string> {
  const sums = new Map<string, string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) sums.set(relative(folder, path), createHash('sha256').update(readFileSync(path)).digest('hex'));
    }
  };
  walk(folder);
  return sums;
}

const differences = (before: Map<string, unknown>, after: Map<string, unknown>): string[] =>
  [...new Set([...before.keys(), ...after.keys()])]
    .sort()
    .filter(k => before.get(k) !== after.get(k))
    .map(k => `${k}: ${before.get(k) ?? 'absent'} -> ${after.get(k) ?? 'absent'}`);

/** The file storage items backup.sh archives (its FILE_ITEMS line). */
const fileItems = (script: string): string[] => (/^FILE_ITEMS=\(([^)]*)\)/m.exec(script)?.[1] ?? '').split(/\s+/).filter(Boolean);

/**
 * The generated scripts' environment: the copy's .env decides (runEnv), and docker and docker-compose talk
 * to the run's engine. The scripts' compose files are the repo's own: exec and volumes need no stand-in.
 */
const scriptEnv = (stack: RunningStack, work: string): NodeJS.ProcessEnv => stack.engine.env(runEnv(work));

/** The newest `<name>-<UTC stamp>…` file: `media-` must not match `media-cache-`. */
const newest = (folder: string, name: string): string | undefined =>
  existsSync(folder)
    ? readdirSync(folder)
        .filter(f => f.startsWith(`${name}-`) && /^\d{8}T\d{6}Z/.test(f.slice(name.length + 1)))
        .sort()
        .map(f => join(folder, f))
        .at(-1)
    : undefined;

/**
 * Volumes the app's containers write to: user data, which the backup must archive. Static files are left
 * out: collectstatic writes them again from the image.
 */
const appDataVolumes = (stack: RunningStack): string[] =>
  [
    ...new Set(
      stack.stack.services
        .filter(s => s.build)
        .flatMap(s =>
          s.volumes.flatMap(v => {
            const [source, target, mode = 'rw'] = v.split(':');
            return stack.stack.volumes.includes(source!) && !mode.split(',').includes('ro') && !target!.endsWith('/static') ? [source!] : [];
          }),
        ),
    ),
  ].sort();

export async function backupRoundTrip(stack: RunningStack, repo: string, work: string, report: Report): Promise<void> {
  if (!existsSync(join(repo, 'scripts', 'backup.sh'))) return report.note('no scripts/backup.sh: backup not checked');
  if (!(await stack.running('db'))) return report.note('no db service running: backup not checked');
  const env = scriptEnv(stack, work);
  const volumes = new Map<string, string>();
  for (const volume of stack.stack.volumes) volumes.set(volume, await stack.volume(volume));
  const volumeOf = (name: string) => volumes.get(name) ?? '';
  const database = (await stack.exec('db', ['sh', '-c', 'echo "$POSTGRES_DB"'])).stdout.trim();
  const seeded = await stack.exec('db', [
    'sh',
    '-c',
    `psql -X -q -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "CREATE TABLE smoke_rows AS SELECT g AS id, md5(g::text) AS payload FROM generate_series(1, ${SEED_ROWS}) g"`,
  ]);
  if (seeded.code !== 0) return report.fail('backup: seeding the database', firstLines(seeded.output));
  const items = fileItems(readFileSync(join(repo, 'scripts', 'backup.sh'), 'utf8'));
  const unknown = items.filter(item => !stack.stack.volumes.includes(item));
  if (unknown.length > 0) report.fail('backup.sh archives known volumes', `FILE_ITEMS names no compose volume: ${unknown.join(', ')}`);
  const unsaved = appDataVolumes(stack).filter(volume => !items.includes(volume));
  if (unsaved.length > 0) report.fail('backup.sh archives every volume the app writes to', `not in FILE_ITEMS: ${unsaved.join(', ')}`);
  for (const item of items) {
    const folder = volumeOf(item);
    if (!existsSync(folder)) continue;
    const { uid, gid } = statSync(folder);
    mkdirSync(join(folder, 'smoke', 'nested'), { recursive: true });
    for (const [i, path] of ['smoke/a.bin', 'smoke/nested/b.txt', 'smoke-top.txt'].entries()) {
      writeFileSync(
        join(folder, path),
        createHash('sha256')
          .update(`${item}-${i}`)
          .digest('hex')
          .repeat(200 * (i + 1)),
      );
    }
    for (const path of ['smoke', 'smoke/nested', 'smoke/a.bin', 'smoke/nested/b.txt', 'smoke-top.txt']) chownSync(join(folder, path), uid, gid);
  }
  const countsBefore = await rowCounts(stack, database);
  const sumsBefore = new Map(items.filter(i => existsSync(volumeOf(i))).map(i => [i, checksums(volumeOf(i))]));

  const backup = await runTool('bash', ['scripts/backup.sh'], { cwd: repo, env, timeoutMs: 120_000 });
  if (backup.code !== 0) return report.fail('backup.sh against the live stack', firstLines(backup.output));
  const dump = newest(join(repo, 'backups', 'db'), database);
  if (!dump) return report.fail('backup.sh against the live stack', `no dump in backups/db:\n${firstLines(backup.output)}`);
  report.ok(`backup.sh: ${relative(repo, dump)} (${statSync(dump).size} bytes) and ${items.length} file archive(s)`);

  const restore = await runTool('bash', ['scripts/restore.sh', 'db', dump, '--target-db', RESTORED_DB, '--yes'], { cwd: repo, env, timeoutMs: 120_000 });
  if (restore.code !== 0) return report.fail('restore.sh db into a fresh database', firstLines(restore.output));
  const countsAfter = await rowCounts(stack, RESTORED_DB);
  const rowDiff = differences(countsBefore, countsAfter);
  if (countsBefore.get('public.smoke_rows') !== SEED_ROWS) report.fail('row counts', `the seeded table was not counted: ${[...countsBefore].join(', ')}`);
  else if (rowDiff.length > 0) report.fail(`restore.sh db into ${RESTORED_DB}: row counts differ`, rowDiff.join('\n'));
  else
    report.ok(`restore.sh db into ${RESTORED_DB}: ${countsAfter.size} tables, same row counts (${[...countsAfter.values()].reduce((a, b) => a + b, 0)} rows)`);

  for (const [item, before] of sumsBefore) {
    const archive = newest(join(repo, 'backups', 'files'), item);
    if (!archive) {
      report.fail(`backup of files in ${item}`, 'backup.sh wrote no archive for it');
      continue;
    }
    // lose the data: the restore must bring back every file and drop what was not in the backup
    const folder = volumeOf(item);
    for (const entry of readdirSync(folder)) rmSync(join(folder, entry), { recursive: true, force: true });
    writeFileSync(join(folder, 'stray-after-backup.txt'), 'not in the backup');
    const put = await runTool('bash', ['scripts/restore.sh', 'files', item, archive, '--yes'], { cwd: repo, env, timeoutMs: 120_000 });
    if (put.code !== 0) {
      report.fail(`restore.sh files ${item}`, firstLines(put.output));
      continue;
    }
    const fileDiff = differences(before, checksums(folder));
    if (fileDiff.length > 0) report.fail(`restore.sh files ${item}: files differ`, fileDiff.slice(0, 10).join('\n'));
    else report.ok(`restore.sh files ${item}: ${before.size} files, same checksums`);
  }
}
