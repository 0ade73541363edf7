/** Martin, added as its module and one registry line: what the rest of the stack does for it without being told. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderCompose } from '../../render/compose.js';
import { planFiles } from '../../render/file-plan.js';
import { hiddenMetricsPaths } from '../../render/nginx.js';
import { seededSecrets } from '../../render/secret-source.js';
import { modelOf } from '../../testing/model.js';
import { MARTIN_IMAGE, MARTIN_PORT } from './martin.js';

/** What compose hands the shell: `$$` becomes `$`. */
const shell = (script: string) => script.replaceAll('$$', '$');

describe('martin', () => {
  const model = modelOf({ services: 'martin,varnish,prometheus' });
  const { base, dev, prod } = renderCompose(model);
  const files = planFiles(model, seededSecrets('t'));
  const file = (path: string) => files.find(f => f.path === path)?.content ?? '';

  it('brings what it needs, each with its sentence', () => {
    assert.ok(model.services.includes('postgis') && model.services.includes('nginx'));
    assert.ok(model.notes.includes('added postgis: martin serves tables from PostGIS'));
    assert.ok(model.notes.includes('added nginx: martin answers at its root, and nginx strips /martin/ off'));
  });

  it('is a hardened compose service: pinned image, no root, read-only, probed on /health, waits for the database', () => {
    const martin = base.services.martin!;
    assert.equal(martin.image, MARTIN_IMAGE);
    assert.equal(martin.user, '65534:65534');
    assert.equal(martin.read_only, true);
    assert.deepEqual(martin.cap_drop, ['ALL']);
    assert.deepEqual(martin.healthcheck?.test, ['CMD', 'wget', '-q', '--spider', `http://127.0.0.1:${MARTIN_PORT}/health`]);
    assert.deepEqual(martin.depends_on, { db: { condition: 'service_healthy' } });
    assert.deepEqual(martin.networks, ['internal']);
    assert.equal(dev.services.martin?.environment?.MARTIN_DB_PASSWORD, '${MARTIN_DB_PASSWORD}');
    assert.equal(prod.services.martin?.environment?.MARTIN_DB_PASSWORD_FILE, '/run/secrets/martin_db_password');
    assert.deepEqual(prod.services.martin?.secrets, ['martin_db_password']);
  });

  it('starts martin with DATABASE_URL built from the secret file, and refuses an empty one', () => {
    const bin = mkdtempSync(join(tmpdir(), 'portal-martin-'));
    writeFileSync(join(bin, 'martin'), '#!/bin/sh\necho "url=$DATABASE_URL args=$*"\n', { mode: 0o755 });
    // a password set by hand: every byte percent-encoded, which the URL's reader decodes back
    const handSet = 'p@ss/w:rd%20 #?é';
    writeFileSync(join(bin, 'secret'), handSet);
    writeFileSync(join(bin, 'empty'), '');
    const script = shell(base.services.martin!.entrypoint!.at(-1)!);
    const run = (file: string) =>
      spawnSync('sh', ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin`, POSTGRES_DB: 'portal', MARTIN_DB_PASSWORD_FILE: file } });
    const started = run(join(bin, 'secret'));
    assert.equal(started.status, 0, started.stderr);
    const [, url, args] = /^url=(\S+) args=(.*)$/.exec(started.stdout.trim()) ?? [];
    assert.equal(args, `--listen-addresses 0.0.0.0:${MARTIN_PORT} --base-path /martin`);
    const parsed = new URL(url!);
    assert.deepEqual(
      [parsed.protocol, parsed.username, decodeURIComponent(parsed.password), parsed.host, parsed.pathname],
      ['postgres:', 'martin', handSet, 'db:5432', '/portal'],
    );
    assert.notEqual(run(join(bin, 'empty')).status, 0);
  });

  it('gets a read-only role from the database, whose password the database declares and apply-secrets changes', () => {
    assert.deepEqual(
      model.databaseRoles.map(role => role.name),
      ['exporter', 'martin'],
    );
    assert.ok(model.secrets.some(s => s.name === 'martin_db_password' && s.env === 'MARTIN_DB_PASSWORD'));
    const roles = file('postgres/initdb/02-roles.sh');
    assert.match(roles, /^martin_password=\$\(read_secret MARTIN_DB_PASSWORD\)$/m);
    assert.match(roles, /^CREATE ROLE martin LOGIN PASSWORD :'password' NOSUPERUSER NOCREATEDB NOCREATEROLE;$/m);
    assert.match(roles, /^ALTER ROLE martin SET default_transaction_read_only = on;$/m);
    assert.match(roles, /^GRANT SELECT ON ALL TABLES IN SCHEMA tiles TO martin;$/m);
    assert.doesNotMatch(roles, /SCHEMA public TO martin/);
    assert.equal(dev.services.db?.environment?.MARTIN_DB_PASSWORD, '${MARTIN_DB_PASSWORD}');
    assert.match(file('scripts/apply-secrets.sh'), /"martin" "\$password_\d+"/);
  });

  it('is routed by nginx under /martin/ with the prefix stripped, never through varnish, its metrics hidden', () => {
    const routes = file('nginx/snippets/routes.conf');
    assert.match(routes, /location \/martin\/ \{[^}]*proxy_pass http:\/\/martin\/;/);
    assert.ok(hiddenMetricsPaths(model).includes('/martin/_/metrics'));
    assert.doesNotMatch(file('varnish/default.vcl'), /be_martin/);
    assert.ok(file('varnish/default.vcl').includes('^/martin/_/metrics'), 'varnish refuses the metrics path too');
    assert.ok(model.scrape.some(target => target.job === 'martin' && target.metricsPath === '/_/metrics'));
  });

  it("has its own README section, and the tileserver's is left out without the tileserver", () => {
    const readme = file('README.md');
    assert.match(readme, /^## Vector tiles with Martin\n\nMartin answers under `\/martin\/`: `\/martin\/catalog` lists/m);
    assert.doesNotMatch(readme, /^## Map layers$/m);
  });

  it('keeps its path from apps and folders even when not chosen (its sitePaths, checked by the model)', () => {
    const app = { id: 'maps', image: 'acme/maps:1.0.0', port: 8080, route: '/martin/' };
    assert.throws(() => modelOf({ services: 'postgis,nginx', apps: [app] } as never), /--route "\/martin\/" of app "maps": martin answers there when chosen/);
    assert.doesNotThrow(() => modelOf({ services: 'postgis,nginx', apps: [{ ...app, route: '/maps/' }] } as never));
  });
});
