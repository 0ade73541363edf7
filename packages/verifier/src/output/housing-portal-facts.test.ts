/**
 * The housing-portal preset against its real deployment, GPRH/housing_portal: each row is a fact read from
 * one file of that repository at one commit, asserted in the generated repo or in what `docker-compose
 * config` makes of it (prod, and prod + the staging instance).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from 'generator-portal/testing/generate.js';
import { composeModel } from './compose-model.js';

/** GPRH/housing_portal at the commit its facts were read from. */
const COMMIT = 'c0b65d93f736f0f9f9a09217fe2a05c8c3fb2f01';

type Service = Record<string, unknown> & { environment?: Record<string, string>; volumes?: unknown[] };
interface Compose {
  readonly services: Record<string, Service>;
  readonly volumes?: Record<string, { driver_opts?: { device?: string } } | null>;
}
interface Repo {
  readonly root: string;
  read(path: string): string;
  /** The base file as written. */
  readonly base: Compose;
  /** `docker-compose config` of base + prod with .env.example. */
  readonly prod: Compose;
  /** `docker-compose config` of base + prod + instances/staging.yml with its env file. */
  readonly staging: Compose;
  readonly dev: Compose;
}
type Fact = readonly [fact: string, holds: (repo: Repo) => void];

const upstream = (fact: string, file: string, holds: Fact[1]): Fact => [`${fact} (GPRH/housing_portal ${file} @ ${COMMIT})`, holds];

const composeConfig = (root: string, fileSet: string[]): Compose => composeModel<Compose>(root, fileSet);

const service = (compose: Compose, name: string): Service => {
  const found = compose.services[name];
  assert.ok(found, `service ${name}`);
  return found;
};
const setting =
  (name: string, value: string): Fact[1] =>
  repo =>
    assert.equal(service(repo.base, 'backend').environment?.[name], value, `${name} of backend`);
/** Where each mount target of a service lives on the host, from `docker-compose config` output (bind storage: the volume's device). */
const hostPaths = (compose: Compose, name: string): Record<string, string> =>
  Object.fromEntries(
    ((service(compose, name).volumes ?? []) as string[]).map(v => {
      const [source = '', target = ''] = v.split(':');
      return [target, compose.volumes?.[source]?.driver_opts?.device ?? source];
    }),
  );
/** The long-form bind mounts of a service (an app's source in dev). */
const bindMounts = (compose: Compose, name: string): unknown[] =>
  (service(compose, name).volumes ?? []).filter(v => typeof v === 'object' && (v as { type?: string }).type === 'bind');
const location = (repo: Repo, path: string): string | undefined =>
  new RegExp(`location ${path.replace(/[/.]/g, '\\$&')} \\{[^}]*\\}`).exec(repo.read('nginx/snippets/routes.conf'))?.[0];

