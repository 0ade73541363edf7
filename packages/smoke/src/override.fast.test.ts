/** The Dockerfile copy the run builds: external bases and COPY --from images become stand-ins, fetching steps go. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteDockerfile } from './override.js';

describe('rewriteDockerfile', () => {
  it('points every external FROM (flags, indentation, digests) and COPY --from image at its stand-in', () => {
    const { text, missing } = rewriteDockerfile(
      [
        '# syntax=docker/dockerfile:1',
        'FROM --platform=linux/amd64 python:3.12.8-slim-bookworm AS base',
        '  FROM node:20.18.1-bookworm-slim AS web',
        'FROM base AS prod',
        'COPY --from=pramsey/pg_tileserv:20240614 /app /app',
        'COPY --from=web /x /y',
      ].join('\n'),
      'app',
    );
    assert.equal(missing, undefined);
    assert.doesNotMatch(text, /syntax=/);
    assert.match(text, /^FROM --platform=linux\/amd64 portal-smoke\/python:\w+ AS base$/m);
    assert.match(text, /^ {2}FROM portal-smoke\/node:\w+ AS web$/m);
    assert.match(text, /^FROM base AS prod$/m);
    assert.match(text, /^COPY --from=portal-smoke\/pg-tileserv:\w+ \/app \/app$/m);
    assert.match(text, /^COPY --from=web \/x \/y$/m);
  });

  it('drops the steps that fetch from PyPI or npm, keeps the rest of the line', () => {
    const { text, notes } = rewriteDockerfile(
      [
        'FROM python:3.12.8-slim-bookworm',
        'RUN python -m venv /opt/venv && python3.12 -m pip install -r requirements.txt && echo done',
        'RUN uv pip install x; npm i --omit=dev && yarn install --frozen-lockfile && pnpm install',
        'RUN npm run build',
      ].join('\n'),
      'app',
    );
    assert.match(text, /^RUN python -m venv --system-site-packages \/opt\/venv && true && echo done$/m);
    assert.match(text, /^RUN true ; true && true && true $/m);
    assert.match(text, /^RUN npm run build$/m);
    assert.equal(notes.filter(n => /dropped/.test(n)).length, 5);
  });

  it('names a base image with no stand-in', () => {
    assert.equal(rewriteDockerfile('FROM ghcr.io/acme/base:1\nRUN true', 'app').missing, 'ghcr.io/acme/base:1');
    assert.equal(rewriteDockerfile('FROM python:3.12.8-slim-bookworm\nCOPY --from=ghcr.io/acme/x:1 /a /b', 'app').missing, 'ghcr.io/acme/x:1');
  });
});
