/**
 * Credentials the old deployment wrote into a command line or a healthcheck never reach .yo-rc.json: a
 * command holding one is refused in one line (moving it is the owner's call), a healthcheck holding one is
 * replaced by the tcp probe with a note. A flag naming a secret *file* is not a credential.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { credentialIn, knownSecrets } from '../import/credentials.js';
import type { ServiceFacts } from '../import/service-facts.js';
import { freshFolder } from '../testing/generate.js';
import { runPortal } from '../testing/bin.js';

const facts = (environment: Record<string, string>) => ({ environment: new Map(Object.entries(environment)) }) as unknown as ServiceFacts;

describe('credentialIn', () => {
  const secrets = knownSecrets([facts({ REDIS_URL: 'redis://:RedisPw777@cache:6379/0', API_KEY: 'k3y-value', DEBUG: 'true' })]);
  const rows: [string[], string | undefined][] = [
    [['serve', '--db-password=Hunter2'], 'the value of --db-password'],
    [['serve', '--token', 'abc'], 'the value of --token'],
    [['serve', '--token-file', '/run/secrets/t'], undefined],
    [['serve', '--api-key'], undefined],
    [['curl', 'http://admin:pw@localhost/health'], 'a URL with a password'],
    [['curl', 'http://localhost:8000/health'], undefined],
    [['redis-cli', '-a', 'RedisPw777', 'ping'], 'a password the old variables hold'],
    [['run', '--key=k3y-value'], 'a password the old variables hold'],
    [['run', '--debug', 'true'], undefined],
    [['k3y-value-init'], undefined],
  ];
  for (const [words, expected] of rows) it(`${words.join(' ')} -> ${expected ?? 'none'}`, () => assert.equal(credentialIn(words, secrets), expected));
});

describe('portal import: credentials in commands and healthchecks', () => {
  const folders = () => {
    const top = freshFolder('credentials');
    mkdirSync(join(top, 'old'));
    mkdirSync(join(top, 'new'));
    return { top, old: join(top, 'old'), destination: join(top, 'new') };
  };

  it('a command holding a password: exit 2, one line naming the flag (not the value), nothing written', async () => {
    const { old, destination } = folders();
    writeFileSync(
      join(old, 'docker-compose.yml'),
      'services:\n  api:\n    image: acme/api:1.2.0\n    expose: [8000]\n    command: ["serve", "--db-password=Hunter2Secret"]\n',
    );
    const result = await runPortal(['import', old], { cwd: destination });
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(
      result.stderr,
      /Invalid command of service "api": it holds a credential \(the value of --db-password\); pass it through an environment variable/,
    );
    assert.doesNotMatch(result.stderr, /Hunter2Secret/);
    assert.deepEqual(readdirSync(destination), []);
  });

  it('healthchecks holding a password are not carried; the tcp probe is used and the report says why', async () => {
    const { old, destination } = folders();
    writeFileSync(
      join(old, 'docker-compose.yml'),
      'services:\n  api:\n    image: acme/api:1.2.0\n    expose: [8000]\n    healthcheck:\n      test: ["CMD-SHELL", "curl -fsS http://admin:HealthPw99@localhost:8000/health"]\n' +
        '  worker:\n    image: acme/worker:1.2.0\n    expose: [9000]\n    environment:\n      REDIS_URL: "redis://:RedisPw777@cache.example.net:6379/0"\n    healthcheck:\n      test: redis-cli -a RedisPw777 ping\n',
    );
    const result = await runPortal(['import', old], { cwd: destination });
    assert.equal(result.code, 0, result.stderr);
    const stored = readFileSync(join(destination, '.yo-rc.json'), 'utf8');
    assert.doesNotMatch(stored, /HealthPw99|RedisPw777/);
    assert.match(stored, /"health": "tcp:8000"/);
    assert.match(stored, /"health": "tcp:9000"/);
    assert.match(result.stdout, /api: its healthcheck holds a credential \(a URL with a password\), so it was not carried over/);
    assert.match(result.stdout, /worker: its healthcheck holds a credential \(a password the old variables hold\)/);
  });
});
