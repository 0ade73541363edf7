/**
 * Bad values for the shared-Traefik and tile-schema answers: exit 2, one line naming the culprit and what
 * is allowed, and the destination byte for byte as it was (an empty folder, or a generated sagui portal).
 */
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { freshFolder, generate } from '../testing/generate.js';
import { treeHash } from '../testing/tree-hash.js';
import { assertRefused } from '../testing/refusal.js';
import { editStoredAnswers } from '../testing/answer-files.js';
import { portalSync } from '../testing/bin.js';

interface Case {
  readonly args: readonly string[];
  readonly message: RegExp;
  /** In an empty folder (a new portal), or in the generated sagui portal (its stored answers edited first). */
  readonly where: 'empty' | 'repo';
  readonly editAnswers?: (answers: Record<string, unknown>) => Record<string, unknown>;
}

const CASES: readonly Case[] = [
  {
    where: 'empty',
    args: ['--traefik-network', 'proxy net'],
    message: /^portal: Invalid --traefik-network "proxy net": expected the name of the shared Traefik's Docker network/,
  },
  {
    where: 'empty',
    args: ['--traefik-network', '-proxy'],
    message: /Invalid --traefik-network "-proxy": expected the name of the shared Traefik's Docker network/,
  },
  {
    where: 'empty',
    args: ['--traefik-network', 'internal'],
    message: /Invalid --traefik-network "internal": expected a network of the shared Traefik, not "internal", a network of this stack/,
  },
  {
    where: 'empty',
    args: ['--traefik-network', 'proxy', '--services', 'postgis,nginx,traefik'],
    message: /Invalid --traefik-network "proxy": expected it without the traefik service/,
  },
  {
    where: 'empty',
    args: ['--traefik-network', 'proxy', '--services', 'postgis'],
    message: /Invalid --traefik-network "proxy": expected it with varnish or nginx, the entry the shared Traefik routes to/,
  },
  { where: 'empty', args: ['--traefik-entrypoint', 'websecure'], message: /Invalid --traefik-entrypoint "websecure": expected it only with --traefik-network/ },
  {
    where: 'empty',
    args: ['--traefik-network', 'proxy', '--traefik-entrypoint', 'web secure'],
    message: /Invalid --traefik-entrypoint "web secure": expected an entry point name/,
  },
  {
    where: 'empty',
    args: ['--traefik-network', 'proxy', '--traefik-cert-resolver', 'le`x'],
    message: /Invalid --traefik-cert-resolver "le`x": expected a certificate resolver name/,
  },
  { where: 'empty', args: ['--tile-schemas', 'public'], message: /Invalid --tile-schemas "public": expected a schema name/ },
  { where: 'empty', args: ['--tile-schemas', 'tiles;drop'], message: /Invalid --tile-schemas "tiles;drop": expected a schema name/ },
  { where: 'empty', args: ['--tile-schemas', 'guyane,guyane'], message: /Invalid --tile-schemas "guyane,guyane": expected each schema once/ },
  {
    where: 'empty',
    args: ['--tile-schemas', 'guyane', '--services', 'postgis,nginx'],
    message: /Invalid --tile-schemas "guyane": expected it only with the tileserver service/,
  },
  // the sagui portal: its stored shared Traefik is kept on a re-run, so adding the stack's own is refused
  {
    where: 'repo',
    args: ['--services', 'postgis,tileserver,varnish,nginx,scheduler,traefik'],
    message: /Invalid --traefik-network "traefik-proxy_proxy_network": expected it without the traefik service/,
  },
  {
    where: 'repo',
    args: [],
    editAnswers: answers => ({ ...answers, traefikNetwork: 'bad name' }),
    message: /Invalid \.yo-rc\.json|Invalid --traefik-network "bad name"/,
  },
];

describe('bad shared-Traefik and tile-schema answers', () => {
  let sagui = '';
  before(async () => {
    sagui = await generate({ preset: 'sagui', imageTag: '2.3.1' });
  });

  it(`has at least 4 cases (${CASES.length})`, () => assert.ok(CASES.length >= 4));

  for (const next of CASES) {
    it(`[${next.where}] portal ${next.args.join(' ')}${next.editAnswers ? ' (edited .yo-rc.json)' : ''}`, () => {
      const folder = freshFolder('bad-traefik');
      if (next.where === 'repo') {
        cpSync(sagui, folder, { recursive: true });
        if (next.editAnswers) {
          editStoredAnswers(folder, next.editAnswers);
        }
      }
      const before = treeHash(folder);
      const run = portalSync(['--yes', ...next.args, '--secret-seed', 'x'], { cwd: folder, timeout: 60_000 });
      assertRefused(next.args.join(' '), { code: run.status, stderr: run.stderr }, next.message, treeHash(folder) !== before);
    });
  }
});
