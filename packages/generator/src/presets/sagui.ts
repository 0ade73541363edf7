/**
 * SAGUI (HydroMetGuyane-Hydro-Matters/sagui_platform): the team's own Django image
 * `pigeosolutions/sagui-backend` (gunicorn on 8000, settings through django-environ's FileAwareEnv, so each
 * variable or its *_FILE), PostGIS dialled as `database`, pg_tileserv under /tiles/ reading the schema
 * `guyane`, varnish as the single entry behind the shared Traefik of OMP-IRD/traefik-proxy, nginx serving
 * Django's static files and the atmo rasters behind it; the front end pigeosolutions/sagui-ui under /sagui/, and
 * the hyfaa scheduler and atmo containers idle for upstream's host cron (update_data.sh). The images run unchanged.
 */
import { definePreset } from './types.js';

/** What the backend image reads (src/sagui_backend/settings.py and docker/docker-entrypoint.d/ of sagui_backend). */
const SETTINGS = {
  POSTGRES_HOST: '{postgis.host}',
  POSTGRES_PORT: '{postgis.port}',
  POSTGRES_DB: '{postgis.db}',
  POSTGRES_USER: '{postgis.user}',
  POSTGRES_PASSWORD: '{postgis.password}',
  SECRET_KEY: '{secret}',
  DEBUG: 'False',
  // the healthcheck asks gunicorn on 127.0.0.1, as upstream's list allows
  ALLOWED_HOSTS: '{domain},localhost,127.0.0.1',
  CSRF_TRUSTED_ORIGINS: 'https://{domain}',
  STATIC_URL: '/backend_static/',
  STATIC_ROOT: '/static/',
  MEDIA_ROOT: 'media/',
  MEDIA_URL: '/media/',
  SAGUI_PATH_TO_ATMO_FILES: '/atmo_s5p/data/styled',
  SAGUI_DATA_PATH: '/data',
  HYFAA_IMPORT_NETCDF_ROOT_PATH: '/hyfaa-scheduler/data',
  RAINFALL_NETCDF_FILES_PATH: '/hyfaa-scheduler/data/databases/forcing_onmesh_db/data_store/',
  HYFAA_IMPORT_COMMIT_PAGE_SIZE: '50',
  // the vector tile URL template the API hands the front end; {{ }} are literal braces
  DRAINAGE_VT_URL: '/tiles/guyane.hyfaa_drainage/{{z}}/{{x}}/{{y}}.pbf',
  // settings.py reads them without a default; upstream appends secrets-prod/smtp_env.txt: fill in yours
  EMAIL_HOST: '',
  EMAIL_PORT: '',
  EMAIL_HOST_USER: '',
  EMAIL_HOST_PASSWORD: '',
  EMAIL_USE_TLS: '',
  DJANGO_SUPERUSER_NAME: 'admin',
  DJANGO_SUPERUSER_EMAIL: 'admin@{domain}',
  DJANGO_SUPERUSER_PASSWORD: '{secret}',
};

/** A container upstream keeps idle (`tail -f /dev/null`) for the host cron to run its job in with `exec`. */
const IDLE = ['tail', '-f', '/dev/null'];
/** update_data.sh's steps in its order, each in the container that holds its program (a host cron line). */
const DAILY_UPDATE = [
  'hyfaa-scheduler bash run.sh',
  'backend python3 manage.py hyfaa_import',
  'backend python3 manage.py rainfall_import',
  'atmo python atmo_process.py',
  'backend python3 manage.py send_alerts',
]
  .map(step => `docker-compose -f docker-compose.yml -f docker-compose.prod.yml exec -T ${step}`)
  .join(' && ');
const IDLE_HEALTH = 'none:idles as upstream (tail -f /dev/null) until the host cron runs its job in it; nothing listens to probe';

