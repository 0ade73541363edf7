/**
 * Hostile compose files found by the adversary pass: each must be refused in one line (exit 2) with the
 * culprit named, and leave both folders as they were.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';
import { treeHash } from '../testing/tree-hash.js';

/** Nine levels of nine aliases each: a billion "lol"s once expanded. */
const ALIAS_BOMB = [
  'x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefg'.split('').map((name, i) => {
    const prior = 'abcdef'[i];
    return `x-${name}: &${name} [${Array(9).fill(`*${prior}`).join(',')}]`;
  }),
  'services:',
  '  api:',
  '    image: acme/api:1.2.0',
  '    expose: [8000]',
  '    labels: *g',
  '',
].join('\n');

describe('portal import: hostile YAML', () => {
  it('an alias bomb is refused in one line, exit 2, nothing written', async () => {
    const top = freshFolder('hostile');
    const old = join(top, 'old');
    const destination = join(top, 'new');
    mkdirSync(old);
    mkdirSync(destination);
    writeFileSync(join(old, 'docker-compose.yml'), ALIAS_BOMB);
    const before = treeHash(top);
    const result = await runPortal(['import', old], { cwd: destination });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /Invalid import file "docker-compose\.yml": its YAML cannot be expanded \(.*alias.*\); remove the alias chain/);
    assert.equal(treeHash(top), before);
  });
});

describe('portal import: hostile ports', () => {
  it('a port range written high-low is named, not reported as "no port"', async () => {
    const top = freshFolder('hostile-range');
    const old = join(top, 'old');
    const destination = join(top, 'new');
    mkdirSync(old);
    mkdirSync(destination);
    writeFileSync(join(old, 'docker-compose.yml'), 'services:\n  api:\n    image: acme/api:1.2.0\n    ports:\n      - "9010-9000:9010-9000"\n');
    const before = treeHash(top);
    const result = await runPortal(['import', old], { cwd: destination });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /Invalid ports of service "api".*: the range "9010-9000" ends before it starts; write it low-high/);
    assert.equal(treeHash(top), before);
  });
});

describe('portal import: YAML 1.1 short booleans', () => {
  it('a variable named Y and a value y stay text, as compose reads them', async () => {
    const top = freshFolder('hostile-y');
    const old = join(top, 'old');
    const destination = join(top, 'new');
    mkdirSync(old);
    mkdirSync(destination);
    writeFileSync(
      join(old, 'docker-compose.yml'),
      'services:\n  api:\n    image: acme/api:1.2.0\n    expose: [8000]\n    environment:\n      Y: "1"\n      DEBUG: y\n',
    );
    const result = await runPortal(['import', old], { cwd: destination });
    assert.equal(result.code, 0, result.stderr);
    const settings = JSON.parse(readFileSync(join(destination, '.yo-rc.json'), 'utf8'))['generator-portal'].backendContract.settings;
    assert.deepEqual(settings, { Y: '1', DEBUG: 'y' });
  });
});
