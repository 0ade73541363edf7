/** apply-secrets.sh reads each password from the .env variable its secret declares (dev) or from its secret file (prod). */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { envValues } from '../../secrets/env-line.js';
import { freshFolder, generate } from '../../testing/generate.js';

/** A docker-compose that logs its arguments and what it reads on stdin (the password the script sends). */
function fakeEngine(): { bin: string; log: string } {
  const bin = freshFolder('bin');
  const log = join(bin, 'log');
  writeFileSync(join(bin, 'docker'), '#!/bin/sh\n[ "$1" = version ] && exit 0\nexit 1\n');
  writeFileSync(join(bin, 'docker-compose'), `#!/bin/sh\necho "ARGS $*" >> ${log}\n[ -t 0 ] || cat >> ${log}\n`);
  for (const tool of ['docker', 'docker-compose']) chmodSync(join(bin, tool), 0o755);
  return { bin, log };
}

describe('apply-secrets.sh and the secret declarations', () => {
  let repo = '';
  before(async () => {
    repo = await generate({ services: 'postgis,rabbitmq,tileserver,prometheus,grafana,nginx', grafanaPostgres: 'readonly' });
  });

  it('names only .env variables that .env holds, each with its own secret file', () => {
    const script = readFileSync(join(repo, 'scripts/apply-secrets.sh'), 'utf8');
    const env = envValues(readFileSync(join(repo, '.env'), 'utf8'));
    const calls = [...script.matchAll(/new_value (\S+) (\S+)\)/g)].map(m => [m[1]!, m[2]!] as const);
    assert.ok(calls.length >= 5, script);
    for (const [variable, secret] of calls) {
      assert.ok(env.get(variable), `${variable} (for ${secret}) is in .env`);
      assert.equal(readFileSync(join(repo, 'secrets', secret), 'utf8'), env.get(variable), `secrets/${secret} holds ${variable}`);
    }
  });

  it('in dev, sends grafana, rabbitmq and the database roles their .env values', () => {
    const { bin, log } = fakeEngine();
    const run = spawnSync('bash', [join(repo, 'scripts/apply-secrets.sh'), 'grafana', 'rabbitmq', 'db'], {
      encoding: 'utf8',
      input: '',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PORTAL_ENV: 'dev' },
    });
    assert.equal(run.status, 0, run.stderr);
    const sent = readFileSync(log, 'utf8');
    const env = envValues(readFileSync(join(repo, '.env'), 'utf8'));
    for (const variable of ['GRAFANA_ADMIN_PASSWORD', 'RABBITMQ_PASSWORD', 'POSTGRES_PASSWORD', 'GRAFANA_DB_PASSWORD', 'TILESERVER_DB_PASSWORD']) {
      assert.ok(sent.includes(env.get(variable)!), `${variable} sent: ${sent}`);
    }
    assert.match(sent, /up -d --force-recreate --no-deps grafana rabbitmq db/);
  });
});
