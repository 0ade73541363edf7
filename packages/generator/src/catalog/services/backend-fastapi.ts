/** FastAPI starter served by uvicorn, with a websocket echo route. */
import { IMAGES } from '../images.js';
import { defineService } from '../types.js';
import { backendCommon, behindProxy, pythonMetricsRuntime, backendContainer, backendRoutes, pythonProbe, pythonRequirements } from './backend-shared.js';
import { mergeContributions } from '../merge-contributions.js';

export const backendFastapi = defineService({
  id: 'backend-fastapi',
  title: 'FastAPI',
  summary: 'FastAPI app served by uvicorn',
  contribute: ctx => {
    const port = ctx.backendPort;
    const uvicorn = ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', String(port)];
    // the client address and scheme from X-Forwarded-For/-Proto only when our proxies set them
    const proxyHeaders = behindProxy(ctx) ? ['--proxy-headers', '--forwarded-allow-ips', '*'] : ['--no-proxy-headers'];
    const prodCommand = [...uvicorn, '--workers', '2', ...proxyHeaders];
    const devCommand = [...uvicorn, '--reload'];
    const view = { slug: ctx.slug, hasCelery: ctx.has('celery'), hasPostgis: ctx.has('postgis') };
    return mergeContributions(backendCommon(ctx), {
      containers: [
        backendContainer(ctx, {
          command: prodCommand,
          healthcheck: pythonProbe(port),
          ...pythonMetricsRuntime,
          dev: { command: devCommand },
        }),
      ],
      routes: backendRoutes(ctx, [
        { path: '/ws/', title: 'websockets', upstream: { host: 'backend', port, stripPrefix: false }, cache: 'pass', websocket: true },
      ]),
      files: [
        {
          path: 'backend/Dockerfile',
          template: 'backend/python/Dockerfile.ejs',
          view: { baseImage: IMAGES.python, port, devCommand: JSON.stringify(devCommand), prodCommand: JSON.stringify(prodCommand) },
        },
        { path: 'backend/.dockerignore', template: 'backend/python/dockerignore.ejs' },
        { path: 'backend/requirements.txt', template: 'backend/python/requirements.txt.ejs', view: { requirements: pythonRequirements(ctx) } },
        { path: 'backend/app/__init__.py', template: 'backend/fastapi/__init__.py.ejs' },
        { path: 'backend/app/main.py', template: 'backend/fastapi/main.py.ejs', view },
        { path: 'backend/app/secrets.py', template: 'backend/python/secrets.py.ejs' },
        { path: 'backend/app/metrics.py', template: 'backend/python/metrics.py.ejs' },
      ],
    });
  },
});
