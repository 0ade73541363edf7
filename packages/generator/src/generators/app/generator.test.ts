import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import helpers from 'yeoman-test';
import { APP_GENERATOR, freshFolder, generate } from '../../testing/generate.js';
import { tree } from '../../testing/tree-hash.js';

const isSecretFile = (path: string) => path === '.env' || path.startsWith('secrets/');

describe('portal:app generator', () => {
  it('writes the complete repo for the defaults', async () => {
    const cwd = await generate({});
    for (const file of [
      'docker-compose.yml',
      'docker-compose.override.yml',
      'docker-compose.prod.yml',
      '.env',
      '.env.example',
      '.gitignore',
      '.dockerignore',
      '.yo-rc.json',
      'README.md',
      'docs/architecture.md',
      'backend/Dockerfile',
      'nginx/nginx.conf',
      'varnish/default.vcl',
      'postgres/initdb/01-extensions.sql',
      'redis/redis.conf',
      'scripts/restart.sh',
      'scripts/backup.sh',
      'scripts/restore.sh',
      'scripts/create-storage.sh',
      'scripts/create-secrets.sh',
      'backup/backup-loop.sh',
    ]) {
      assert.ok(existsSync(join(cwd, file)), `${file} missing`);
    }
    assert.equal(statSync(join(cwd, '.env')).mode & 0o777, 0o600);
    assert.equal(statSync(join(cwd, 'secrets')).mode & 0o777, 0o700);
    assert.equal(statSync(join(cwd, 'scripts/restart.sh')).mode & 0o111, 0o111);
  });

  it('stores the answers in .yo-rc.json and no secret anywhere but .env and secrets/', async () => {
    const cwd = await generate({ services: 'postgis,redis,rabbitmq,celery,grafana' });
    const stored = JSON.parse(readFileSync(join(cwd, '.yo-rc.json'), 'utf8'))['generator-portal'];
    assert.equal(stored.schemaVersion, 1);
    // the user's choice is stored; dependencies (prometheus for grafana) are derived again on every run
    assert.deepEqual(stored.services, ['postgis', 'redis', 'celery', 'rabbitmq', 'grafana']);
    const env = readFileSync(join(cwd, '.env'), 'utf8');
    const secrets = [...env.matchAll(/^[A-Z_]*(PASSWORD|SECRET_KEY)=(.+)$/gm)].map(m => m[2]!);
    assert.equal(secrets.length, 6);
    for (const [path] of Object.entries(tree(cwd, true))) {
      if (isSecretFile(path) || path.endsWith('/')) continue;
      const text = readFileSync(join(cwd, path), 'utf8');
      for (const secret of secrets) assert.ok(!text.includes(secret), `a secret leaked into ${path}`);
    }
    for (const line of readFileSync(join(cwd, '.env.example'), 'utf8').split('\n')) {
      if (/PASSWORD=|SECRET_KEY=/.test(line)) assert.match(line, /=$/, '.env.example must leave secrets empty');
    }
    assert.match(readFileSync(join(cwd, '.gitignore'), 'utf8'), /^\.env$[\s\S]*^secrets\/$/m);
  });

  it('gives the same bytes for the same answers, secrets aside', async () => {
    const options = { services: 'postgis,redis,celery,tileserver,varnish,nginx,prometheus,grafana' };
    const a = await generate(options, 'one');
    const b = await generate(options, 'one');
    const c = await generate(options, 'two');
    assert.deepEqual(tree(a, true), tree(b, true));
    const [ha, hc] = [tree(a, true), tree(c, true)];
    const differing = Object.keys(ha).filter(path => ha[path] !== hc[path]);
    assert.ok(differing.length > 0 && differing.every(isSecretFile), `non-secret files differ: ${differing.join(', ')}`);
  });

  it('asks through this.prompt when --yes is not given', async () => {
    const result = await helpers
      .run(APP_GENERATOR)
      .withOptions({ secretSeed: 's', skipInstall: true } as Record<string, unknown>)
      .withAnswers({ name: 'harbour-maps', domain: 'maps.example.org', backend: 'fastapi', services: ['postgis', 'tileserver'], storage: 'volumes' });
    const compose = parse(readFileSync(join(result.cwd, 'docker-compose.yml'), 'utf8'));
    // nginx added: only a proxy routes /tiles/ to the tileserver
    assert.deepEqual(Object.keys(compose.services), ['backend', 'db', 'tileserver', 'nginx']);
    assert.match(readFileSync(join(result.cwd, '.env'), 'utf8'), /^DOMAIN=maps\.example\.org$/m);
  });

  it('re-runs without changing a secret, and adds the variables of a new service', async () => {
    const cwd = await generate({});
    const before = readFileSync(join(cwd, '.env'), 'utf8');
    const result = await helpers
      .run(APP_GENERATOR)
      .cd(cwd)
      .withOptions({ yes: true, secretSeed: 'another-seed', services: 'postgis,redis,tileserver,varnish,nginx,backup,rabbitmq' } as Record<string, unknown>);
    const after = readFileSync(join(result.cwd, '.env'), 'utf8');
    assert.ok(after.startsWith(before), 'existing .env lines must stay as they were');
    assert.match(after.slice(before.length), /^RABBITMQ_PASSWORD=[A-Za-z0-9]{32}$/m);
    assert.equal(readFileSync(join(cwd, 'secrets/postgres_password'), 'utf8').length, 32);
  });

  it('refuses bad input with one clear error and writes nothing', async () => {
    for (const [options, message] of [
      [{ name: 'Bad Name' }, /--name "Bad Name"/],
      [{ services: 'postgis,mongo' }, /--services "mongo"/],
      [{ backend: 'image', backendImage: 'acme/api' }, /--backend-image "acme\/api"/],
      [{ backend: 'node', services: 'celery' }, /Celery runs Python tasks/],
    ] as const) {
      const folder = freshFolder();
      await assert.rejects(
        helpers
          .run(APP_GENERATOR)
          .cd(folder)
          .withOptions({ yes: true, skipInstall: true, ...options } as Record<string, unknown>),
        message,
      );
      assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], [], `files written for ${JSON.stringify(options)}`);
    }
  });

  it('leaves an existing repo untouched when the new answers are bad', async () => {
    const cwd = await generate({});
    writeFileSync(join(cwd, 'nginx/snippets/routes.conf'), '# edited by hand\n');
    const before = tree(cwd, true);
    await assert.rejects(
      helpers
        .run(APP_GENERATOR)
        .cd(cwd)
        .withOptions({ yes: true, skipInstall: true, storage: 'bind', dataRoot: 'relative/path' } as Record<string, unknown>),
      /--data-root "relative\/path"/,
    );
    assert.deepEqual(tree(cwd, true), before);
  });

  it("reads answers from a JSON file (or another portal's .yo-rc.json); command-line options win", async () => {
    const file = join(freshFolder('answers'), 'answers.json');
    writeFileSync(file, JSON.stringify({ name: 'city-maps', domain: 'maps.example.org', services: ['postgis', 'nginx'], backend: 'fastapi' }));
    const cwd = await generate({ answers: file, backend: 'node' });
    const stored = JSON.parse(readFileSync(join(cwd, '.yo-rc.json'), 'utf8'))['generator-portal'];
    assert.deepEqual([stored.name, stored.domain, stored.backend, stored.services], ['city-maps', 'maps.example.org', 'node', ['postgis', 'nginx']]);
    const copy = await generate({ answers: join(cwd, '.yo-rc.json') });
    assert.equal(JSON.parse(readFileSync(join(copy, '.yo-rc.json'), 'utf8'))['generator-portal'].domain, 'maps.example.org');
  });

  it('leaves the destination as it was when writing fails half way (disk full)', async () => {
    const cwd = await generate({});
    writeFileSync(join(cwd, 'nginx/snippets/routes.conf'), '# edited by hand\n');
    const before = tree(cwd, true);
    // the 5th rename into place fails, after earlier files were already replaced
    let renames = 0;
    const rename = fs.renameSync;
    fs.renameSync = ((from: string, to: string) => {
      if (!String(to).includes('/.portal/') && ++renames === 5) {
        throw Object.assign(new Error('ENOSPC: no space left on device, rename'), { code: 'ENOSPC' });
      }
      return rename(from, to);
    }) as typeof fs.renameSync;
    try {
      await assert.rejects(
        helpers
          .run(APP_GENERATOR)
          .cd(cwd)
          .withOptions({ yes: true, skipInstall: true, secretSeed: 'test-seed', force: true, services: 'postgis,redis,celery,nginx,prometheus' } as Record<
            string,
            unknown
          >),
        /could not write .* \(no space left on the device\); every file was put back as it was/,
      );
    } finally {
      fs.renameSync = rename;
    }
    assert.ok(renames >= 5, 'the failure was not reached');
    assert.deepEqual(tree(cwd, true), before);
  });
});
