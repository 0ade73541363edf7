/** A prebuilt backend image the user names; we only wire it, route it and probe it, as its contract says. */
import { defineService } from '../types.js';
import { backendContainer, backendRoutes, mergeContributions } from './backend-shared.js';
import { appRoutes, contractParts } from '../extras/apps.js';

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
    // its sub-domains (api.<domain>) besides the stack's paths on the domain
    const routes = [...backendRoutes(ctx), ...own.flatMap(route => appRoutes('backend', ctx.backendPort, route))];
    return { ...mergeContributions({ containers: [{ ...container, ...spec, mounts: [...(container.mounts ?? []), ...(spec.mounts ?? [])] }], routes }), ...contribution };
  },
});
