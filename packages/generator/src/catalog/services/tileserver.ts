/**
 * pg_tileserv vector tiles under /tiles/, rebuilt on Alpine (as one seed deployment does) so that it has a
 * shell for its healthcheck and for reading the prod password file; it connects with a read-only role.
 */
import { proxyFor } from '../proxy-choice.js';
import { IMAGES } from '../images.js';
import { limits, prodOrigin, TMP, wgetProbe } from '../defaults.js';
import { defineService } from '../types.js';
import { SITE_PATHS } from '../site-paths.js';
import type { DatabaseRole } from './postgis-roles.js';
import type { PortalAnswers } from '../../answers/answers.js';

export const TILESERVER_PORT = 7800;

/** The schemas the tileserver reads: `tiles` unless the answers name the deployment's own. */
export const tileSchemasOf = (answers: PortalAnswers): readonly string[] => answers.tileSchemas ?? ['tiles'];

/** Its read-only role, which the database makes (and declares the password of). */
const tileserverRole = (schemas: readonly string[]): DatabaseRole => ({
  name: 'tileserver',
  serves: 'tileserver',
  secret: { secret: 'tileserver_db_password', env: 'TILESERVER_DB_PASSWORD' },
  secretPurpose: 'read-only tileserver role',
  shellVariable: 'tileserver_password',
  comment: [
    `The tileserver publishes every table it can read, with all columns: it reads the schema(s) ${schemas.join(', ')} only,`,
    "never the app's tables in `public` (users, sessions). Put layers, or views over app tables, there.",
  ],
  memberOf: [],
  reads: { schemas, createSchemas: true, searchPath: true },
});

export const tileserver = defineService({
  id: 'tileserver',
  title: 'Vector tiles (pg_tileserv)',
  summary: 'Mapbox vector tiles straight from PostGIS tables, cached by varnish',
  needs: [
    { service: 'postgis', reason: 'the tileserver serves tables from PostGIS' },
    // the backend would answer /tiles/ itself: only a proxy routes it here
    { service: proxyFor, reason: 'a proxy routes /tiles/ to the tileserver' },
  ],
  contribute: ({ answers, has, devUrl }) => ({
    repoLayout: [{ path: 'tileserver/', what: 'pg_tileserv image on Alpine with its entrypoint' }],
    containers: [
      {
        name: 'tileserver',
        role: 'Vector tiles from PostGIS (pg_tileserv, read-only role)',
        image: `${answers.name}-tileserver:${IMAGES.tileserver.split(':')[1]}`,
        build: { context: './tileserver' },
        environment: {
          PGHOST: 'db',
          PGDATABASE: '${POSTGRES_DB}',
          PGUSER: 'tileserver',
          TS_BASEPATH: '/tiles/',
          // pg_tileserv advertises tile and layer URLs under UrlBase; unset, it takes them from the
          // Forwarded, X-Forwarded-Host and Host headers of each request, and varnish shares the answer
          TS_URLBASE: prodOrigin({ has, answers }),
          TS_HTTPPORT: String(TILESERVER_PORT),
          ...(has('prometheus') ? { TS_ENABLEMETRICS: 'true' } : {}),
        },
        secrets: [{ secret: 'tileserver_db_password', env: 'PGPASSWORD' }],
        healthcheck: wgetProbe(`http://127.0.0.1:${TILESERVER_PORT}/tiles/index.json`, '20s'),
        dependsOn: { db: 'service_healthy' },
        networks: ['internal'],
        port: TILESERVER_PORT,
        devPorts: [TILESERVER_PORT],
        dev: { environment: { TS_URLBASE: devUrl } },
        limits: limits('256m', '1.0', 200),
        tmpfs: [TMP],
      },
    ],
    // BasePath moves every route of pg_tileserv under /tiles/, metrics included
    scrape: [{ job: 'tileserver', target: `tileserver:${TILESERVER_PORT}`, metricsPath: '/tiles/metrics' }],
    routes: [
      {
        path: SITE_PATHS.tiles,
        title: 'vector tiles (pg_tileserv), cached for a day',
        upstream: { host: 'tileserver', port: TILESERVER_PORT, stripPrefix: false, healthPath: '/tiles/index.json' },
        cache: 'long',
      },
    ],
    databaseRoles: [tileserverRole(tileSchemasOf(answers))],
    readmeSections: [
      {
        title: 'Map layers',
        lines: [
          'The tileserver publishes every table and view it can read, with all columns, and it reads only the schema',
          '`tiles`. Load layers there (or create views there over your tables, with the columns you mean to publish);',
          "the app's own tables in `public` stay private.",
        ],
      },
    ],
    files: [
      {
        path: 'tileserver/Dockerfile',
        template: 'tileserver/Dockerfile.ejs',
        view: { port: TILESERVER_PORT, upstream: IMAGES.tileserver, alpine: IMAGES.alpine },
      },
      { path: 'tileserver/entrypoint.sh', template: 'tileserver/entrypoint.sh.ejs', executable: true },
      { path: 'tileserver/.dockerignore', template: 'tileserver/dockerignore.ejs' },
      // a demo layer in the schema it reads, made by the database's first start
      ...(tileSchemasOf(answers).includes('tiles') ? [{ path: 'postgres/initdb/03-demo-layer.sql', template: 'postgres/03-demo-layer.sql.ejs' }] : []),
    ],
  }),
});
