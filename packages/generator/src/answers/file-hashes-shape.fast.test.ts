/**
 * The keys of fileHashes are repo paths: the schema's shape check refuses one that climbs out, is absolute
 * or names the generator's own state in one line, before the path guard ever sees it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkShape } from './schema.js';
import { PortalInputError } from './input-error.js';

const HASH = '0'.repeat(64);
const shapeOf = (key: string): string | undefined => {
  try {
    checkShape({ fileHashes: { [key]: HASH } }, '.yo-rc.json', 'answers');
    return undefined;
  } catch (error) {
    assert.ok(error instanceof PortalInputError);
    return error.message;
  }
};

describe('fileHashes keys in the schema', () => {
  for (const key of ['../x', 'a/../b', './x', 'x/.', '/etc/passwd', 'a//b', 'nginx/', 'a\\b', '.portal/lock', '.git/config', '..', 'x\u0000y']) {
    it(`refuses ${JSON.stringify(key)} in one line`, () => {
      const message = shapeOf(key);
      assert.ok(message, `${JSON.stringify(key)} passed the shape check`);
      assert.match(message, /^Invalid \.yo-rc\.json: fileHashes has a key that is not a path inside the repo: "/);
      assert.equal(message.split('\n').length, 1);
    });
  }
  for (const key of ['docker-compose.yml', 'nginx/sites/dev.conf', '.env', '.gitignore', 'instances/eu.env', '..x/y', 'scripts/x..sh']) {
    it(`takes ${JSON.stringify(key)}`, () => assert.equal(shapeOf(key), undefined));
  }
});
