/** FROM lines as the importer and the smoke run read them. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { firstBaseImage, fromLine } from './dockerfile-from.js';

describe('dockerfile FROM lines', () => {
  it('splits flags, image and stage, as written', () => {
    assert.deepEqual(fromLine('FROM --platform=$BUILDPLATFORM python:3.12-slim AS build'), {
      keyword: 'FROM --platform=$BUILDPLATFORM ',
      image: 'python:3.12-slim',
      rest: ' AS build',
      stage: 'build',
    });
    assert.deepEqual(fromLine('  from build'), { keyword: '  from ', image: 'build', rest: '' });
    assert.equal(fromLine('RUN echo FROM x'), undefined);
  });

  it('takes the first stage’s image, in a file saved with CRLF too', () => {
    assert.equal(firstBaseImage('# syntax=docker/dockerfile:1\r\nARG V=1\r\nFROM node:20 AS deps\r\nFROM deps\r\n'), 'node:20');
    assert.equal(firstBaseImage('RUN true\n'), undefined);
  });
});
