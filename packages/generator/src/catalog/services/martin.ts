/**
 * Martin (maplibre/martin): vector tiles from PostGIS tables under /martin/, an alternative to
 * pg_tileserv. Facts read in maplibre/martin at 39ac533a33543a70590ed976f30ad47d5033abe1: the connection
 * is DATABASE_URL (docs/content/env-vars.md), it listens on 0.0.0.0:3000 and `--base-path` only prefixes
 * TileJSON URLs, its API stays at its root (docs/content/help/martin.txt, run-with-nginx.md); /health,
 * /catalog and /_/metrics (docs/content/using.md); the image is Ubuntu with wget, ENTRYPOINT martin
 * (.github/files/multi-platform.Dockerfile); it publishes every table with a geometry column it can read
 * (sources-pg-tables.md), so it connects as a read-only role the database makes for it.
 */
import { limits, requireSecret, TMP, wgetProbe } from '../defaults.js';
import { defineService } from '../types.js';
import type { DatabaseRole } from './postgis-roles.js';
import { tileSchemasOf } from './tileserver.js';

/** Pinned release (its docs' own example tag). */
export const MARTIN_IMAGE = 'ghcr.io/maplibre/martin:1.14.0';
export const MARTIN_PORT = 3000;
/** Its public path; nginx strips it, as martin's API answers at its root. */
export const MARTIN_PATH = '/martin/';
const SECRET = { secret: 'martin_db_password', env: 'MARTIN_DB_PASSWORD' };

/** Its read-only role: the schemas the map layers live in (the tileserver's answer), nothing in `public`. */
const martinRole = (schemas: readonly string[]): DatabaseRole => ({
  name: 'martin',
  serves: 'martin',
  secret: SECRET,
  secretPurpose: 'read-only martin role',
  shellVariable: 'martin_password',
  comment: [
    `Martin publishes every table with a geometry column it can read: it reads the schema(s) ${schemas.join(', ')} only,`,
    "never the app's tables in `public`.",
  ],
  memberOf: [],
  reads: { schemas, createSchemas: true, searchPath: true },
});

export const martin = defineService({
  id: 'martin',
  title: 'Vector tiles (Martin)',
  summary: 'Vector tiles from PostGIS tables with Martin, under /martin/ (an alternative to pg_tileserv)',
  needs: [
    { service: 'postgis', reason: 'martin serves tables from PostGIS' },
    { service: 'nginx', reason: 'martin answers at its root, and nginx strips /martin/ off' },
  ],
  sitePaths: [MARTIN_PATH],
  contribute: ({ answers }) => {
    const schemas = tileSchemasOf(answers);
    // the image reads its connection from a variable only: the password (variable in dev, file in prod)
    // goes into DATABASE_URL at start, every byte percent-encoded (a password set by hand may hold @ / : %)
    const encoded = `$$(printf %s "$$password" | od -An -tx1 -v | tr -d ' \\n' | sed 's/../%&/g')`;
    const start =
      `${requireSecret(SECRET.env, 'password')}export DATABASE_URL="postgres://martin:${encoded}@db:5432/$\${POSTGRES_DB}"\n` +
      `exec martin --listen-addresses 0.0.0.0:${MARTIN_PORT} --base-path ${MARTIN_PATH.slice(0, -1)}`;
    return {
      containers: [
        {
          name: 'martin',
          role: 'Vector tiles from PostGIS (Martin, read-only role)',
          image: MARTIN_IMAGE,
          entrypoint: ['sh', '-c', start],
          environment: { POSTGRES_DB: '${POSTGRES_DB}' },
          secrets: [SECRET],
          healthcheck: wgetProbe(`http://127.0.0.1:${MARTIN_PORT}/health`, '20s'),
          dependsOn: { db: 'service_healthy' },
          networks: ['internal'],
          port: MARTIN_PORT,
          devPorts: [MARTIN_PORT],
          limits: limits('256m', '1.0', 200),
          tmpfs: [TMP],
          // the image sets no user: nobody, as it writes nothing
          user: '65534:65534',
        },
      ],
      databaseRoles: [martinRole(schemas)],
      readmeSections: [
        {
          title: 'Vector tiles with Martin',
          lines: [
            `Martin answers under \`${MARTIN_PATH}\`: \`${MARTIN_PATH}catalog\` lists the tables it publishes, each at`,
            `\`${MARTIN_PATH}<table>\` (TileJSON) and \`${MARTIN_PATH}<table>/{z}/{x}/{y}\`. It publishes every table with a geometry`,
            `column it can read, with all columns, and it reads only the schema(s) ${schemas.map(s => `\`${s}\``).join(', ')}.`,
          ],
        },
      ],
      scrape: [{ job: 'martin', target: `martin:${MARTIN_PORT}`, metricsPath: '/_/metrics' }],
      routes: [
        {
          path: MARTIN_PATH,
          title: 'vector tiles (Martin)',
          // stripped by nginx; varnish does not strip, so it never goes through varnish
          upstream: { host: 'martin', port: MARTIN_PORT, stripPrefix: true },
          cache: 'none',
          // its metrics are for Prometheus only, with or without it
          privatePaths: [`${MARTIN_PATH}_/metrics`],
        },
      ],
    };
  },
});
