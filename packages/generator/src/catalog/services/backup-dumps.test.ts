/**
 * The backups of the roles and of every database, against a real PostgreSQL (Debian's, a throwaway cluster
 * on a unix socket, as src/verify/data-checks.ts boots it): the backup container's schedule decides as cron
 * does, its rotations keep what they say, and scripts/backup.sh then scripts/restore.sh bring back lost
 * roles, a lost extra database and the deployment's own, row for row. Needs root and PostgreSQL; skipped
 * otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freshFolder, generate } from '../../testing/generate.js';

const PG_BIN = '/usr/lib/postgresql/15/bin';
const DB = 'city';
const PASSWORD = 'backup-test-password';
const canRun = process.getuid?.() === 0 && existsSync(join(PG_BIN, 'initdb'));

const sh = (script: string, env: NodeJS.ProcessEnv = {}, input?: string): SpawnSyncReturns<string> =>
  spawnSync('bash', ['-c', script], { encoding: 'utf8', env: { ...process.env, ...env }, input, timeout: 60_000 });
const ok = (run: SpawnSyncReturns<string>, what: string): string => {
  assert.equal(run.status, 0, `${what}: ${run.stdout}\n${run.stderr}`);
  return run.stdout;
};

/** `date` answering the formats the backup loop asks for from FAKE_* variables. */
const FAKE_DATE = `#!/bin/sh
case "$*" in
  *%a*) echo "$FAKE_DAY" ;;
  *%Y%m%d*) echo "$FAKE_STAMP" ;;
  *%w*) echo "$FAKE_NOW" ;;
  *) echo 00 ;;
esac
`;

/** `docker`: the engine answers (lib.sh asks `docker version`), no compose v2; `docker-compose ... exec -T db CMD...` runs CMD here, against the cluster. */
const FAKE_DOCKER = '#!/bin/sh\n[ "$1" = version ] && exit 0\nexit 1\n';
const FAKE_COMPOSE = `#!/bin/sh
while [ $# -gt 0 ] && [ "$1" != exec ]; do shift; done
[ "$1" = exec ] || { echo "stand-in docker-compose: only exec" >&2; exit 1; }
shift
[ "$1" = -T ] && shift
shift
exec "$@"
`;

