/** What differs between deployments: an instance's own files and names, long names cut, the docs' facts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { modelOf } from '../../testing/model.js';
import { planFiles } from '../file-plan.js';
import { seededSecrets } from '../secret-source.js';
import { versionedName } from './names.js';
import { swarmStackFiles } from './stack.js';
import type { StackFile } from './stack-types.js';

const model = modelOf({ services: 'postgis,redis,celery,varnish,nginx,prometheus,backup', instances: [{ name: 'staging', domain: 'staging.example.org' }] });
const plan = planFiles(model, seededSecrets('x'));
const files = swarmStackFiles(model, plan);
const file = (path: string) => files.find(f => f.path === path)!.content;
const prod = parse(file('deploy/swarm/stack.yml')) as StackFile;
const staging = parse(file('deploy/swarm/instances/staging.yml')) as StackFile;

describe('swarm deployments', () => {
  it('an instance reads its own secret files and site, under its own names and node labels', () => {
    for (const secret of Object.values(staging.secrets ?? {})) {
      assert.match(secret.file, /^\.\.\/\.\.\/\.\.\/secrets\/staging\/[a-z_]+$/);
      assert.match(secret.name, /^portal-staging_/);
    }
    const site = staging.services.nginx!.configs!.find(c => c.target === '/etc/nginx/conf.d/default.conf')!;
    assert.equal(staging.configs![site.source]!.file, '../../../nginx/sites/staging.conf');
    const prodSite = prod.services.nginx!.configs!.find(c => c.target === '/etc/nginx/conf.d/default.conf')!;
    assert.equal(prod.configs![prodSite.source]!.file, '../../nginx/sites/prod.conf');
    assert.deepEqual(staging.services.db!.deploy.placement?.constraints, ['node.labels.portal-staging.pgdata==true']);
    assert.deepEqual(prod.services.db!.deploy.placement?.constraints, ['node.labels.portal.pgdata==true']);
  });

  it('a folder mount becomes one config per planned file, at the same place below the target', () => {
    const snippets = plan
      .filter(f => f.path.startsWith('nginx/snippets/'))
      .map(f => f.path)
      .sort();
    const mounted = prod.services.nginx!.configs!.filter(c => c.target.startsWith('/etc/nginx/snippets/')).map(c => prod.configs![c.source]!.file);
    assert.deepEqual(
      mounted.sort(),
      snippets.map(path => `../../${path}`),
    );
  });

  it('an executable file keeps its exec bit as a config; the others are left at 0444', () => {
    const scripts = Object.entries(prod.configs ?? {}).filter(([, c]) => c.file.endsWith('.sh') && !c.file.endsWith('wait-for.sh'));
    assert.ok(scripts.length > 0);
    for (const service of Object.values(prod.services)) {
      for (const reference of service.configs ?? []) {
        const executable = plan.find(f => `../../${f.path}` === prod.configs![reference.source]!.file)?.mode === 0o755;
        assert.equal(reference.mode, executable ? 0o555 : undefined, reference.source);
      }
    }
  });

  it('varnish keeps an exec-able work folder as an anonymous volume, the rest tmpfs with a byte size', () => {
    const volumes = prod.services.varnish!.volumes!;
    assert.ok(volumes.some(v => typeof v === 'object' && v.type === 'volume' && v.target === '/var/lib/varnish'));
    assert.ok(!volumes.some(v => typeof v === 'object' && v.type === 'tmpfs' && v.target === '/var/lib/varnish'));
    const tmp = prod.services.backend!.volumes!.find(v => typeof v === 'object' && v.target === '/tmp');
    assert.deepEqual(tmp, { type: 'tmpfs', target: '/tmp', tmpfs: { size: 64 * 1024 * 1024 } });
  });

  it('app containers wait for their dependencies through the wait script; the others keep their command', () => {
    assert.deepEqual(prod.services.backend!.entrypoint!.slice(0, 2), ['/bin/sh', '/run/portal/wait-for.sh']);
    assert.ok(prod.services.backend!.entrypoint!.includes('run:python manage.py migrate --check'));
    assert.ok(prod.services['celery-worker']!.entrypoint!.includes('tcp:redis:6379'));
    assert.equal(prod.services.nginx!.entrypoint, undefined);
    assert.ok(files.some(f => f.path === 'deploy/swarm/wait-for.sh' && f.mode === 0o755));
  });

  it('a name too long for Swarm is cut and keeps a hash of the whole', () => {
    const project = 'a'.repeat(40);
    const long = versionedName(project, 'grafana_provisioning_datasources_prometheus.yml', 'CONFIGS_VERSION');
    const short = versionedName(project, 'grafana_provisioning_dashboards_portal.yml', 'CONFIGS_VERSION');
    for (const name of [long, short]) assert.ok(name.replace(/\$\{.*\}$/, '9999').length <= 64, name);
    assert.notEqual(long, short);
  });

  it('docs/swarm.md names the node labels, every secret version and the waits', () => {
    const doc = file('docs/swarm.md');
    for (const label of ['portal.pgdata', 'portal.static', 'portal.media']) assert.ok(doc.includes(`--label-add ${label}=true`), label);
    for (const variable of ['POSTGRES_PASSWORD_VERSION', 'REDIS_PASSWORD_VERSION', 'CONFIGS_VERSION']) assert.ok(doc.includes(variable), variable);
    assert.match(doc, /\| backend \| `tcp:db:5432, run:python manage\.py migrate --check/);
    assert.match(doc, /security_opt/);
    assert.ok(doc.includes('deploy/swarm/instances/staging.yml') || doc.includes('deploy/swarm/instances/<name>.yml'));
  });
});
