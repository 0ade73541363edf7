/** A prebuilt backend image the user names; we only wire it, route it and probe it. */
import { defineService } from '../types.js';
import { backendContainer, backendRoutes, mergeContributions } from './backend-shared.js';

export const backendImage = defineService({
  id: 'backend-image',
  title: 'Prebuilt image',
  summary: 'Your own image, pulled by tag',
  contribute: ctx => {
    const url = `http://127.0.0.1:${ctx.backendPort}/health`;
    return mergeContributions({
      containers: [
        backendContainer(ctx, {
          // the image's tools are unknown: try what common base images ship
          healthcheck: {
            test: ['CMD-SHELL', `wget -q -O /dev/null ${url} || curl -fsS -o /dev/null ${url}`],
            startPeriod: '60s',
          },
        }),
      ],
      routes: backendRoutes(ctx),
    });
  },
});
