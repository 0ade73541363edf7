/**
 * PgBouncer in front of PostGIS: the apps connect through it, on the port they dial (5432 unless the
 * deployment's apps expect another); session pooling unless the apps keep no session state.
 */
import { IMAGES } from '../images.js';
import { limits, requireSecret, shellProbe, TMP } from '../defaults.js';
import { defineService } from '../types.js';
import { POSTGIS_CONNECTION } from './postgis.js';
import { DEFAULT_PGBOUNCER_PORT } from '../../answers/service-settings.js';

const CONFIG = '/etc/pgbouncer/pgbouncer.ini';
/** Written at start from the secret, into the tmpfs: never on disk, never in the repo. */
const AUTH_FILE = '/tmp/userlist.txt';

export const pgbouncer = defineService({
  id: 'pgbouncer',
  title: 'PgBouncer',
  summary: 'Connection pooler in front of PostGIS (session pooling by default)',
  needs: [{ service: 'postgis', reason: 'pgbouncer pools the connections to PostGIS' }],
  contribute: ({ answers }) => {
    const port = answers.pgbouncerPort ?? DEFAULT_PGBOUNCER_PORT;
    const poolMode = answers.pgbouncerPoolMode ?? 'session';
    const clientAuth = answers.pgbouncerClientAuth ?? 'scram-sha-256';
    return {
      repoLayout: [{ path: 'pgbouncer/', what: 'connection pooler settings' }],
      containers: [
        {
          name: 'pgbouncer',
          role: `Connection pooler in front of the database (${poolMode} mode, port ${port}${clientAuth === 'md5' ? ', md5 logins' : ''})`,
          image: IMAGES.pgbouncer,
          // the image's entrypoint writes its own config into /etc/pgbouncer and cannot read a secret file:
          // the config is ours (read-only), and only the auth file is written, holding the owner's password
          // in plain text, which scram-sha-256 to PostgreSQL needs
          entrypoint: [
            'sh',
            '-c',
            `${requireSecret('POSTGRES_PASSWORD', 'pw')}umask 077\nprintf '"%s" "%s"\\n' "$$POSTGRES_USER" "$$pw" > ${AUTH_FILE}\nexec pgbouncer ${CONFIG}`,
          ],
          environment: { POSTGRES_USER: '${POSTGRES_USER}', POSTGRES_DB: '${POSTGRES_DB}' },
          secrets: [{ secret: 'postgres_password', env: 'POSTGRES_PASSWORD' }],
          mounts: [{ file: './pgbouncer/pgbouncer.ini', target: CONFIG }],
          // pg_isready counts a password request as an answer: it needs no credentials
          healthcheck: shellProbe(`pg_isready -q -h 127.0.0.1 -p ${port} -U "$\${POSTGRES_USER}" -d "$\${POSTGRES_DB}"`, '10s'),
          dependsOn: { db: 'service_healthy' },
          networks: ['internal'],
          port,
          limits: limits('64m', '0.5', 50),
          tmpfs: [TMP],
          // the image's postgres user
          user: '70:70',
        },
      ],
      // registered after postgis, so these win
      appEnv: { POSTGRES_HOST: 'pgbouncer', POSTGRES_PORT: String(port) },
      // migrations run first and connect through it too
      appDependsOn: { pgbouncer: 'service_healthy' },
      // an app that names {postgis.host} dials the pooler
      connections: [{ store: 'pgbouncer', ...POSTGIS_CONNECTION, host: 'pgbouncer', port, standsInFor: 'postgis' }],
      files: [{ path: 'pgbouncer/pgbouncer.ini', template: 'pgbouncer/pgbouncer.ini.ejs', view: { authFile: AUTH_FILE, port, poolMode, clientAuth } }],
    };
  },
});
