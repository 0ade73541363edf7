/**
 * The import report's "how to change it" hints must name commands that work: `portal app set` knows an
 * imported app by its new id (an old "db" became "db-app"), and never the main app, which is the backend
 * (its contract is backendContract in .yo-rc.json).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';

const COMPOSE = [
  'services:',
  '  db:',
  '    image: acme/db:1.0.0',
  '    expose: [5432]',
  '    user: "0"',
  '  backend:',
  '    image: acme/back:1.0.0',
  '    expose: [8000]',
  '    user: root',
  '',
].join('\n');

describe('portal import: hints name commands that work', () => {
  it('app set names the new app id, and the backend is changed through backendContract', async () => {
    const top = freshFolder('hints');
    const old = join(top, 'old');
    const destination = join(top, 'new');
    mkdirSync(old);
    mkdirSync(destination);
    writeFileSync(join(old, 'docker-compose.yml'), COMPOSE);
    const imported = await runPortal(['import', old], { cwd: destination });
    assert.equal(imported.code, 0, imported.stderr);
    const answers = JSON.parse(readFileSync(join(destination, '.yo-rc.json'), 'utf8'))['generator-portal'];
    const ids = (answers.apps as { id: string }[]).map(app => app.id);
    assert.deepEqual(ids, ['db-app']);
    const named = [...imported.stdout.matchAll(/portal app set (\S+)/g)].map(match => match[1]);
    assert.ok(named.length >= 3, imported.stdout);
    assert.deepEqual([...new Set(named)], ['db-app'], imported.stdout);
    assert.match(imported.stdout, /backend: had no healthcheck; .*\(backendContract\.health in \.yo-rc\.json/);
    assert.match(imported.stdout, /backend: user "root" .*\(or backendContract\.user in \.yo-rc\.json/);
    // and the hint given for db-app is accepted
    const set = await runPortal(['app', 'set', 'db-app', '--health', 'http:/ready', '--secret-seed', 'x'], { cwd: destination });
    assert.equal(set.code, 0, set.stderr);
  });
});
