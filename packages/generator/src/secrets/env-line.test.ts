/** One grammar for a `.env` line that sets a variable: the renderer's merge and the secrets' reader agree. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appendMissingEnv } from '../render/env.js';
import { envValues, withEnvValues } from './env-line.js';

// compose reads a variable name in any case; a user may have written one in lower case
const text = '# mine\napp_token=old\nPOSTGRES_PASSWORD=p4ss\n_X1=y\nnot a variable\n';

describe('.env lines', () => {
  it('the variables envValues reads are those appendMissingEnv counts as present', () => {
    assert.deepEqual(
      [...envValues(text)],
      [
        ['app_token', 'old'],
        ['POSTGRES_PASSWORD', 'p4ss'],
        ['_X1', 'y'],
      ],
    );
    const planned = [...envValues(text).keys()].map(key => `${key}=planned`).join('\n');
    assert.equal(appendMissingEnv(text, planned, 'portal'), text);
  });

  it('withEnvValues changes a lower-case variable in place instead of writing it twice', () => {
    assert.equal(withEnvValues(text, new Map([['app_token', 'new']])), text.replace('app_token=old', 'app_token=new'));
  });

  it('reads a CRLF line as its variable, the carriage return left out', () => {
    assert.deepEqual(
      [...envValues('A=1\r\nB=2\r\n')],
      [
        ['A', '1'],
        ['B', '2'],
      ],
    );
    assert.equal(appendMissingEnv('A=1\r\n', 'A=planned\n', 'portal'), 'A=1\r\n');
  });
});
