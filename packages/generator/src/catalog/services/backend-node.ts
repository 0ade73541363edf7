/** Node.js starter on node:http alone, so it has no dependency to audit or pin. */
import { IMAGES } from '../images.js';
import { defineService } from '../types.js';
import { backendCommon, backendContainer, backendRoutes } from './backend-shared.js';
import { mergeContributions } from '../merge-contributions.js';

export const backendNode = defineService({
  id: 'backend-node',
  title: 'Node.js',
  summary: 'Node.js 20 HTTP server without dependencies',
  contribute: ctx => {
    const port = ctx.backendPort;
    const view = { name: ctx.answers.name, port, baseImage: IMAGES.node, hasPostgis: ctx.has('postgis'), hasRedis: ctx.has('redis') };
    return mergeContributions(backendCommon(ctx), {
      containers: [
        backendContainer(ctx, {
          command: ['node', 'src/server.js'],
          healthcheck: {
            test: ['CMD', 'node', '-e', `fetch('http://127.0.0.1:${port}/health').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))`],
            startPeriod: '20s',
          },
          dev: { command: ['node', '--watch', 'src/server.js'] },
        }),
      ],
      routes: backendRoutes(ctx),
      files: [
        { path: 'backend/Dockerfile', template: 'backend/node/Dockerfile.ejs', view },
        { path: 'backend/.dockerignore', template: 'backend/node/dockerignore.ejs' },
        {
          path: 'backend/package.json',
          json: {
            name: `${ctx.answers.name}-backend`,
            version: '0.1.0',
            private: true,
            type: 'module',
            main: 'src/server.js',
            scripts: { start: 'node src/server.js' },
            engines: { node: '>=20' },
          },
        },
        {
          path: 'backend/package-lock.json',
          json: {
            name: `${ctx.answers.name}-backend`,
            version: '0.1.0',
            lockfileVersion: 3,
            requires: true,
            packages: { '': { name: `${ctx.answers.name}-backend`, version: '0.1.0', engines: { node: '>=20' } } },
          },
        },
        { path: 'backend/src/server.js', template: 'backend/node/server.js.ejs', view },
      ],
    });
  },
});