const FACTS: readonly Fact[] = [
  upstream(
    '/protected/images/, /protected/exports/, /protected/drone/ are internal locations on the folders (X-Accel-Redirect)',
    'provision/files/nginx_site.conf',
    repo => {
      for (const folder of ['images', 'exports', 'drone']) {
        const block = location(repo, `/protected/${folder}/`) ?? '';
        assert.match(block, /^\s*internal;$/m, folder);
        assert.match(block, new RegExp(`alias /srv/${folder}/;`), folder);
        assert.ok(
          ((service(repo.prod, 'nginx').volumes ?? []) as string[]).some(v => v.endsWith(`:/srv/${folder}:ro`)),
          `nginx mounts ${folder} read-only`,
        );
      }
    },
  ),
  upstream(
    "django-sendfile redirects to /protected + the file's path (SENDFILE_URL /protected, SENDFILE_ROOT /): the same volume at /<folder> in the backend and behind /protected/<folder>/",
    'backend/config/settings/base.py',
    repo => {
      const backend = (service(repo.prod, 'backend').volumes ?? []) as string[];
      const nginx = (service(repo.prod, 'nginx').volumes ?? []) as string[];
      for (const folder of ['images', 'exports', 'drone']) {
        const volume = backend.find(v => v.split(':')[1] === `/${folder}`)?.split(':')[0];
        assert.ok(volume, `backend mounts /${folder}`);
        assert.ok(nginx.includes(`${volume}:/srv/${folder}:ro`), `nginx serves ${volume} behind /protected/${folder}/`);
      }
    },
  ),
  upstream('^/(admin|api) go to gunicorn with a 120 s read timeout', 'provision/files/nginx_site.conf', repo => {
    for (const path of ['/api/', '/admin/', '/']) {
      assert.match(location(repo, path) ?? '', /proxy_pass http:\/\/backend;/, path);
      assert.match(location(repo, path) ?? '', /proxy_read_timeout 120s;/, path);
    }
  }),
  upstream('client_max_body_size 20M on the production site', 'provision/files/nginx_site.conf', repo => {
    for (const path of ['/api/', '/admin/', '/']) assert.match(location(repo, path) ?? '', /client_max_body_size 20m;/, path);
  }),
  upstream('the backend image starts with /gunicorn.sh (no source mount, no wait script needed)', 'staging.yml', repo =>
    assert.deepEqual(service(repo.prod, 'backend').command, ['/gunicorn.sh']),
  ),
  upstream('the production image copies gunicorn.sh to / and sets no USER', 'backend/compose/production/Dockerfile', repo =>
    assert.match(String(service(repo.base, 'backend').image), /^housing-portal-backend:2\.3\.1$/),
  ),
  upstream('gunicorn binds 0.0.0.0:8000', 'backend/compose/scripts/gunicorn.sh', repo => {
    assert.match(JSON.stringify(service(repo.base, 'backend').healthcheck), /127\.0\.0\.1 8000/);
    assert.match(repo.read('nginx/snippets/upstreams.conf'), /server backend:8000/);
  }),
  upstream('Django dials HOST pgbouncer, PORT 5439', 'backend/config/settings/base.py', repo => {
    assert.match(repo.read('pgbouncer/pgbouncer.ini'), /^listen_port = 5439$/m);
    assert.ok(service(repo.prod, 'pgbouncer'));
    assert.ok('pgbouncer' in (service(repo.base, 'backend').depends_on as object));
  }),
  upstream('the database name comes from POSTGRES_DB', 'backend/config/settings/base.py', setting('POSTGRES_DB', '${POSTGRES_DB}')),
  upstream('DATABASES has no USER or PASSWORD: libpq reads PGUSER and PGPASSWORD', 'backend/config/settings/base.py', repo => {
    assert.equal(service(repo.base, 'backend').environment?.PGUSER, '${POSTGRES_USER}');
    assert.equal(service(repo.base, 'backend').environment?.PGPASSWORD, '${POSTGRES_PASSWORD}');
  }),
  upstream('PgBouncer pools in transaction mode', 'docs/dev/develop.md', repo =>
    assert.match(repo.read('pgbouncer/pgbouncer.ini'), /^pool_mode = transaction$/m),
  ),
  upstream('PgBouncer answers the app on 5439 in the staging deployment too', 'staging.yml', repo =>
    assert.match(JSON.stringify(service(repo.staging, 'pgbouncer').healthcheck), /-p 5439/),
  ),
  upstream('SECRET_KEY is required (env.str)', 'backend/config/settings/base.py', repo => {
    assert.equal(service(repo.base, 'backend').environment?.SECRET_KEY, '${BACKEND_SECRET_KEY}');
    assert.match(repo.read('.env'), /^BACKEND_SECRET_KEY=\S{20,}$/m);
  }),
  upstream('DEBUG is required (env.bool)', 'backend/config/settings/base.py', setting('DEBUG', 'False')),
  upstream('DOMAIN is required (env.str)', 'backend/config/settings/base.py', repo =>
    assert.equal(service(repo.prod, 'backend').environment?.DOMAIN, 'housing-portal.localhost'),
  ),
  upstream('ALLOWED_HOSTS is a list (env.list)', 'backend/config/settings/base.py', repo =>
    assert.equal(service(repo.staging, 'backend').environment?.ALLOWED_HOSTS, 'staging.housing-portal.localhost'),
  ),
  upstream(
    'the cache is REDIS_URL (default redis://redis:6379), /0 appended',
    'backend/config/settings/production.py',
    setting('REDIS_URL', 'redis://:${REDIS_PASSWORD}@redis:6379'),
  ),
  upstream('wsgi.py loads config.settings.production', 'backend/config/wsgi.py', setting('DJANGO_SETTINGS_MODULE', 'config.settings.production')),
  upstream('EXPORTS_DIR, IMAGE_DIR and DRONE_IMAGE_DIR are the mount paths', 'docs/dev/develop.md', repo => {
    const env = service(repo.base, 'backend').environment!;
    assert.deepEqual([env.EXPORTS_DIR, env.IMAGE_DIR, env.DRONE_IMAGE_DIR], ['/exports/', '/images/', '/drone/']);
  }),
  upstream('AWS_* are required by the base settings', 'backend/config/settings/base.py', repo => {
    const env = service(repo.base, 'backend').environment!;
    for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_STORAGE_BUCKET_NAME', 'AWS_S3_ENDPOINT_URL', 'AWS_S3_REGION_NAME'])
      assert.ok(name in env, name);
  }),
  upstream('DJANGO_AWS_* and SENTRY_DSN are required by the production settings', 'backend/config/settings/production.py', repo => {
    const env = service(repo.prod, 'backend').environment!;
    for (const name of [
      'DJANGO_AWS_ACCESS_KEY_ID',
      'DJANGO_AWS_SECRET_ACCESS_KEY',
      'DJANGO_AWS_STORAGE_BUCKET_NAME',
      'DJANGO_AWS_S3_ENDPOINT_URL',
      'SENTRY_DSN',
    ])
      assert.ok(name in env, name);
  }),
  upstream('ADMIN_USER_PASS defaults to admin: ours is generated', 'backend/config/settings/base.py', repo => {
    assert.equal(service(repo.base, 'backend').environment?.ADMIN_USER_PASS, '${BACKEND_ADMIN_USER_PASS}');
    assert.doesNotMatch(repo.read('.env'), /^BACKEND_ADMIN_USER_PASS=admin$/m);
  }),
  upstream('EMAIL_HOST defaults to mailhog: dev mail goes to the catcher', 'backend/config/settings/base.py', repo => {
    assert.equal(service(repo.dev, 'backend').environment?.EMAIL_HOST, 'mailpit');
    assert.equal(service(repo.dev, 'backend').environment?.EMAIL_PORT, '1025');
  }),
  upstream('the backend mounts /mnt/data/{imports,exports,images,drone}', 'staging.yml', repo => {
    const at = hostPaths(repo.prod, 'backend');
    for (const name of ['imports', 'exports', 'images', 'drone']) assert.equal(at[`/${name}`], `/mnt/data/${name}`, name);
  }),
  upstream('each instance has its own data folders and database volume', 'docs/dev/docker.md', repo => {
    const at = hostPaths(repo.staging, 'backend');
    assert.equal(at['/images'], '/mnt/data/instances/staging/images');
    assert.equal(hostPaths(repo.staging, 'db')['/var/lib/postgresql/data'], '/mnt/data/instances/staging/pgdata');
  }),
  upstream('STATIC_ROOT is /app/staticfiles, STATIC_URL /staticfiles/', 'backend/config/settings/base.py', repo => {
    assert.equal(hostPaths(repo.prod, 'backend')['/app/staticfiles'], '/mnt/data/staticfiles');
    assert.match(location(repo, '/staticfiles/') ?? '', /alias \/srv\/staticfiles\//);
  }),
  upstream('MEDIA_ROOT is /app/media (S3 in production)', 'backend/config/settings/base.py', repo =>
    assert.equal(hostPaths(repo.prod, 'backend')['/app/media'], '/mnt/data/media'),
  ),
  upstream('images, exports and drone are internal locations, handed out by X-Accel-Redirect only', 'nginx/dev.conf', repo => {
    for (const path of ['/images/', '/exports/', '/drone/']) assert.equal(location(repo, path), undefined, `no public ${path}`);
    assert.ok(!('images' in hostPaths(repo.prod, 'nginx')));
  }),
  upstream('the developer and user docs at /dev-docs/ and /user-docs/', 'nginx/dev.conf', repo => {
    assert.match(location(repo, '/dev-docs/') ?? '', /alias \/srv\/dev-docs\//);
    assert.match(location(repo, '/user-docs/') ?? '', /alias \/srv\/user-docs\//);
    assert.ok(repo.read('docker-compose.yml').includes('./docs/dev/_build/html:/srv/dev-docs:ro'));
  }),
  upstream('./drone is the drone viewer at /drone-viewer/', 'local.yml', repo => {
    assert.match(location(repo, '/drone-viewer/') ?? '', /alias \/srv\/drone-viewer\//);
    assert.ok(repo.read('docker-compose.yml').includes('./drone:/srv/drone-viewer:ro'));
  }),
  upstream('../tiles served as /data', 'local.yml', repo => assert.match(location(repo, '/data/') ?? '', /alias \/srv\/tiles\//)),
  upstream('admin and api go to the backend', 'nginx/dev.conf', repo => {
    assert.match(location(repo, '/api/') ?? '', /proxy_pass http:\/\/backend;/);
    assert.match(location(repo, '/') ?? '', /proxy_pass http:\/\/backend;/);
  }),
  upstream('Redis caches MVT and analysis answers', 'local.yml', repo => assert.match(String(service(repo.prod, 'redis').image), /^redis:/)),
  upstream('kartoza/postgis made template_postgis with postgis, hstore and postgis_topology', 'local.yml', repo => {
    const init = repo.read('postgres/initdb/01-extensions.sql');
    assert.match(init, /CREATE DATABASE %I', 'template_postgis'/);
    assert.match(init, /ALTER DATABASE template_postgis IS_TEMPLATE true;/);
    for (const extension of ['postgis', 'hstore', 'postgis_topology']) assert.match(init, new RegExp(`CREATE EXTENSION IF NOT EXISTS "${extension}";`));
  }),
  upstream('postgres-backup-local dumps into /backups, daily', 'production.yml', repo => {
    const backup = service(repo.prod, 'backup');
    assert.equal(hostPaths(repo.prod, 'backup')['/backups'], '/mnt/data/backups');
    assert.equal(backup.environment?.BACKUP_SCHEDULE, '0 0 * * *');
    assert.equal(backup.environment?.BACKUP_ROTATION, 'weekday');
  }),
  upstream('./backend is mounted at /app in development, and only there', 'local.yml', repo => {
    assert.deepEqual(bindMounts(repo.dev, 'backend'), [{ type: 'bind', source: join(repo.root, 'backend'), target: '/app' }]);
    for (const compose of [repo.prod, repo.staging]) assert.deepEqual(bindMounts(compose, 'backend'), []);
    assert.ok(!hostPaths(repo.prod, 'backend')['/app'], 'prod runs the code inside the image');
  }),
  upstream('start.sh migrates, collects the static files and runs runserver_plus on 0.0.0.0:8000 in development', 'backend/compose/scripts/start.sh', repo => {
    assert.deepEqual(service(repo.dev, 'backend').command, [
      'sh',
      '-c',
      'python manage.py migrate && python manage.py collectstatic --noinput --verbosity 0 && python manage.py runserver_plus 0.0.0.0:8000',
    ]);
    assert.deepEqual(service(repo.prod, 'backend').command, ['/gunicorn.sh']);
  }),
  upstream(
    'runserver_plus needs django-extensions and Werkzeug, which the base requirements (of the production image too) list',
    'backend/requirements/base.txt',
    repo => {
      // dev runs the same pinned image: no local image to build
      assert.equal(service(repo.dev, 'backend').image, 'housing-portal-backend:2.3.1');
      assert.equal(service(repo.dev, 'backend').build, undefined);
    },
  ),
  upstream('PORTAL_INSTANCE names the deployment in staging.yml', 'staging.yml', repo => {
    assert.ok(repo.read('scripts/lib.sh').includes('staging:staging.housing-portal.localhost'));
    assert.match(repo.read('instances/staging.env.example'), /^COMPOSE_PROJECT_NAME=housing-portal-staging$/m);
  }),
];

describe('housing-portal preset: facts of GPRH/housing_portal', () => {
  let repo: Repo;
  before(async () => {
    const root = await generate({ preset: 'housing-portal', imageTag: '2.3.1' });
    const prodFiles = ['-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml'];
    repo = {
      root,
      read: path => readFileSync(join(root, path), 'utf8'),
      base: parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as Compose,
      dev: composeConfig(root, ['--env-file', '.env.example', '-f', 'docker-compose.yml', '-f', 'docker-compose.override.yml']),
      prod: composeConfig(root, ['--env-file', '.env.example', ...prodFiles]),
      staging: composeConfig(root, ['--env-file', 'instances/staging.env.example', ...prodFiles, '-f', 'instances/staging.yml']),
    };
  });
  it('cites at least 20 facts', () => assert.ok(FACTS.length >= 20, String(FACTS.length)));
  for (const [fact, holds] of FACTS) it(fact, () => holds(repo));
});
