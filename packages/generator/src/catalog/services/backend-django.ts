/** Django starter: gunicorn in prod, runserver in dev, a one-shot migrate job, static and media volumes. */
import { IMAGES } from '../images.js';
import { limits, TMP } from '../defaults.js';
import { defineService, type CatalogContext } from '../types.js';
import {
  backendBuild,
  backendCommon,
  behindProxy,
  pythonMetricsRuntime,
  backendContainer,
  backendImageName,
  backendRoutes,
  pythonProbe,
  pythonRequirements,
} from './backend-shared.js';
import { mergeContributions } from '../merge-contributions.js';
import { SITE_PATHS } from '../site-paths.js';

const MEDIA = '/srv/media';
const PROD_COMMAND = ({ slug, backendPort }: CatalogContext) => [
  'gunicorn',
  `${slug}.wsgi:application`,
  '--bind',
  `0.0.0.0:${backendPort}`,
  '--workers',
  '3',
  '--access-logfile',
  '-',
];
const DEV_COMMAND = (port: number) => ['python', 'manage.py', 'runserver', `0.0.0.0:${port}`];
const STATIC = '/srv/static';

export const backendDjango = defineService({
  id: 'backend-django',
  title: 'Django',
  summary: 'Django 5 app served by gunicorn',
  contribute: ctx => {
    const { slug } = ctx;
    const mounts = [
      { storage: 'static', target: STATIC },
      { storage: 'media', target: MEDIA },
    ];
    const environment = {
      DJANGO_SETTINGS_MODULE: `${slug}.settings`,
      DJANGO_ALLOWED_HOSTS: '${DOMAIN},localhost,127.0.0.1,backend',
      DJANGO_DEBUG: '0',
    };
    return mergeContributions(backendCommon(ctx), {
      containers: [
        {
          name: 'migrate',
          role: 'One-shot job: database migrations and collectstatic, before the backend starts',
          image: backendImageName(ctx),
          build: backendBuild(ctx),
          isApp: true,
          oneShot: true,
          command: ['sh', '-c', 'python manage.py migrate --noinput && python manage.py collectstatic --noinput'],
          // exits non-zero while a migration is unapplied (Django 3.1+)
          doneCheck: ['python', 'manage.py', 'migrate', '--check'],
          environment,
          mounts,
          uses: ['postgis'],
          networks: ['internal'],
          limits: limits('512m', '1.0'),
          tmpfs: [TMP],
        },
        backendContainer(ctx, {
          command: PROD_COMMAND(ctx),
          healthcheck: pythonProbe(ctx.backendPort),
          environment: { ...environment, ...pythonMetricsRuntime.environment },
          tmpfs: pythonMetricsRuntime.tmpfs,
          mounts,
          dependsOn: { migrate: 'service_completed_successfully' },
          dev: {
            command: DEV_COMMAND(ctx.backendPort),
            environment: { DJANGO_DEBUG: '1' },
          },
        }),
      ],
      storage: [
        { name: 'static', purpose: 'Collected static files (rebuilt by migrate)', usedBy: ['backend', 'nginx'], owner: '10001:10001', backup: false },
        { name: 'media', purpose: 'User uploads', usedBy: ['backend', 'nginx'], owner: '10001:10001', backup: true },
      ],
      secrets: [{ name: 'django_secret_key', env: 'DJANGO_SECRET_KEY', purpose: 'Django SECRET_KEY' }],
      appSecrets: [{ secret: 'django_secret_key', env: 'DJANGO_SECRET_KEY' }],
      routes: backendRoutes(ctx, [
        { path: '/admin/', title: 'Django admin (never cached)', upstream: { host: 'backend', port: ctx.backendPort, stripPrefix: false }, cache: 'pass' },
        ...(ctx.has('nginx')
          ? [
              { path: SITE_PATHS.static, title: 'static files', files: STATIC, cache: 'long' as const },
              { path: SITE_PATHS.media, title: 'uploaded media', files: MEDIA, cache: 'default' as const },
            ]
          : []),
      ]),
      files: djangoFiles(ctx),
    });
  },
});

function djangoFiles(ctx: CatalogContext) {
  const view = { slug: ctx.slug, hasCelery: ctx.has('celery'), hasPostgis: ctx.has('postgis'), hasRedis: ctx.has('redis'), behindProxy: behindProxy(ctx) };
  const python = (path: string, template: string) => ({ path: `backend/${path}`, template: `backend/django/${template}`, view });
  return [
    {
      path: 'backend/Dockerfile',
      template: 'backend/python/Dockerfile.ejs',
      view: {
        baseImage: IMAGES.python,
        port: ctx.backendPort,
        devCommand: JSON.stringify(DEV_COMMAND(ctx.backendPort)),
        prodCommand: JSON.stringify(PROD_COMMAND(ctx)),
      },
    },
    { path: 'backend/.dockerignore', template: 'backend/python/dockerignore.ejs' },
    { path: 'backend/requirements.txt', template: 'backend/python/requirements.txt.ejs', view: { requirements: pythonRequirements(ctx) } },
    python('manage.py', 'manage.py.ejs'),
    python(`${ctx.slug}/__init__.py`, '__init__.py.ejs'),
    python(`${ctx.slug}/settings.py`, 'settings.py.ejs'),
    python(`${ctx.slug}/urls.py`, 'urls.py.ejs'),
    python(`${ctx.slug}/views.py`, 'views.py.ejs'),
    python(`${ctx.slug}/wsgi.py`, 'wsgi.py.ejs'),
    { path: `backend/${ctx.slug}/secrets.py`, template: 'backend/python/secrets.py.ejs' },
    { path: `backend/${ctx.slug}/metrics.py`, template: 'backend/python/metrics.py.ejs' },
  ];
}
