/**
 * A 40-character portal name with a 30-character instance makes a 71-character namespace and Swarm stack:
 * the API server and swarmkit refuse every object of it. The generator refuses first, as bad input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { modelOf } from '../testing/model.js';
import { planOf } from '../testing/kubernetes.js';
import { generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import type { RawAnswers } from '../answers/answers.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'portal.js');
const PORTAL = 'a'.repeat(40);
const INSTANCE = 'b'.repeat(30);
const withInstance = (targets: string[], instance = INSTANCE): RawAnswers =>
  ({ name: PORTAL, targets, instances: [{ name: instance, domain: 'staging.example.org' }] }) as RawAnswers;

describe('names the targets derive from the portal and instance names', () => {
  it('refuses a Kubernetes namespace over 63 characters, naming the instance and the length that fits', () => {
    assert.throws(
      () => planOf(modelOf(withInstance(['compose', 'kubernetes']))),
      /^PortalInputError: Invalid instance "b{30}": the Kubernetes namespace a{40}-b{30} would be 71 characters, over the 63 allowed; choose an instance name at most 22 characters long/,
    );
    assert.doesNotThrow(() => planOf(modelOf(withInstance(['compose', 'kubernetes'], 'b'.repeat(22)))));
  });

  it('refuses a Swarm stack whose service or secret names would pass the limits swarmkit enforces', () => {
    assert.throws(
      () => planOf(modelOf(withInstance(['compose', 'swarm'], 'b'.repeat(22)))),
      /Invalid instance "b{22}": the Swarm service a{40}-b{22}_\S+ would be \d+ characters, over the 63 allowed/,
    );
    // the default services' names are short: the secrets' room is what a 48-character stack lacks
    assert.throws(
      () => planOf(modelOf(withInstance(['compose', 'swarm'], 'b'.repeat(7)))),
      /Invalid instance "b{7}": the Swarm stack name a{40}-b{7}, the prefix of its secrets and configs, would be 48 characters, over the 47 allowed; choose an instance name at most 6 characters long/,
    );
    assert.doesNotThrow(() => planOf(modelOf(withInstance(['compose', 'swarm'], 'b'.repeat(6)))));
    // compose alone keeps accepting it: nothing there derives a name with a limit
    assert.doesNotThrow(() => planOf(modelOf(withInstance(['compose']))));
    // the longest names that fit render secret and config names of at most 64 characters
    const files = planOf(modelOf(withInstance(['compose', 'swarm'], 'b'.repeat(6))));
    const stacks = files.filter(file => /^deploy\/swarm\/(stack|instances\/b{6})\.yml$/.test(file.path));
    assert.equal(stacks.length, 2);
    let names = 0;
    for (const stack of stacks) {
      for (const [, name] of stack.content.matchAll(/^ {4}name: (\S+)_v\$\{[A-Z0-9_]+:-1\}$/gm)) {
        names++;
        assert.ok(name!.length + '_v0000'.length <= 64, name);
      }
    }
    assert.ok(names > 10);
  });

  it('portal instance add refuses it: exit 2, one line, the repo untouched', async () => {
    const root = await generate({ name: PORTAL, targets: 'compose,kubernetes' } as never);
    const before = treeHash(root);
    const run = spawnSync(process.execPath, [BIN, 'instance', 'add', INSTANCE, '--domain', 'staging.example.org'], { cwd: root, encoding: 'utf8' });
    assertRefused(
      'instance add',
      { code: run.status, stderr: run.stderr },
      /^portal: Invalid instance "b{30}": the Kubernetes namespace/,
      treeHash(root) !== before,
    );
  });
});
