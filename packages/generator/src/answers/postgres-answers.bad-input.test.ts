/**
 * Bad values of the database answers (postgres, backups), given in an --answers file and in a
 * hand-edited .yo-rc.json: each gets exit 2, one line naming the culprit and what is allowed, and every
 * byte and mode of the folder (empty, or a generated portal) stays as it was. A repeated name and an
 * unknown setting are caught by the schema's shape check, before the values are read.
 */
import assert from 'node:assert/strict';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { editStoredAnswers } from '../testing/answer-files.js';
import { portalSync } from '../testing/bin.js';

const SERVICES = ['postgis', 'pgbouncer', 'backup', 'nginx'];

/** Each answer set, added to a valid stack, and the one line it must be refused with. */
const CASES: readonly [Record<string, unknown>, RegExp][] = [
  [
    { postgres: { databases: ['Bad-Name'] } },
    /^portal: Invalid --postgres\.databases "Bad-Name": expected database names: lowercase letters, digits and underscores/,
  ],
  [
    { postgres: { databases: ['template1'] } },
    /^portal: Invalid --postgres\.databases "template1": expected a database name other than postgres, template0, template1, globals/,
  ],
  [{ postgres: { databases: ['x', 'x'] } }, /^portal: Invalid .*postgres\.databases lists the same entry twice[.;]/],
  [
    { postgres: { databases: ['extra'], templates: ['extra'] } },
    /^portal: Invalid --postgres\.templates "extra": expected a name that is not also in postgres\.databases/,
  ],
  [{ postgres: { extensions: ['timescaledb'] } }, /^portal: Invalid --postgres\.extensions "timescaledb": expected extensions the PostGIS image ships: /],
  [{ postgres: { settings: { fsync: 'off' } } }, /^portal: Invalid .*unknown key "fsync" in postgres\.settings; expected some of: shared_buffers, /],
  [
    { postgres: { settings: { shared_buffers: '256' } } },
    /^portal: Invalid --postgres\.settings "shared_buffers=256": expected a value such as shared_buffers=256MB/,
  ],
  [
    { postgres: { settings: { max_connections: '100; DROP' } } },
    /^portal: Invalid --postgres\.settings "max_connections=100; DROP": expected a value such as max_connections=100/,
  ],
  [{ postgres: { settings: { max_connections: 0 } } }, /^portal: Invalid --postgres\.settings "max_connections=0"/],
  [{ backups: { schedule: '0 3 * *', rotation: 'weekday' } }, /^portal: Invalid --backups\.schedule "0 3 \* \*": expected a cron expression of five fields/],
  [
    { backups: { schedule: '0 24 * * *', rotation: 'weekday' } },
    /^portal: Invalid --backups\.schedule "0 24 \* \* \*": expected a cron expression whose fields are .*\(the hour "24" is outside 0-23\)/,
  ],
  [
    { backups: { schedule: '0 3 * * 5-1', rotation: 'count' } },
    /^portal: Invalid --backups\.schedule "0 3 \* \* 5-1": .*\(the weekday range "5-1" runs backwards\)/,
  ],
  [{ backups: { schedule: '@daily', rotation: 'count' } }, /^portal: Invalid --backups\.schedule "@daily": expected a cron expression of five fields/],
  [{ backups: { schedule: '0 3 * * *', rotation: 'monthly' } }, /^portal: Invalid --backups\.rotation "monthly": expected one of: weekday, count/],
  [{ backups: { schedule: '0 3 * * *', rotation: 'weekday', keep: 3 } }, /^portal: Invalid --backups\.keep "3": expected no keep with rotation weekday/],
  [
    { backups: { schedule: '0 3 * * *', rotation: 'count', keep: 0 } },
    /^portal: Invalid --backups\.keep "0": expected a whole number of dumps to keep, 1 to 366/,
  ],
];

function refused(folder: string, args: string[], message: RegExp, label: string): void {
  const before = treeHash(folder);
  const run = portalSync(['--yes', ...args], { cwd: folder, timeout: 60_000 });
  assertRefused(label, { code: run.status, stderr: run.stderr }, message, treeHash(folder) !== before);
}

describe('bad database answers', () => {
  let portal = '';
  before(async () => {
    portal = await generate({ services: SERVICES.join(',') });
  });

  it(`has at least 4 cases (${CASES.length})`, () => assert.ok(CASES.length >= 4));

  for (const [change, message] of CASES) {
    const label = JSON.stringify(change);
    it(`--answers ${label}: exit 2, one line, empty folder untouched`, () => {
      const files = freshFolder('pg-answers');
      const path = join(files, 'answers.json');
      writeFileSync(path, JSON.stringify({ name: 'city', services: SERVICES, ...change }));
      refused(freshFolder('pg-empty'), ['--answers', path], message, label);
    });
    it(`.yo-rc.json ${label}: exit 2, one line, portal untouched`, () => {
      const folder = freshFolder('pg-repo');
      cpSync(portal, folder, { recursive: true, verbatimSymlinks: true });
      editStoredAnswers(folder, answers => ({ ...answers, ...change }));
      refused(folder, [], message, label);
    });
  }

  it('the answers apply only with their service', () => {
    const files = freshFolder('pg-answers');
    const path = join(files, 'answers.json');
    writeFileSync(path, JSON.stringify({ name: 'city', services: ['postgis', 'nginx'], backups: { schedule: '0 3 * * *', rotation: 'weekday' } }));
    refused(
      freshFolder('pg-empty'),
      ['--answers', path],
      /^portal: Invalid --backups ".*": expected it only with the backup service/,
      'backups without backup',
    );
  });
});
