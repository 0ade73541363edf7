/**
 * The CloudNativePG bootstrap check passes on a generated repo and fails on planted faults in the Cluster:
 * a `tiles` schema the owner does not own (the owner could not add layers), default privileges without the
 * owner's tables (the tileserver could not read them), a statement the server refuses, the demo layer made
 * by the superuser (the backups' dump as the owner is refused).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generate } from 'generator-portal/testing/generate.js';
import { CNPG_COMPONENT } from 'generator-portal/render/kubernetes/cloudnative-pg.js';
import { cloudNativePgCheck } from './cloudnative-pg-check.js';
import { isRoot, tool } from '../checks/tools.js';

const CLUSTER = `${CNPG_COMPONENT}/cluster-postgis.yaml`;

describe('CloudNativePG bootstrap check', { skip: (!tool('initdb') || !isRoot()) && 'needs PostgreSQL (initdb) and root' }, () => {
  let valid = '';
  before(async () => {
    valid = await generate({ services: 'postgis,tileserver,nginx,prometheus,grafana', grafanaPostgres: 'readonly', targets: 'compose,kubernetes' });
  });

  it('passes on the generated Cluster: tileserver, exporter and Grafana roles', async () => {
    const [result] = [await cloudNativePgCheck.run(valid)].flat();
    assert.equal(result!.status, 'passed', result!.detail);
    assert.match(result!.detail ?? '', /3 managed roles/);
  });

  const faults: [string, (text: string) => string, RegExp][] = [
    // the owner then cannot make the demo layer in it
    ['the tiles schema owned by the superuser', text => text.replace(/ AUTHORIZATION "[^"]+"/, ''), /permission denied for schema tiles/],
    [
      "default privileges for the superuser's tables only",
      text => text.replace(/FOR ROLE postgres, "[^"]+" IN SCHEMA tiles/, 'IN SCHEMA tiles'),
      /cannot read tiles\./,
    ],
    [
      'a grant on a schema that does not exist',
      text => text.replace('GRANT USAGE ON SCHEMA tiles TO tileserver;', 'GRANT USAGE ON SCHEMA tile TO tileserver;'),
      /postInitApplicationSQL: .*schema "tile" does not exist/s,
    ],
    // the demo layer made by the superuser: the owner's dump is refused
    ['the demo layer made by the superuser', text => text.replace(/^\s*- SET ROLE "[^"]+";\n/m, ''), /pg_dump as the owner .*permission denied/s],
  ];
  for (const [what, plant, expected] of faults) {
    it(`fails on ${what}`, async () => {
      const repo = join(mkdtempSync(join(tmpdir(), 'portal-cnpg-fault-')), 'portal');
      cpSync(valid, repo, { recursive: true });
      const text = readFileSync(join(repo, CLUSTER), 'utf8');
      const planted = plant(text);
      assert.notEqual(planted, text, 'fault not planted');
      writeFileSync(join(repo, CLUSTER), planted);
      const [result] = [await cloudNativePgCheck.run(repo)].flat();
      assert.equal(result!.status, 'failed');
      assert.match(result!.detail ?? '', expected);
    });
  }
});
