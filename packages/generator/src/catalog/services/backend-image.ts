/** A prebuilt backend image the user names; we only wire it, route it and probe it, as its contract says. */
import { defineService } from '../types.js';
import { backendContainer, backendRoutes } from './backend-shared.js';
import { mergeContributions } from '../merge-contributions.js';
import { appRoutes, contractParts } from '../extras/apps.js';
import { BACKEND_PATHS } from '../../answers/app-contract.js';

export const backendImage = defineService({
  id: 'backend-image',
  title: 'Prebuilt image',
  summary: 'Your own image, pulled by tag',
  contribute: ctx => {
    const url = `http://127.0.0.1:${ctx.backendPort}/health`;
    const container = backendContainer(ctx, {
      // the image's tools are unknown: try what common base images ship
      healthcheck: {
        test: ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`],
        startPeriod: '60s',
      },
    });
    const contract = ctx.answers.backendContract;
    if (!contract) return mergeContributions({ containers: [container], routes: backendRoutes(ctx) });
    const { routes: own = [], ...appContract } = contract;
    const { spec, contribution } = contractParts({ id: 'backend', image: container.image, port: ctx.backendPort, ...appContract }, ctx);
    // its own routes on / and /api/ tune the stack's routes there; the others are added (/admin/, api.<domain>)
    const tuned = own.filter(route => !route.host);
    const routes = [
      ...backendRoutes(ctx).map(base => {
        const mine = tuned.find(route => route.path === base.path);
        if (!mine) return base;
        const [{ path, title, upstream, cache, ...limits }] = appRoutes('backend', ctx.backendPort, mine);
        return { ...base, ...limits, ...(mine.websocket ? { cache: 'none' as const } : {}) };
      }),
      ...own.flatMap(route => {
        const [main, ...hidden] = appRoutes('backend', ctx.backendPort, route);
        return route.host || !BACKEND_PATHS.includes(route.path) ? [main!, ...hidden] : hidden;
      }),
    ];
    return {
      ...mergeContributions({ containers: [{ ...container, ...spec, mounts: [...(container.mounts ?? []), ...(spec.mounts ?? [])] }], routes }),
      ...contribution,
    };
  },
});
