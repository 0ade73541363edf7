/** In-house containers from prebuilt images (`portal add app`): wired like the backend, probed, routed. */
import type { AppAnswer } from '../../answers/extras.js';
import { limits, TMP } from '../defaults.js';
import { APP_USER } from './folders.js';
import type { CatalogContext, Contribution } from '../types.js';

export function appContribution(app: AppAnswer, ctx: CatalogContext): Contribution {
  const url = `http://127.0.0.1:${app.port}${app.healthPath ?? '/health'}`;
  return {
    containers: [
      {
        name: app.id,
        role: `In-house service (${app.image})${app.route ? `, at ${app.route}` : ''}`,
        image: app.image,
        // the app gets the same connection settings and secrets as the backend
        isApp: true,
        // the image's tools are unknown: try what common base images ship
        healthcheck: { test: ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`], startPeriod: '60s' },
        dependsOn: {
          ...(ctx.has('postgis') ? { db: 'service_healthy' as const } : {}),
          ...(ctx.has('redis') ? { redis: 'service_healthy' as const } : {}),
        },
        networks: ['internal'],
        port: app.port,
        devPorts: [app.port],
        limits: limits('512m', '1.0'),
        tmpfs: [TMP],
        // not root, whatever the image defaults to; the same uid owns the shared folders
        user: APP_USER,
      },
    ],
    routes: app.route
      ? [
          {
            path: app.route,
            title: `${app.id}${app.websocket ? ' (websocket)' : ''}`,
            upstream: { host: app.id, port: app.port, stripPrefix: false },
            // an in-house API: nothing is cached unless the app's team says so in varnish/custom.vcl
            cache: app.websocket ? 'none' : 'pass',
            ...(app.websocket ? { websocket: true } : {}),
          },
        ]
      : [],
  };
}
