/**
 * Housing Portal (GPRH/housing_portal, staging.yml and backend/config/settings): the team's Django image
 * (built from backend/compose/production/Dockerfile, started by /gunicorn.sh on 8000) reading its settings
 * through django-environ, the database through PgBouncer at the hard-coded pgbouncer:5439 in transaction
 * mode, Redis as its cache, street-view images, imports, exports and drone imagery under /mnt/data,
 * static files collected into /app/staticfiles, nginx in front, one PostGIS per portal instance, and
 * nightly dumps kept for a week. The image runs unchanged.
 */
import { definePreset } from './types.js';

/** What backend/config/settings/base.py and production.py read (env.str/env.bool/env.list, no *_FILE). */
const SETTINGS = {
  // settings.production is what wsgi.py loads; manage.py (migrate, collectstatic in /gunicorn.sh) would load local
  DJANGO_SETTINGS_MODULE: 'config.settings.production',
  DEBUG: 'False',
  SECRET_KEY: '{secret}',
  DOMAIN: '{domain}',
  // upstream: ALLOWED_HOSTS=* ; ours names the site
  ALLOWED_HOSTS: '{domain}',
  // DATABASES names only NAME, HOST pgbouncer and PORT 5439: libpq takes the user and password from these
  POSTGRES_DB: '{postgis.db}',
  PGUSER: '{postgis.user}',
  PGPASSWORD: '{postgis.password}',
  // production.py appends /0
  REDIS_URL: 'redis://:{redis.password}@{redis.host}:{redis.port}',
  // where the views look for the files nginx hands out (docs/dev/develop.md)
  EXPORTS_DIR: '/exports/',
  IMAGE_DIR: '/images/',
  DRONE_IMAGE_DIR: '/drone/',
  // the superuser made by users/migrations/0004 (upstream default admin/admin)
  ADMIN_USER_PASS: '{secret}',
  // required by base.py and production.py: the team's S3 credentials go into .env in place of the generated values
  AWS_ACCESS_KEY_ID: '{secret}',
  AWS_SECRET_ACCESS_KEY: '{secret}',
  AWS_STORAGE_BUCKET_NAME: 'housing-portal',
  AWS_S3_ENDPOINT_URL: 's3.amazonaws.com',
  AWS_S3_REGION_NAME: 'us-east-1',
  DJANGO_AWS_ACCESS_KEY_ID: '{secret}',
  DJANGO_AWS_SECRET_ACCESS_KEY: '{secret}',
  DJANGO_AWS_STORAGE_BUCKET_NAME: 'housing-portal',
  DJANGO_AWS_S3_ENDPOINT_URL: 's3.amazonaws.com',
  // required by production.py; empty turns the raven client off
  SENTRY_DSN: '',
};

