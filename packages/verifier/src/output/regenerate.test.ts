/**
 * Acceptance of re-runs on a repo the user edited: add, remove and a full re-run keep every edit, the
 * added service appears everywhere, a collision gives conflict markers and exit 4, add then remove gives
 * the previous bytes back, and the repo still passes the validators.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { freshFolder, generate } from 'generator-portal/testing/generate.js';
import { tree } from 'generator-portal/testing/tree-hash.js';
import { assertEditsKept, edit, editLikeAUser } from 'generator-portal/testing/user-edits.js';
import { checklistCheck } from '../checklist/index.js';
import { CHECKS, formatResult, verifyRepo } from '../verify/index.js';
import { portalSync } from 'generator-portal/testing/bin.js';

const portal = (args: string[], cwd: string) => portalSync(args, { cwd });

describe('re-running on a repo the user edited', () => {
  let pristine = '';
  before(async () => {
    pristine = await generate({});
  });

  it('add keeps every edit, puts the service everywhere, remove gives the previous bytes back', async () => {
    const repo = join(freshFolder('edited'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    editLikeAUser(repo);
    const edited = tree(repo);

    const doctor = portal(['doctor'], repo);
    assert.equal(doctor.status, 0, doctor.stderr);
    assert.match(doctor.stdout, /edited by you[^\n]*\n {2}docker-compose\.yml\n {2}nginx\/snippets\/routes\.conf/);

    const dry = portal(['add', 'celery', 'grafana', '--dry-run'], repo);
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^\+\+\+ b\/docker-compose\.yml$/m);
    assert.match(dry.stdout, /^\+ {2}celery-worker:$/m);
    assert.deepEqual(tree(repo), edited, '--dry-run wrote something');

    const add = portal(['add', 'celery', 'grafana'], repo);
    assert.equal(add.status, 0, add.stdout + add.stderr);
    assertEditsKept(repo);
    const compose = parse(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'));
    for (const service of ['celery-worker', 'celery-beat', 'grafana', 'prometheus']) assert.ok(compose.services[service], service);
    const jobs = parse(readFileSync(join(repo, 'prometheus/prometheus.yml'), 'utf8')).scrape_configs.map((job: { job_name: string }) => job.job_name);
    assert.ok(jobs.includes('grafana') && jobs.includes('backend'), String(jobs));
    assert.match(readFileSync(join(repo, 'nginx/snippets/routes.conf'), 'utf8'), /location \/grafana\/ \{/);
    assert.match(readFileSync(join(repo, 'docs/architecture.md'), 'utf8'), /celery-worker/);
    assert.match(readFileSync(join(repo, '.env'), 'utf8'), /^# Added by `portal add celery grafana`/m);
    // the real validators; the hardening checklist rightly flags the user's own unhardened mailhog
    const results = await verifyRepo(
      repo,
      CHECKS.filter(check => check !== checklistCheck),
    );
    assert.deepEqual(results.filter(r => r.status === 'failed').map(formatResult), []);

    // a re-run with the stored answers after the add writes no byte
    const afterAdd = tree(repo);
    const rerun = portal(['--yes'], repo);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.deepEqual(tree(repo), afterAdd, 'the re-run after add changed the repo');

    // with the data gone too (no Docker engine here: the volume is only named), every byte comes back
    const remove = portal(['remove', 'celery', 'grafana', '--delete-data'], repo);
    assert.equal(remove.status, 0, remove.stdout + remove.stderr);
    assert.deepEqual(tree(repo), edited);
    assert.ok(!existsSync(join(repo, 'grafana')), 'the grafana folder is left');
    const afterRemove = await verifyRepo(
      repo,
      CHECKS.filter(check => check !== checklistCheck),
    );
    assert.deepEqual(afterRemove.filter(r => r.status === 'failed').map(formatResult), []);
  });

  it('a full re-run with the same answers changes no byte of an edited repo', () => {
    const repo = join(freshFolder('same'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    editLikeAUser(repo);
    const edited = tree(repo);
    const rerun = portal(['--yes'], repo);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.deepEqual(tree(repo), edited);
  });

  it('an edit where the generator also changes gives conflict markers and exit 4, never a silent choice', () => {
    const repo = join(freshFolder('conflict'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    edit(repo, 'README.md', text => text.replace(/^(Container deployment of the .*)$/m, 'Our maps portal, run by the GIS team.'));
    const add = portal(['add', 'grafana'], repo);
    assert.equal(add.status, 4, add.stdout + add.stderr);
    assert.match(add.stderr, /resolve the <<<<<<< ======= >>>>>>> markers in: README\.md/);
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    assert.match(readme, /<<<<<<< yours\nOur maps portal, run by the GIS team\.\n=======\n[^\n]*Grafana[^\n]*\n>>>>>>> generator-portal/);
  });

  it('remove refuses a service still needed, and one never chosen, changing nothing', () => {
    const repo = join(freshFolder('refuse'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    const before = tree(repo);
    const needed = portal(['remove', 'postgis'], repo);
    assert.equal(needed.status, 2);
    assert.match(needed.stderr, /Invalid remove "postgis": added postgis: the tileserver serves tables from PostGIS/);
    const absent = portal(['remove', 'celery'], repo);
    assert.equal(absent.status, 2);
    assert.match(absent.stderr, /Invalid remove "celery": not among the chosen services/);
    assert.deepEqual(tree(repo), before);
  });

  it('remove keeps the data of a removed service unless --delete-data, and names it either way', async () => {
    const dataRoot = freshFolder('data');
    const repo = await generate({ services: 'postgis,redis,nginx', storage: 'bind', dataRoot });
    mkdirSync(join(dataRoot, 'redis-data'));
    writeFileSync(join(dataRoot, 'redis-data', 'appendonly.aof'), 'data');
    const keep = portal(['remove', 'redis'], repo);
    assert.equal(keep.status, 0, keep.stderr);
    assert.match(
      keep.stdout + keep.stderr,
      new RegExp(`kept the data of the removed services \\(folders\\): ${dataRoot}/redis-data, and the secrets that open it; pass --delete-data`),
    );
    assert.ok(existsSync(join(dataRoot, 'redis-data', 'appendonly.aof')));
    assert.equal(portal(['add', 'redis'], repo).status, 0);
    const drop = portal(['remove', 'redis', '--delete-data'], repo);
    assert.equal(drop.status, 0, drop.stderr);
    assert.match(drop.stdout + drop.stderr, new RegExp(`deleted ${dataRoot}/redis-data`));
    assert.ok(!existsSync(join(dataRoot, 'redis-data')));
  });

  it('keeps comments inside services, edited values in an added .env block, and stays byte-stable on odd edits', () => {
    const repo = join(freshFolder('odd'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    edit(repo, 'docker-compose.yml', text =>
      text.replace(/^( {2}db:\n)/m, '$1    # NOTE-db: restored from the 2023 dump\n').replace(/^( {4}mem_limit: 384m)$/m, '$1  # tuned after OOM'),
    );
    assert.equal(portal(['add', 'rabbitmq'], repo).status, 0);
    const compose = readFileSync(join(repo, 'docker-compose.yml'), 'utf8');
    assert.match(compose, /# NOTE-db: restored from the 2023 dump/);
    assert.match(compose, /mem_limit: 384m # tuned after OOM/);
    edit(repo, '.env', text => text.replace(/^RABBITMQ_VHOST=.*$/m, 'RABBITMQ_VHOST=myvhost'));
    assert.equal(portal(['remove', 'rabbitmq'], repo).status, 0);
    assert.match(readFileSync(join(repo, '.env'), 'utf8'), /^RABBITMQ_VHOST=myvhost$/m);
    // CRLF line ends and a flow list: an unchanged re-run leaves them alone
    edit(repo, 'redis/redis.conf', text => text.replaceAll('\n', '\r\n'));
    edit(repo, 'docker-compose.prod.yml', text =>
      text.replace(/^ {4}restart: no$/m, '    restart: "no"').replace('secrets:\n      - django_secret_key\n', 'secrets: [django_secret_key,\n'),
    );
    const before = tree(repo);
    assert.equal(portal(['--yes'], repo).status, 0);
    assert.deepEqual(tree(repo), before);
  });

  it('falls back to the line merge for YAML anchors, reports unresolved markers again, restores .yo-rc.json on remove', () => {
    const repo = join(freshFolder('anchors'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    edit(repo, 'docker-compose.yml', text => text.replace(/^services:\n/m, 'x-common: &common\n  stop_grace_period: 30s\nservices:\n'));
    const rerun = portal(['add', 'prometheus'], repo);
    assert.equal(rerun.status, 0, rerun.stderr);
    assert.match(readFileSync(join(repo, 'docker-compose.yml'), 'utf8'), /x-common: &common/);
    edit(repo, 'README.md', text => text.replace(/^(Container deployment of the .*)$/m, 'Our own words.'));
    assert.equal(portal(['add', 'grafana'], repo).status, 4);
    const again = portal(['--yes'], repo);
    assert.equal(again.status, 4, 'unresolved conflict markers went unreported');
    assert.match(again.stderr, /markers in: README\.md/);
    const rc = readFileSync(join(repo, '.yo-rc.json'), 'utf8');
    assert.equal(portal(['add', 'traefik'], repo).status, 4);
    assert.equal(portal(['remove', 'traefik'], repo).status, 4);
    assert.equal(readFileSync(join(repo, '.yo-rc.json'), 'utf8'), rc);
  });

  it('a service removed without --delete-data keeps the secrets of its kept data; added again, it uses them', () => {
    const repo = join(freshFolder('readd'), 'portal');
    cpSync(pristine, repo, { recursive: true });
    assert.equal(portal(['add', 'rabbitmq', 'celery'], repo).status, 0);
    const password = /^RABBITMQ_PASSWORD=(.*)$/m.exec(readFileSync(join(repo, '.env'), 'utf8'))![1];
    const removed = portal(['remove', 'celery', 'rabbitmq'], repo);
    assert.equal(removed.status, 0);
    assert.match(removed.stdout + removed.stderr, /kept the data of the removed services \(volumes\): portal_rabbitmq-data, and the secrets that open it/);
    assert.match(readFileSync(join(repo, '.env'), 'utf8'), new RegExp(`^RABBITMQ_PASSWORD=${password}$`, 'm'));
    rmSync(join(repo, 'secrets', 'rabbitmq_password'));
    assert.equal(portal(['add', 'rabbitmq'], repo).status, 0);
    assert.equal(readFileSync(join(repo, 'secrets', 'rabbitmq_password'), 'utf8'), password);
  });
});
