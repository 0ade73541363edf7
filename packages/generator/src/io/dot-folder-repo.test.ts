/**
 * A repo below a dot folder (~/.deploy/portal): Yeoman's commit step must write .yo-rc.json as it does
 * anywhere else. @yeoman/conflicter's forceYoFiles missed it there (its globstar skips dot folders), so
 * `portal add` wrote the new compose files but kept the old answers, and exited 3.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';

const services = (repo: string): string[] =>
  (JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8')) as { 'generator-portal': { services: string[] } })['generator-portal'].services;

describe('a repo below a dot folder', () => {
  it('portal add stores the new answers in .yo-rc.json', async () => {
    const repo = join(freshFolder('dot-folder'), '.deploy', 'portal');
    mkdirSync(repo, { recursive: true });
    const made = await runPortal(['--yes', '--services', 'postgis,nginx', '--secret-seed', 'x', '--skip-git'], { cwd: repo });
    assert.equal(made.code, 0, made.stderr);
    const added = await runPortal(['add', 'redis', '--secret-seed', 'x'], { cwd: repo });
    assert.equal(added.code, 0, added.stderr);
    assert.doesNotMatch(added.stderr, /conflict|kept your edits/);
    assert.match(added.stderr, /^ {4}force \.yo-rc\.json$/m);
    assert.ok(services(repo).includes('redis'), services(repo).join(','));
    assert.match(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), /^ {2}redis:$/m);
  });
});
