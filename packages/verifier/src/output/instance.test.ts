/**
 * Acceptance of deployment instances and presets together: every preset, alone and with two instances
 * added by `portal instance add`, passes the real validators and the checklist; adding an instance to a
 * repo the user edited keeps every edit; restart.sh picks the instance by name or domain and refuses others.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { PRESET_IDS } from 'generator-portal/answers/answers.js';
import { freshFolder, generate } from 'generator-portal/testing/generate.js';
import { tree } from 'generator-portal/testing/tree-hash.js';
import { assertEditsKept, editLikeAUser } from 'generator-portal/testing/user-edits.js';
import { formatResult, verifyRepo } from '../verify/index.js';
import { portalSync } from 'generator-portal/testing/bin.js';

const portal = (args: string[], cwd: string) => portalSync([...args, '--secret-seed', 'instances'], { cwd });
const strict = process.env.CI === 'true';

async function assertVerified(repo: string, label: string): Promise<string[]> {
  const results = await verifyRepo(repo);
  const bad = results.filter(r => r.status === 'failed' || (strict && r.status === 'skipped'));
  assert.deepEqual(bad.map(formatResult), [], `${label} (${repo})`);
  return results.map(r => r.name);
}

function addInstance(repo: string, name: string, domain: string): void {
  const run = portal(['instance', 'add', name, '--domain', domain], repo);
  assert.equal(run.status, 0, run.stderr + run.stdout);
}

describe('every preset, alone and with two instances, passes the validators and the checklist', () => {
  for (const preset of PRESET_IDS) {
    it(preset, async () => {
      const repo = await generate({ preset, imageTag: '2.3.1' });
      await assertVerified(repo, preset);
      addInstance(repo, 'eu', `eu.${preset}.example.org`);
      addInstance(repo, 'ke', `${preset}.example.co.ke`);
      const names = await assertVerified(repo, `${preset} + 2 instances`);
      for (const instance of ['eu', 'ke']) {
        assert.ok(names.includes(`docker-compose config (base + prod + instances/${instance}.yml)`), `${instance} checked by docker-compose`);
        assert.ok(existsSync(join(repo, `instances/${instance}.env`)));
        assert.equal(statSync(join(repo, `instances/${instance}.env`)).mode & 0o777, 0o600);
      }
    });
  }
});

describe('portal instance add', () => {
  it('gives the instance its own env file, secrets, database volume, domain and docs entry', async () => {
    const repo = await generate({ services: 'postgis,redis,nginx,backup' });
    addInstance(repo, 'staging', 'staging.maps.example.org');
    const read = (path: string) => readFileSync(join(repo, path), 'utf8');
    const env = read('instances/staging.env');
    assert.match(env, /^COMPOSE_PROJECT_NAME=portal-staging$/m);
    assert.match(env, /^DOMAIN=staging\.maps\.example\.org$/m);
    const password = /^POSTGRES_PASSWORD=(\w{32})$/m.exec(env)?.[1];
    assert.ok(password, 'a generated password');
    assert.notEqual(password, /^POSTGRES_PASSWORD=(\w+)$/m.exec(read('.env'))?.[1], "its own password, not prod's");
    assert.equal(read('secrets/staging/postgres_password'), password);
    const override = parse(read('instances/staging.yml'));
    // named after the instance's project (its env file), so a renamed portal keeps its data
    assert.equal(override.volumes.pgdata.name, '${COMPOSE_PROJECT_NAME}_pgdata');
    assert.equal(override.secrets.postgres_password.file, './secrets/staging/postgres_password');
    assert.match(read('nginx/sites/staging.conf'), /server_name staging\.maps\.example\.org;/);
    assert.match(read('docs/architecture.md'), /\| `staging` \| staging\.maps\.example\.org \| `PORTAL_INSTANCE=staging scripts\/restart\.sh` \|/);
    assert.match(read('.gitignore'), /^instances\/\*\.env$/m);
    assert.ok(!read('.yo-rc.json').includes(password!), 'no secret in .yo-rc.json');
    // a fresh clone on the staging server: create-secrets.sh rebuilds the instance's files, not prod's
    rmSync(join(repo, 'instances/staging.env'));
    rmSync(join(repo, 'secrets/staging'), { recursive: true });
    const mainEnv = read('.env');
    const created = spawnSync('bash', ['scripts/create-secrets.sh'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, PORTAL_INSTANCE: 'staging.maps.example.org' },
    });
    assert.equal(created.status, 0, created.stderr);
    const fresh = /^POSTGRES_PASSWORD=(\w{32})$/m.exec(read('instances/staging.env'))?.[1];
    assert.ok(fresh);
    assert.equal(read('secrets/staging/postgres_password'), fresh);
    assert.equal(statSync(join(repo, 'instances/staging.env')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(repo, 'secrets/staging/tls/privkey.pem')), 'its own certificate');
    assert.match(read('instances/staging.env'), /^DOMAIN=staging\.maps\.example\.org$/m);
    assert.equal(read('.env'), mainEnv);
  });

  it('keeps every edit of a user-edited repo, and a second run changes nothing', async () => {
    const pristine = await generate({});
    const repo = join(freshFolder('edited'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    editLikeAUser(repo);
    addInstance(repo, 'staging', 'staging.portal.example.org');
    assertEditsKept(repo);
    assert.ok(existsSync(join(repo, 'instances/staging.yml')));
    const after = tree(repo);
    addInstance(repo, 'staging', 'staging.portal.example.org');
    assert.deepEqual(tree(repo), after);
  });

  it('refuses a bad name, a taken domain or a missing domain, and changes nothing', async () => {
    const repo = await generate({});
    const before = tree(repo);
    for (const [args, culprit] of [
      [['instance', 'add', 'Staging!', '--domain', 'x.example.org'], /Invalid --instance "Staging!"/],
      [['instance', 'add', 'prod', '--domain', 'x.example.org'], /Invalid --instance "prod"/],
      [['instance', 'add', 'tls', '--domain', 'x.example.org'], /Invalid --instance "tls": expected a name other than dev, prod, tls/],
      [['instance', 'add', 'staging'], /Invalid --domain "": instance "staging" needs the domain/],
      [['instance', 'add', 'staging', '--domain', 'portal.localhost'], /Invalid --domain "portal.localhost"/],
      [['instance', 'remove', 'nope'], /Invalid instance "nope"/],
    ] as const) {
      const run = portal([...args], repo);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, culprit);
    }
    assert.deepEqual(tree(repo), before);
  });

  it('restart.sh picks the instance by name or domain and refuses an unknown one', async () => {
    const repo = await generate({ preset: 'systemapic', imageTag: '2.3.1' });
    addInstance(repo, 'staging', 'staging.systemapic.example.org');
    // stand-in docker: prints the compose command it would run
    const bin = freshFolder('bin');
    writeFileSync(join(bin, 'docker'), '#!/bin/sh\necho "$@"\n', { mode: 0o755 });
    const run = (envs: Record<string, string>) =>
      spawnSync('bash', ['scripts/restart.sh', 'config'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, ...envs },
      });
    for (const envs of <Record<string, string>[]>[
      { PORTAL_INSTANCE: 'staging' },
      { PORTAL_INSTANCE: 'staging.systemapic.example.org' },
      { SYSTEMAPIC_DOMAIN: 'staging.systemapic.example.org' },
    ]) {
      const result = run(envs);
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stdout,
        /compose --env-file instances\/staging\.env -f docker-compose\.yml -f docker-compose\.prod\.yml -f instances\/staging\.yml config/,
      );
    }
    const prod = run({ SYSTEMAPIC_DOMAIN: 'systemapic.localhost' });
    assert.match(prod.stdout, /compose --env-file \.env -f docker-compose\.yml -f docker-compose\.prod\.yml config/);
    const unknown = run({ PORTAL_INSTANCE: 'nowhere.example.org' });
    assert.equal(unknown.status, 2);
    assert.match(
      unknown.stderr,
      /unknown instance 'nowhere\.example\.org': use one of dev:localhost prod:systemapic\.localhost staging:staging\.systemapic\.example\.org/,
    );
    assert.match(run({ SYSTEMAPIC_DOMAIN: 'localhost' }).stdout, /-f docker-compose\.override\.yml config/);
    // each deployment rotates its own backups (the stand-in docker writes no file archive, so only the dump is checked)
    const backup = spawnSync('bash', ['scripts/backup.sh'], {
      cwd: repo,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, PORTAL_INSTANCE: 'staging' },
    });
    assert.match(backup.stdout, /database: .*\/backups\/staging\/db\/systemapic-\d{8}T\d{6}Z\.dump/);
  });

  it('moves an instance to a new domain unless the user changed DOMAIN, and hides its secrets in --dry-run', async () => {
    const repo = await generate({ services: 'postgis,nginx' });
    addInstance(repo, 'eu', 'eu.example.org');
    addInstance(repo, 'eu', 'europe.example.org');
    const env = () => readFileSync(join(repo, 'instances/eu.env'), 'utf8');
    assert.match(env(), /^DOMAIN=europe\.example\.org$/m);
    assert.match(readFileSync(join(repo, 'nginx/sites/eu.conf'), 'utf8'), /server_name europe\.example\.org;/);
    writeFileSync(join(repo, 'instances/eu.env'), env().replace(/^DOMAIN=.*$/m, 'DOMAIN=mine.example.org'));
    addInstance(repo, 'eu', 'eu2.example.org');
    assert.match(env(), /^DOMAIN=mine\.example\.org$/m);
    const dry = portal(['instance', 'add', 'zz', '--domain', 'zz.example.org', '--dry-run'], repo);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /\+\+\+ b\/instances\/zz\.env\n\+\(changed; secret values are not shown\)/);
    assert.doesNotMatch(dry.stdout, /POSTGRES_PASSWORD=\w/);
    // the same from another folder, through --out
    const outside = portalSync(['instance', 'add', 'zz', '--domain', 'zz.example.org', '--dry-run', '--out', repo], { cwd: dirname(repo) });
    assert.equal(outside.status, 0, outside.stderr);
    assert.match(outside.stdout, /\+\+\+ b\/instances\/zz\.env\n\+\(changed; secret values are not shown\)/);
    assert.doesNotMatch(outside.stdout, /PASSWORD=\w/);
    assert.ok(!existsSync(join(repo, 'instances/zz.env')));
  });

  it('a removed service takes its secret files from every instance with --delete-data, a removed instance keeps its own', async () => {
    const repo = await generate({ services: 'postgis,nginx,prometheus,grafana' });
    addInstance(repo, 'eu', 'eu.example.org');
    assert.ok(existsSync(join(repo, 'secrets/eu/grafana_admin_password')));
    const removed = portal(['remove', 'grafana', '--delete-data'], repo);
    assert.equal(removed.status, 0, removed.stderr);
    assert.ok(!existsSync(join(repo, 'secrets/eu/grafana_admin_password')));
    const gone = portal(['instance', 'remove', 'eu'], repo);
    assert.equal(gone.status, 0, gone.stderr);
    assert.ok(!existsSync(join(repo, 'instances/eu.yml')));
    assert.ok(existsSync(join(repo, 'instances/eu.env')) && existsSync(join(repo, 'secrets/eu/postgres_password')));
  });
});
