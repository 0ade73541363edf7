/** What every backend kind shares: the app container shape, its routes, metrics and image name. */
import { limits, TMP } from '../defaults.js';
import type { BuildSpec, CatalogContext, ContainerSpec, Contribution, Healthcheck, HttpRoute } from '../types.js';
import { SITE_PATHS } from '../site-paths.js';

/** Our built image, tagged with APP_VERSION; or the prebuilt image the user named. */
export const backendImageName = ({ answers }: CatalogContext): string => answers.backendImage ?? `${answers.name}-backend:\${APP_VERSION}`;

/** Our backend image; the dev target runs the source mounted from the host (Node mounts src/ only, to keep node_modules). */
export const backendBuild = ({ answers }: CatalogContext): BuildSpec => ({
  context: './backend',
  devSource: answers.backend === 'node' ? { source: './backend/src', target: '/app/src' } : { source: './backend', target: '/app' },
});

/**
 * gunicorn and uvicorn run several worker processes: prometheus_client sums their metrics from files in
 * this folder, a tmpfs so no stale worker survives a restart.
 */
export const pythonMetricsRuntime = {
  environment: { PROMETHEUS_MULTIPROC_DIR: '/tmp/prometheus' },
  tmpfs: [TMP, '/tmp/prometheus:uid=10001,gid=10001,mode=0700,size=16m'],
} satisfies Partial<ContainerSpec>;

/**
 * A proxy of ours stands in front (nginx, varnish, traefik): it sets Host, X-Forwarded-Proto and
 * X-Forwarded-For itself and drops the clients' copies, so the app may trust them. Alone, the app is the
 * edge and a client writes them.
 */
export const behindProxy = ({ has }: CatalogContext): boolean => has('nginx') || has('varnish') || has('traefik');

export const pythonProbe = (port: number): Healthcheck => ({
  test: ['CMD', 'python', '-c', `import urllib.request; urllib.request.urlopen('http://127.0.0.1:${port}/health', timeout=4)`],
  startPeriod: '40s',
});

export function backendContainer(ctx: CatalogContext, spec: Pick<ContainerSpec, 'command' | 'healthcheck'> & Partial<ContainerSpec>): ContainerSpec {
  const port = ctx.backendPort;
  return {
    name: 'backend',
    role: 'Web application and API',
    image: backendImageName(ctx),
    ...(ctx.answers.backend === 'image' ? {} : { build: backendBuild(ctx) }),
    isApp: true,
    networks: ['internal', 'edge'],
    port,
    devPorts: [port],
    limits: limits('512m', '1.0'),
    tmpfs: [TMP],
    ...spec,
    uses: ['postgis', 'redis', 'rabbitmq'],
    dependsOn: { ...spec.dependsOn },
  };
}

/** Routes every backend answers: the site, and the API that is never cached and is rate limited. */
export function backendRoutes(ctx: CatalogContext, extra: readonly HttpRoute[] = []): HttpRoute[] {
  const upstream = { host: 'backend', port: ctx.backendPort, stripPrefix: false };
  return [
    { path: SITE_PATHS.site, title: 'web application', upstream, cache: 'default' },
    { path: '/api/', title: 'API (never cached, rate limited)', upstream, cache: 'pass', isApi: true },
    ...extra,
  ];
}

/** Metrics scrape and version variable common to the backends we write (a prebuilt image may have no /metrics). */
export function backendCommon(ctx: CatalogContext): Contribution {
  if (ctx.answers.backend === 'image') return {};
  return {
    env: [{ name: 'APP_VERSION', value: '0.1.0', comment: 'tag of the backend image built here' }],
    repoLayout: [{ path: 'backend/', what: 'the app: Dockerfile (dev and prod targets) and starter code' }],
    ...(ctx.has('prometheus') ? { appEnv: { METRICS_ENABLED: '1' } } : {}),
    scrape: [
      {
        job: 'backend',
        target: `backend:${ctx.backendPort}`,
        panel: { title: 'Backend requests per second by status', expr: 'sum by (status) (rate(portal_http_requests_total[5m]))', legend: '{{status}}' },
      },
    ],
    alerts: [
      {
        alert: 'BackendErrors',
        expr: 'sum(rate(portal_http_requests_total{status=~"5.."}[5m])) / sum(rate(portal_http_requests_total[5m])) > 0.05',
        for: '10m',
        severity: 'warning',
        summary: 'More than 5% of backend responses are server errors',
      },
    ],
  };
}

/** Pinned Python requirements for the starter; what is listed depends on the chosen services. */
export function pythonRequirements(ctx: CatalogContext): string[] {
  const framework =
    ctx.answers.backend === 'django' ? ['Django==5.1.4', 'gunicorn==23.0.0', 'whitenoise==6.8.2'] : ['fastapi==0.115.6', 'uvicorn[standard]==0.34.0'];
  return [
    ...framework,
    'prometheus-client==0.21.1',
    ...(ctx.has('postgis') ? ['psycopg[binary]==3.2.3'] : []),
    ...(ctx.has('redis') ? ['redis==5.2.1'] : []),
    ...(ctx.has('celery') ? ['celery==5.4.0'] : []),
  ].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
}
