/**
 * A hand-edited .yo-rc.json with a bad key in a keyed object is named by what that key is (a variable, a
 * host name, a Redis server), not as "a path inside the repo", which only fileHashes keys are.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkShape } from '../answers/schema.js';

const shapeError = (section: object): string => {
  try {
    checkShape(section, '.yo-rc.json', 'answers');
  } catch (error) {
    return (error as Error).message;
  }
  return '';
};

describe('schema: a bad key is named by its kind', () => {
  const app = { id: 'admin', image: 'acme/admin:1.0.0', port: 80 };
  const rows: [string, object, RegExp][] = [
    [
      'an alias with a space',
      { apps: [{ ...app, aliases: { 'x y': 'redis' } }] },
      /apps\[0\]\.aliases has a key that is not a host name \(lowercase letters, digits and dashes\): "x y"/,
    ],
    ['a setting with a dash', { apps: [{ ...app, settings: { 'A-B': '1' } }] }, /apps\[0\]\.settings has a key that is not a variable name .*: "A-B"/],
    [
      'a dev setting with a dot',
      { apps: [{ ...app, devSettings: { 'a.b': '1' } }] },
      /apps\[0\]\.devSettings has a key that is not a variable name .*: "a\.b"/,
    ],
    [
      'a redis server not named redis-<role>',
      { redisSettings: { cache: { maxmemory: '1gb' } } },
      /redisSettings has a key that is not a Redis server name .*: "cache"/,
    ],
  ];
  for (const [title, section, expected] of rows) it(title, () => assert.match(shapeError(section), expected));
});