describe('backups of the roles and every database (real PostgreSQL)', { skip: canRun ? false : 'needs root and PostgreSQL 15 (initdb)' }, () => {
  let repo = '';
  let work = '';
  let env: NodeJS.ProcessEnv = {};
  let loop = '';

  const psql = (database: string, sql: string) => ok(sh(`psql -X -At -v ON_ERROR_STOP=1 -d ${database}`, env, sql), sql).trim();

  before(async () => {
    const answers = join(freshFolder('pg-answers'), 'answers.json');
    writeFileSync(
      answers,
      JSON.stringify({
        name: 'city',
        backend: 'image',
        backendImage: 'acme/api:1.0.0',
        services: ['postgis', 'backup'],
        postgres: { databases: ['analytics'], templates: ['template_gis'], extensions: ['postgis', 'hstore'] },
        backups: { schedule: '*/15 9-17 * * 1-5', rotation: 'count', keep: 2 },
      }),
    );
    repo = await generate({ answers });
    // a folder the postgres user can reach (the test folders are private to root)
    work = mkdtempSync('/tmp/portal-pg-backup-');
    chmodSync(work, 0o755);
    const uid = Number(ok(sh('id -u postgres'), 'postgres user').trim());
    mkdirSync(join(work, 'sock'));
    writeFileSync(join(work, 'pw'), `${PASSWORD}\n`);
    for (const path of [work, join(work, 'sock'), join(work, 'pw')]) chownSync(path, uid, uid);
    const asPostgres = (command: string) => ok(sh(`runuser -u postgres -- ${PG_BIN}/${command}`), command);
    asPostgres(`initdb -D ${work}/data -U ${DB} --auth=scram-sha-256 --pwfile=${work}/pw -E UTF8 --locale=C.UTF-8`);
    const port = String(56000 + (process.pid % 400));
    asPostgres(`pg_ctl -D ${work}/data -l ${work}/log -w -o "-c listen_addresses='' -k ${work}/sock -p ${port}" start`);
    // as the image does: POSTGRES_USER is the superuser and owns POSTGRES_DB; the init files run as it
    env = { PGHOST: join(work, 'sock'), PGPORT: port, PGUSER: DB, PGPASSWORD: PASSWORD, POSTGRES_USER: DB, POSTGRES_DB: DB };
    psql('postgres', `CREATE DATABASE ${DB};`);
    for (const file of readdirSync(join(repo, 'postgres', 'initdb')).sort()) {
      ok(sh(`psql -X -q -v ON_ERROR_STOP=1 -d ${DB} -f ${join(repo, 'postgres', 'initdb', file)}`, env), file);
    }
    const bin = join(work, 'bin');
    mkdirSync(bin);
    for (const [name, text] of [
      ['date', FAKE_DATE],
      ['docker', FAKE_DOCKER],
      ['docker-compose', FAKE_COMPOSE],
    ] as const)
      writeFileSync(join(bin, name), text, { mode: 0o755 });
    env = { ...env, PATH: `${bin}:${process.env.PATH}` };
    // the loop's functions, its folder moved here; everything up to its endless loop
    const script = readFileSync(join(repo, 'backup', 'backup-loop.sh'), 'utf8');
    loop = script.slice(0, script.indexOf("trap 'exit 0' TERM INT")).replace('dir=/backups/db', `dir=${work}/dumps`);
  });

  after(() => {
    if (work) spawnSync('runuser', ['-u', 'postgres', '--', join(PG_BIN, 'pg_ctl'), '-D', join(work, 'data'), '-m', 'immediate', 'stop']);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('the init files made the extra database and the template, each with the extensions', () => {
    assert.equal(psql('analytics', "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"), 'hstore,postgis');
    assert.equal(psql('template_gis', "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql'"), 'hstore,postgis');
    assert.equal(psql('postgres', "SELECT datistemplate FROM pg_database WHERE datname = 'template_gis'"), 't');
    assert.match(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), /BACKUP_SCHEDULE: "\*\/15 9-17 \* \* 1-5"/);
  });

  it('the schedule is due exactly when cron would run it (UTC minute, hour, day, month, weekday)', () => {
    const cases: [string, string, boolean][] = [
      ['*/15 9-17 * * 1-5', '45 13 15 06 5', true],
      ['*/15 9-17 * * 1-5', '44 13 15 06 5', false],
      ['*/15 9-17 * * 1-5', '45 18 15 06 5', false],
      ['*/15 9-17 * * 1-5', '45 13 15 06 6', false],
      ['0 3 * * *', '00 03 09 08 0', true],
      ['0 3 * * *', '00 04 09 08 0', false],
      ['0 0 * * 7', '00 00 09 08 0', true],
      ['30 2 1 * 3', '30 02 01 06 0', true],
      ['30 2 1 * 3', '30 02 07 06 3', true],
      ['30 2 1 * 3', '30 02 07 06 4', false],
      ['5/20 * * 2,8 *', '45 10 09 08 0', true],
      ['5/20 * * 2,8 *', '45 10 09 07 0', false],
      ['5/20 * * 2,8 *', '35 10 09 08 0', false],
    ];
    for (const [schedule, now, due] of cases) {
      const run = sh(`${loop}\nif due; then echo due; else echo no; fi`, { ...env, BACKUP_SCHEDULE: schedule, FAKE_NOW: now });
      assert.equal(ok(run, schedule).trim(), due ? 'due' : 'no', `${schedule} at "${now}" (minute hour day month weekday)`);
    }
  });

  it('count rotation keeps the newest BACKUP_KEEP of the roles and of each database; templates are not dumped', () => {
    psql(DB, 'CREATE TABLE parcels AS SELECT g AS id FROM generate_series(1, 100) g;');
    psql('analytics', 'CREATE TABLE visits AS SELECT g AS id FROM generate_series(1, 50) g;');
    for (const stamp of ['20260101T030000Z', '20260102T030000Z', '20260103T030000Z']) {
      ok(
        sh(`${loop}\ndump_all`, { ...env, BACKUP_SCHEDULE: '0 3 * * *', BACKUP_ROTATION: 'count', BACKUP_KEEP: '2', PGDATABASE: DB, FAKE_STAMP: stamp }),
        stamp,
      );
    }
    assert.deepEqual(readdirSync(join(work, 'dumps')).sort(), [
      'analytics-20260102T030000Z.dump',
      'analytics-20260103T030000Z.dump',
      'city-20260102T030000Z.dump',
      'city-20260103T030000Z.dump',
      'globals-20260102T030000Z.sql',
      'globals-20260103T030000Z.sql',
      'postgres-20260102T030000Z.dump',
      'postgres-20260103T030000Z.dump',
    ]);
    // the roles without their passwords
    const globals = readFileSync(join(work, 'dumps', 'globals-20260103T030000Z.sql'), 'utf8');
    assert.match(globals, /^CREATE ROLE city;$/m);
    assert.doesNotMatch(globals, /PASSWORD|SCRAM-SHA-256/);
  });

  it('weekday rotation keeps one slot per day of the week, overwritten a week later', () => {
    rmSync(join(work, 'dumps'), { recursive: true, force: true });
    for (const day of ['Mon', 'Tue', 'Mon']) {
      ok(sh(`${loop}\ndump_all`, { ...env, BACKUP_SCHEDULE: '0 0 * * *', BACKUP_ROTATION: 'weekday', PGDATABASE: DB, FAKE_DAY: day }), day);
    }
    assert.deepEqual(
      readdirSync(join(work, 'dumps'))
        .filter(f => f.startsWith('city-') || f.startsWith('globals-'))
        .sort(),
      ['city-Mon.dump', 'city-Tue.dump', 'globals-Mon.sql', 'globals-Tue.sql'],
    );
  });

  it('scripts/backup.sh dumps the roles and every database; restore.sh brings back a lost role, a lost database and the own one', () => {
    psql('postgres', 'CREATE ROLE reader LOGIN; GRANT pg_read_all_data TO reader;');
    const backup = ok(sh('cd "$REPO" && bash scripts/backup.sh', { ...env, REPO: repo, FAKE_STAMP: '20260110T120000Z' }), 'backup.sh');
    assert.match(backup, /^roles: .*\/backups\/db\/globals-\d{8}T\d{6}Z\.sql$/m);
    const files = readdirSync(join(repo, 'backups', 'db'));
    for (const name of ['globals', 'city', 'analytics', 'postgres'])
      assert.ok(
        files.some(f => new RegExp(`^${name}-\\d{8}T\\d{6}Z\\.(dump|sql)$`).test(f)),
        `${name} in ${files.join(', ')}`,
      );
    assert.ok(!files.some(f => f.startsWith('template_gis-')), 'no dump of the template');
    const file = (name: string) =>
      join(
        repo,
        'backups',
        'db',
        files.find(f => f.startsWith(`${name}-`))!,
      );

    // lose them
    psql('postgres', 'DROP DATABASE analytics; DROP ROLE reader;');
    ok(sh('cd "$REPO" && bash scripts/restore.sh globals "$FILE" --yes', { ...env, REPO: repo, FILE: file('globals') }), 'restore.sh globals');
    assert.equal(psql('postgres', "SELECT rolcanlogin FROM pg_roles WHERE rolname = 'reader'"), 't');
    assert.equal(psql('postgres', "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.member WHERE r.rolname = 'reader'"), '1');
    // the owner keeps its password: the roles file holds none
    assert.equal(psql('postgres', 'SELECT 1'), '1');

    ok(sh('cd "$REPO" && bash scripts/restore.sh db "$FILE" --yes', { ...env, REPO: repo, FILE: file('analytics') }), 'restore.sh db analytics');
    assert.equal(psql('analytics', 'SELECT count(*) FROM visits'), '50');
    ok(
      sh('cd "$REPO" && bash scripts/restore.sh db "$FILE" --target-db city_check --yes', { ...env, REPO: repo, FILE: file('city') }),
      'restore.sh db --target-db',
    );
    assert.equal(psql('city_check', 'SELECT count(*) FROM parcels'), '100');
    psql(DB, 'DELETE FROM parcels WHERE id > 10;');
    ok(sh('cd "$REPO" && bash scripts/restore.sh db "$FILE" --yes', { ...env, REPO: repo, FILE: file('city') }), 'restore.sh db city');
    assert.equal(psql(DB, 'SELECT count(*) FROM parcels'), '100');
  });
});
