/**
 * CMP-02 with a recorded reason: the sagui front end (nginx started as root) may add back only
 * capabilities of the root-start list, and only while its contract's reason is on the service.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from 'generator-portal/testing/generate.js';
import { RULES, runRule } from './index.js';
import { RepoView } from './repo-view.js';

const CMP_02 = RULES.find(rule => rule.id === 'CMP-02')!;
/** The label as the compose file writes it: double-quoted, folded over lines. */
const LABEL = /^ {6}- "org\.generator-portal\.exception\.CMP-02=[^"]*"\n/m;

/** Replaces the first match; throws when it finds nothing, so a stale edit cannot pass unnoticed. */
const replace =
  (from: string | RegExp, to: string) =>
  (text: string): string => {
    const out = text.replace(from, to);
    if (out === text) throw new Error(`edit found nothing to change: ${String(from)}`);
    return out;
  };

describe('CMP-02: capabilities a contract records', () => {
  let generated = '';
  before(async () => {
    generated = await generate({ preset: 'sagui', imageTag: '2.3.1' });
  });

  const check = async (edit?: (text: string) => string) => {
    const root = join(freshFolder('caps'), 'repo');
    cpSync(generated, root, { recursive: true });
    if (edit) {
      const path = join(root, 'docker-compose.yml');
      writeFileSync(path, edit(readFileSync(path, 'utf8')));
    }
    return runRule(CMP_02, new RepoView(root));
  };

  it('the front end as generated: its recorded capabilities pass', async () => {
    const text = readFileSync(join(generated, 'docker-compose.yml'), 'utf8');
    assert.match(text, LABEL);
    assert.equal((await check()).status, 'passed');
  });

  it('a capability outside the root-start list fails, reason or not', async () => {
    const result = await check(replace('      - NET_BIND_SERVICE\n', '      - NET_BIND_SERVICE\n      - SYS_ADMIN\n'));
    assert.equal(result.status, 'failed');
    assert.match(result.detail, /frontend.*cap_add SYS_ADMIN is not in its allowlist/);
  });

  it('the same capabilities without the recorded reason fail', async () => {
    const result = await check(replace(LABEL, ''));
    assert.equal(result.status, 'failed');
    assert.match(result.detail, /frontend.*cap_add CHOWN, NET_BIND_SERVICE, SETGID, SETUID is not in its allowlist/);
  });

  it('an empty reason is no reason', async () => {
    const result = await check(replace(LABEL, '      - "org.generator-portal.exception.CMP-02= "\n'));
    assert.equal(result.status, 'failed');
  });

  it('the label lends nothing to a service without it', async () => {
    const result = await check(replace(/(\n {2}atmo:\n)/, '$1    cap_add:\n      - SETUID\n'));
    assert.equal(result.status, 'failed');
    assert.match(result.detail, /atmo.*cap_add SETUID/);
  });
});
