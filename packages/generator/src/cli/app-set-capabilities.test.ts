/** `portal app set` on capabilities: a reason alone keeps the list, `none` drops them, the app keeps its place. */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { runPortal } from '../testing/bin.js';
import { freshFolder } from '../testing/generate.js';

const stored = (repo: string) => JSON.parse(readFileSync(join(repo, '.yo-rc.json'), 'utf8'))['generator-portal'];
const appsOf = (repo: string): { id: string; capabilities?: { add: string[]; reason: string } }[] => stored(repo).apps;

describe('portal app set --capabilities', () => {
  const repo = freshFolder('caps');
  const portal = async (...args: string[]) => {
    const run = await runPortal([...args, '--secret-seed', 'x'], { cwd: repo });
    assert.equal(run.code, 0, `portal ${args.join(' ')}: ${run.stderr}`);
  };

  before(async () => {
    await portal('--yes', '--skip-git', '--name', 'caps', '--services', 'postgis,nginx');
    await portal(
      'add',
      'app',
      'web',
      '--image',
      'acme/web:1.0',
      '--port',
      '80',
      '--route',
      '/web/',
      '--user',
      'image',
      '--capabilities',
      'CHOWN,SETUID,SETGID',
      '--capabilities-reason',
      'its nginx starts as root and switches to its own user',
    );
    await portal('add', 'app', 'api', '--image', 'acme/api:1.0', '--port', '8080', '--route', '/v2/');
  });

  it('a reason alone keeps the capabilities; the app keeps its place', async () => {
    await portal('app', 'set', 'web', '--capabilities-reason', 'the image runs nginx as root, which then drops to nginx');
    assert.deepEqual(
      appsOf(repo).map(app => app.id),
      ['web', 'api'],
    );
    assert.deepEqual(appsOf(repo)[0]!.capabilities, { add: ['CHOWN', 'SETGID', 'SETUID'], reason: 'the image runs nginx as root, which then drops to nginx' });
  });

  it('the list alone keeps the reason', async () => {
    await portal('app', 'set', 'web', '--capabilities', 'CHOWN,SETUID,SETGID,NET_BIND_SERVICE');
    assert.deepEqual(appsOf(repo)[0]!.capabilities, {
      add: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'],
      reason: 'the image runs nginx as root, which then drops to nginx',
    });
  });

  it('none drops them, and the compose file with them', async () => {
    await portal('app', 'set', 'web', '--capabilities', 'none');
    assert.equal(appsOf(repo)[0]!.capabilities, undefined);
    const compose = parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'));
    assert.equal(compose.services.web.cap_add, undefined);
    assert.deepEqual(
      appsOf(repo).map(app => app.id),
      ['web', 'api'],
    );
  });
});