export const sagui = definePreset({
  id: 'sagui',
  title: 'SAGUI hydrology portal',
  inHouseImages: ['pigeosolutions/sagui-backend', 'pigeosolutions/sagui-ui', 'pigeosolutions/sagui_atmo'],
  answers: ({ imageTag }) => ({
    name: 'sagui',
    backend: 'image',
    backendImage: `pigeosolutions/sagui-backend:${imageTag}`,
    backendPort: 8000,
    backendContract: {
      settings: SETTINGS,
      // FileAwareEnv reads NAME_FILE; the entrypoint's file_env does so for the superuser's password
      fileSettings: ['POSTGRES_PASSWORD', 'SECRET_KEY', 'DJANGO_SUPERUSER_PASSWORD'],
      // POSTGRES_HOST=database in secrets-dev/django_env.txt and in pg_tileserv.env
      aliases: { database: 'postgis' },
      // USER www-data of python:3.11-slim
      user: '33:33',
      readWriteRoot: 'the image entrypoint compiles translations into /app/sagui/locale and writes its superuser flag /app/initialized at each start',
      // python:3.11-slim has neither wget nor curl; /api/v1/ is the API root (GET / redirects there)
      health: 'cmd:python3 -c "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/api/v1/\', timeout=4)"',
    },
    apps: [
      // sagui-ui, built by OMP-IRD/hydro-flow's tools/docker: nginx:1.21.4-alpine started as root, the app in
      // /usr/share/nginx/html/sagui on port 80; varnish sends ^/sagui to it
      {
        id: 'frontend',
        image: `pigeosolutions/sagui-ui:${imageTag}`,
        port: 80,
        route: '/sagui/',
        // the image's own ENV APP_NAME; declared so the front end gets no database settings
        settings: { APP_NAME: 'sagui' },
        user: 'image',
        // nginx's pid file and request buffers: the rest of the root stays read-only
        writable: ['/var/cache/nginx', '/var/run'],
        capabilities: {
          add: ['CHOWN', 'NET_BIND_SERVICE', 'SETGID', 'SETUID'],
          reason: 'the image starts nginx as root: it binds port 80, hands its temp folders to the worker user nginx and switches to it',
        },
        health: 'http:/sagui/',
      },
      // hyfaa-scheduler's image (WORKDIR /work, CMD bash run.sh): run.sh and the downloads live in the work folder
      {
        id: 'hyfaa-scheduler',
        image: 'pigeosolutions/hyfaa-scheduler:4.3',
        command: IDLE,
        // hydroweb.next's API key, read by eodag: replace the generated value in .env with yours
        settings: { EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY: '{secret}' },
        outbound: true,
        health: IDLE_HEALTH,
      },
      // atmo_s5p's image: python atmo_process.py downloads Sentinel-5P data into ATMO_STORAGE_PATH=/mnt/data
      {
        id: 'atmo',
        image: `pigeosolutions/sagui_atmo:${imageTag}`,
        command: IDLE,
        settings: { ATMO_STORAGE_PATH: '/mnt/data' },
        outbound: true,
        health: IDLE_HEALTH,
      },
    ],
    folders: [
      // django_static_files: collectstatic writes /static, nginx serves it (STATIC_URL=/backend_static/)
      { name: 'django-static', target: '/static', route: '/backend_static/', mounts: { frontend: false, 'hyfaa-scheduler': false, atmo: false } },
      // ./atmo_s5p/data: the atmo rasters the API lists, served by nginx under /atmo/; atmo writes them at /mnt/data
      { name: 'atmo', target: '/atmo_s5p/data', route: '/atmo/', mounts: { atmo: '/mnt/data', frontend: false, 'hyfaa-scheduler': false } },
      // the hyfaa scheduler's work folder (/work in its container), imported by manage.py hyfaa_import and rainfall_import
      { name: 'hyfaa-data', target: '/hyfaa-scheduler/data', mounts: { 'hyfaa-scheduler': '/work', frontend: false, atmo: false } },
    ],
    services: ['postgis', 'tileserver', 'varnish', 'nginx', 'scheduler'],
    // 30_schema.sql creates guyane; 40_users.sql grants the tileserver's role USAGE on it
    tileSchemas: ['guyane'],
    storage: 'volumes',
    // docker-compose.prod.yml: varnish joins traefik-proxy_proxy_network with the labels of OMP-IRD/traefik-proxy
    traefikNetwork: 'traefik-proxy_proxy_network',
    traefikEntrypoint: 'websecure',
    traefikCertResolver: 'letsEncrypt',
  }),
  stores: [],
  patterns: [
    {
      old: 'pigeosolutions/sagui-backend:latest, built from sagui_backend',
      now: '`backend` from the same image, pinned with --image-tag; it runs unchanged: its own variables (POSTGRES_*, SECRET_KEY, STATIC_*, HYFAA_*, EMAIL_*) from compose, passwords as *_FILE secrets',
    },
    {
      old: 'DJANGO_ENV_FILE=/run/secrets/django_env (a whole .env as a secret)',
      now: 'each setting its own variable, secrets as POSTGRES_PASSWORD_FILE, SECRET_KEY_FILE, DJANGO_SUPERUSER_PASSWORD_FILE (FileAwareEnv reads them); DJANGO_ENV_FILE unset, so the entrypoint copies nothing',
    },
    {
      old: 'SMTP_ENV_FILE=/run/secrets/smtp_env',
      now: 'EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS are empty: set them in backendContract.settings of .yo-rc.json and re-run `portal`',
    },
    {
      old: 'database (postgis/postgis:14-3.2), POSTGRES_USER=postgres, POSTGRES_DB=sagui',
      now: '`db` (PostGIS on PostgreSQL 16, a newer major: restore a dump, never the old files), also answering as `database`; its own user and generated password',
    },
    {
      old: 'config/postgresql/entrypoint-initdb.d/ (pgtune, postgis, schema guyane, role tileserv)',
      now: 'postgres/initdb/: extensions, the schema guyane and the read-only role `tileserver` with SELECT on it (password generated, not in git); pgtune values are not carried over',
    },
    { old: 'pg-tileserv-base, a transitional service to build pg-tileserv', now: 'a build stage in tileserver/Dockerfile' },
    {
      old: 'pg-tileserv with /wait-for-db.sh and DATABASE_URL in pg_tileserv.env',
      now: '`tileserver` (TS_BASEPATH=/tiles/, port 7800) with depends_on db: service_healthy; it connects with PGHOST/PGUSER and the password from a secret instead of a DATABASE_URL holding it',
    },
    {
      old: 'varnish as the single entry point (default.vcl: /tiles/, /api/, /dashboards/, /admin/, else nginx)',
      now: 'varnish is still the single entry: /tiles/ to the tileserver (tiles cached a day), /api/ to the backend (never cached), /sagui/ to the front end (passed, not cached), /backend_static/ and /atmo/ to nginx, every other path (/admin/, /dashboards/) to the backend, cached briefly only without cookies; no 30 s blanket TTL',
    },
    {
      old: 'varnish on traefik-proxy_proxy_network with traefik labels (docker-compose.prod.yml)',
      now: 'the same external network and labels in docker-compose.prod.yml (router named after COMPOSE_PROJECT_NAME, Host(DOMAIN), websecure, letsEncrypt); opt out with --traefik-network none (nginx then terminates TLS), or with --traefik-network none --services postgis,tileserver,varnish,nginx,scheduler,traefik for a Traefik of this stack',
    },
    {
      old: 'nginx serving Django static files, nginx_html and atmo data',
      now: '`nginx` behind varnish serves /backend_static/ and /atmo/ read-only; the nginx_html landing page is not carried over (GET / reaches the backend, which redirects to /api/v1/)',
    },
    {
      old: 'frontend (pigeosolutions/sagui-ui:latest) under /sagui, nginx started as root on port 80',
      now: "`frontend`, the same image pinned with --image-tag (`portal app set frontend --image pigeosolutions/sagui-ui:<tag>` for another tag) on port 80 under /sagui/, as its image's root user (CMP-26) with cap_drop ALL and only CHOWN, NET_BIND_SERVICE, SETGID, SETUID back (recorded as CMP-02), a read-only root with /var/cache/nginx and /var/run in memory; it sees no shared folder and no database setting. Opt out of the capabilities once the image runs as a non-root user on a high port: drop `user` and `capabilities` from its entry in .yo-rc.json and set its `port`",
    },
    {
      old: 'scheduler (pigeosolutions/hyfaa-scheduler:4.3) idle (tail -f /dev/null), ./hyfaa-scheduler/work_configurations/operational_guyane_gsmap at /work, user $USER_ID:$GROUP_ID',
      now: "`hyfaa-scheduler` (our `scheduler` is the backend's job runner), the same image and idle command, the `hyfaa-data` volume at /work (the backend reads it at /hyfaa-scheduler/data), user 10001:10001 which owns the shared folders; copy the operational_guyane_gsmap work configuration (run.sh, config/, input data) into the volume once. It reaches the internet through the edge network; EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY comes from .env (HYFAA_SCHEDULER_EODAG__HYDROWEB_NEXT__AUTH__CREDENTIALS__APIKEY): replace the generated value with your hydroweb.next API key",
    },
    {
      old: 'atmo (pigeosolutions/sagui_atmo:latest) idle, ./atmo_s5p/data at /mnt/data, user $USER_ID:$GROUP_ID',
      now: '`atmo`, the image pinned with --image-tag (`portal app set atmo --image pigeosolutions/sagui_atmo:<tag>` for another tag), the same idle command, the `atmo` volume at /mnt/data (ATMO_STORAGE_PATH; the backend reads it at /atmo_s5p/data, nginx serves it under /atmo/), user 10001:10001, out through the edge network',
    },
    {
      old: 'update_data.sh from the host cron: exec scheduler bash run.sh, backend manage.py hyfaa_import and rainfall_import, atmo python atmo_process.py, backend manage.py send_alerts',
      now: `still a host cron, since the steps run in three images one after the other (a container of the stack would need the Docker socket to run them): daily, \`cd <repo> && ${DAILY_UPDATE}\`; the \`scheduler\` service keeps its stand-in job (\`true\`), or runs the backend steps alone if the data arrive otherwise`,
    },
    {
      old: 'DRAINAGE_VT_URL=/tiles/guyane.hyfaa_drainage/{z}/{x}/{y}.pbf (django_env.txt)',
      now: 'the same value; in .yo-rc.json the template writes its literal braces twice ({{z}}), since single braces name a field such as {domain}',
    },
    { old: 'docker-compose.override.yml opening ports 5433, 8000, 7800, 80', now: 'docker-compose.override.yml: ports on 127.0.0.1 only' },
    { old: 'USER_ID/GROUP_ID passed at start', now: 'fixed non-root users per container (www-data, 33:33, for the backend, as its image)' },
  ],
});