export const housingPortal = definePreset({
  id: 'housing-portal',
  title: 'Housing Portal',
  inHouseImages: ['housing-portal-backend'],
  answers: ({ domain, imageTag }) => ({
    name: 'housing-portal',
    backend: 'image',
    backendImage: `housing-portal-backend:${imageTag}`,
    backendPort: 8000,
    backendContract: {
      settings: SETTINGS,
      // base.py's EMAIL_HOST defaults to mailhog:1025: in dev, the mail catcher
      devSettings: { EMAIL_HOST: 'mailpit', EMAIL_PORT: '1025' },
      // migrate, collectstatic into /app/staticfiles, then gunicorn on 0.0.0.0:8000 (-t 120)
      command: ['/gunicorn.sh'],
      // local.yml: ./backend mounted at /app, and /start.sh's steps (that script is in the local image only);
      // runserver_plus comes from django-extensions and Werkzeug of requirements/base.txt, in the prod image too
      devMounts: [{ source: './backend', target: '/app' }],
      devCommand: [
        'sh',
        '-c',
        'python manage.py migrate && python manage.py collectstatic --noinput --verbosity 0 && python manage.py runserver_plus 0.0.0.0:8000',
      ],
      // python:3.6-slim-buster has bash; the admin answers only for the site's own host name
      health: 'tcp:8000',
      // provision/files/nginx_site.conf: ^/(admin|api) to gunicorn with a 120 s read timeout, 20M bodies; the
      // views answer X-Accel-Redirect to the internal /protected/<folder>/ locations (django-sendfile)
      routes: [
        // one private folder per route: all three internal locations are on the one server, whichever view redirects
        { path: '/', bodySize: '20m', timeout: '120s', private: { path: '/protected/drone/', folder: 'drone' } },
        { path: '/api/', bodySize: '20m', timeout: '120s', private: { path: '/protected/images/', folder: 'images' } },
        { path: '/admin/', bodySize: '20m', timeout: '120s', private: { path: '/protected/exports/', folder: 'exports' } },
      ],
    },
    services: ['postgis', 'pgbouncer', 'redis', 'nginx', 'backup', 'mailpit'],
    // the port and mode the app dials: DATABASES HOST pgbouncer, PORT 5439; PGBOUNCER_POOL_MODE=transaction
    pgbouncerPort: 5439,
    pgbouncerPoolMode: 'transaction',
    // kartoza/postgis made template_postgis with these extensions
    postgres: { templates: ['template_postgis'], extensions: ['postgis', 'hstore', 'postgis_topology', 'pg_stat_statements'] },
    // production.yml's postgres-backup-local: @daily, seven days kept
    backups: { schedule: '0 0 * * *', rotation: 'weekday' },
    storage: 'bind',
    dataRoot: '/mnt/data',
    folders: [
      // private: the views hand them out through X-Accel-Redirect (/protected/...), never a public route
      { name: 'images', target: '/images' },
      { name: 'imports', target: '/imports' },
      { name: 'exports', target: '/exports' },
      { name: 'drone', target: '/drone' },
      { name: 'staticfiles', target: '/app/staticfiles', route: '/staticfiles/' },
      // MEDIA_ROOT; production keeps media on S3, local.yml served ./backend/media at /media/
      { name: 'media', target: '/app/media' },
      { name: 'tiles', target: '/tiles', route: '/data/' },
      { name: 'dev-docs', repo: 'docs/dev/_build/html', route: '/dev-docs/' },
      { name: 'user-docs', repo: 'docs/user/_build/html', route: '/user-docs/' },
      { name: 'drone-viewer', repo: 'drone', route: '/drone-viewer/' },
    ],
    instances: [{ name: 'staging', domain: `staging.${domain}` }],
  }),
  stores: [
    { old: '../images', path: '.', item: 'images' },
    { old: '../imports', path: '.', item: 'imports' },
    { old: 'exports', path: '.', item: 'exports' },
    { old: '../drone', path: '.', item: 'drone' },
    { old: '../tiles', path: '.', item: 'tiles' },
  ],
  patterns: [
    {
      old: 'backend built by compose from compose/production/Dockerfile, ./backend mounted at /app',
      now: '`backend` from your image `housing-portal-backend:<tag>` with the code inside in prod and every instance (add `COPY . /app` to the Dockerfile); /gunicorn.sh runs unchanged',
    },
    {
      old: 'local.yml: ./backend mounted at /app, /start.sh (migrate, collectstatic, runserver_plus 0.0.0.0:8000) from the local image',
      now: "in dev only, `./backend` is mounted at /app (put the backend source there, e.g. a clone of the app's repository: without it dev refuses to start the backend) and the same three steps run from the prod image, which has runserver_plus too (django-extensions and Werkzeug are in requirements/base.txt). Change it with `backendContract.devMounts` and `devCommand`",
    },
    { old: 'sh -c "/wait && /gunicorn.sh" with WAIT_HOSTS=pgbouncer:5439', now: '/gunicorn.sh once PgBouncer, Redis and PostGIS are healthy (depends_on)' },
    {
      old: 'settings in one .env (ansible backend.env): SECRET_KEY, POSTGRES_*, DJANGO_AWS_*, SENTRY_DSN ...',
      now: 'the same variable names on the backend, as variables (django-environ reads no *_FILE: recorded exception CMP-24); secrets (SECRET_KEY, ADMIN_USER_PASS, the AWS keys) generated in .env: put the real S3 keys there',
    },
    { old: 'ALLOWED_HOSTS=*, DEBUG from .env', now: "ALLOWED_HOSTS is the site's domain, DEBUG=False; change them with the backendContract settings" },
    { old: 'ADMIN_USER_PASS=admin (default)', now: 'a generated ADMIN_USER_PASS' },
    {
      old: 'pgbouncer/pgbouncer on 5439, transaction pooling, DATABASES_PASSWORD in .env',
      now: '`pgbouncer` on 5439 in transaction mode, password from the postgres_password secret, scram-sha-256 (`--pgbouncer-port`, `--pgbouncer-pool-mode`)',
    },
    {
      old: 'kartoza/postgis:12.1, POSTGRES_PASS',
      now: '`db` PostgreSQL 16 with PostGIS 3.5 (move the data with dump/restore: 12 files do not open in 16), template_postgis and the same extensions made at first start (`postgres` answer)',
    },
    { old: 'redis:3.0 without a password', now: '`redis` 7 with a password, in REDIS_URL' },
    { old: 'mailhog (EMAIL_HOST default)', now: 'mailpit in dev (EMAIL_HOST=mailpit); set EMAIL_HOST for prod' },
    { old: 'local.yml (development)', now: 'docker-compose.yml + docker-compose.override.yml (PORTAL_ENV=dev)' },
    {
      old: 'staging.yml with PORTAL_INSTANCE in the container names',
      now: 'instance `staging`: instances/staging.yml and instances/staging.env (PORTAL_INSTANCE=staging picks it)',
    },
    {
      old: '/mnt/data/imports, exports, images, drone on the backend',
      now: 'folders imports, exports, images, drone under DATA_ROOT (/mnt/data), at /imports, /exports, /images, /drone',
    },
    {
      old: 'nginx ^/(admin|api) to gunicorn: proxy_read_timeout 120, client_max_body_size 20M (100m in nginx/dev.conf)',
      now: '/, /api/ and /admin/ to `backend` with 120 s read and send timeouts and 20m bodies, as production; other routes keep 25m. Change them with `backendContract.routes` in .yo-rc.json',
    },
    {
      old: 'nginx internal /protected/images/, /protected/exports/, /protected/drone/ (django-sendfile)',
      now: "the same internal locations, /protected/images/, /protected/exports/ and /protected/drone/, serving the folders images, exports and drone read-only: the views' X-Accel-Redirect works unchanged; the folders have no public route",
    },
    { old: 'nginx ./backend/staticfiles at /staticfiles', now: 'folder `staticfiles` at /app/staticfiles (collectstatic writes it), served at /staticfiles/' },
    {
      old: 'MEDIA on S3 in production (django-storages); ./backend/media in local.yml',
      now: 'unchanged on S3; folder `media` at MEDIA_ROOT /app/media for local settings',
    },
    { old: 'nginx ../tiles:/data', now: 'folder `tiles`, served at /data/' },
    { old: 'nginx /dev-docs/, /user-docs/ (docs/*/_build/html) and /drone-viewer/ (./drone)', now: 'the same repository folders at the same paths' },
    {
      old: 'production.yml backups: postgres-backup-local into /tmp/backups',
      now: '`backup`: roles and every database at 00:00 UTC, one slot per weekday, in the `backups` storage (roles without their passwords); scripts/restore.sh restores them. Another time or keep-N: the `backups` answer',
    },
    { old: 'a PostGIS volume per portal instance', now: 'each instance is its own compose project: its own `pgdata` (DATA_ROOT/instances/<name>)' },
  ],
});
