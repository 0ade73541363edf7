/**
 * The run refuses, before any container starts, what its namespaces would not contain: a host folder bound
 * into a container, a volume bound to a host device outside the run, privileged mode, a host namespace.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { generate } from 'generator-portal/testing/generate.js';
import { runSmoke, smokeSkip } from './test-support.js';

function plant(repo: string, from: RegExp, to: string): void {
  const path = join(repo, 'docker-compose.yml');
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  assert.notEqual(changed, text, `fault not planted: ${String(from)}`);
  writeFileSync(path, changed);
}

describe('smoke run: refuses what would reach the host', { skip: smokeSkip(), concurrency: 2 }, () => {
  const repos: Record<string, string> = {};
  const outside = mkdtempSync(join(tmpdir(), 'portal-outside-'));
  before(async () => {
    for (const name of ['bind', 'privileged', 'link']) repos[name] = await generate({});
    mkdirSync(join(outside, 'keep'));
    writeFileSync(join(outside, 'keep', 'precious.txt'), 'user data');
  });

  it('a bind of a host folder, and privileged mode with the host PID namespace: refused, nothing started', async () => {
    plant(repos.bind!, /(\n {2}backend:\n(?:.*\n)*? {4}volumes:\n)/, `$1      - ${outside}:/host\n`);
    plant(repos.privileged!, /(\n {2}redis:\n)/, '$1    privileged: true\n    pid: host\n');
    for (const [name, culprit] of [
      ['bind', new RegExp(`backend: binds ${outside}, outside the repo`)],
      ['privileged', /redis: privileged: true\n\s+redis: pid: host/],
    ] as const) {
      const run = await runSmoke(repos[name]!);
      assert.equal(run.code, 1, run.output);
      assert.match(run.output, /FAIL {2}the run keeps to its own folders and namespaces: refused, nothing started/);
      assert.match(run.output, culprit);
      assert.doesNotMatch(run.output, /engine: dockerd|docker-compose up/);
    }
    assert.deepEqual(readdirSync(join(outside, 'keep')), ['precious.txt']);
  });

  it('a repo folder that is a link to a host folder: refused (docker would follow it)', async () => {
    const repo = repos.link!;
    plant(repo, /(\n {2}backend:\n(?:.*\n)*? {4}volumes:\n)/, '$1      - ./data-link:/data\n');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(join(outside, 'keep'), join(repo, 'data-link'));
    const run = await runSmoke(repo);
    assert.equal(run.code, 1, run.output);
    assert.match(run.output, /backend: binds \S+data-link, outside the repo/);
    assert.equal(readFileSync(join(outside, 'keep', 'precious.txt'), 'utf8'), 'user data');
  });
});
