/**
 * Grafana at /grafana/, or at / on a sub-domain of its own (`grafanaHost`), provisioned with the Prometheus datasource and an overview dashboard; on request
 * a PostgreSQL data source for dashboards over the database, as a read-only role of its own or as the
 * app's user, its password read from the secret file (never written into the provisioning file).
 */
import { IMAGES } from '../images.js';
import { limits, TMP, wgetProbe } from '../defaults.js';
import { NGINX_PORT } from './nginx.js';
import { defineService, type FileSpec, type SecretSpec, type SecretUse } from '../types.js';
import type { GrafanaPostgres } from '../../answers/service-settings.js';
import { SITE_PATHS } from '../site-paths.js';
import type { DatabaseRole } from './postgis-roles.js';

/** The read-only role the database creates for Grafana (postgres/initdb/02-roles.sh). */
export const GRAFANA_DB_ROLE = 'grafana_reader';
export const GRAFANA_DB_SECRET: SecretSpec = {
  name: 'grafana_db_password',
  env: 'GRAFANA_DB_PASSWORD',
  purpose: "read-only PostgreSQL role of Grafana's data source",
};
/** The data source's role, which the database makes: the tables there now and those the app's user creates later. */
const GRAFANA_READER: DatabaseRole = {
  name: GRAFANA_DB_ROLE,
  serves: 'grafana',
  secret: { secret: GRAFANA_DB_SECRET.name, env: GRAFANA_DB_SECRET.env },
  shellVariable: 'grafana_password',
  comment: [
    "Grafana's PostgreSQL data source reads, never writes: the tables there now and those the app's user",
    'creates later (default privileges of the owner, who runs this script)',
  ],
  memberOf: [],
  reads: { schemas: ['public'], createSchemas: false, searchPath: false },
};
const SECRETS_DIR = '/run/secrets';
const ADMIN_USER = 'admin';

/** The data source file and what the container needs for it; the database itself, not the pooler. */
function postgresDatasource(mode: Exclude<GrafanaPostgres, 'off'>, uid: string): { file: FileSpec; secret: SecretUse; environment: Record<string, string> } {
  const secret = mode === 'readonly' ? GRAFANA_DB_SECRET.name : 'postgres_password';
  return {
    // Grafana expands ${VAR} and $__file{} in provisioning files when it reads them
    file: {
      path: 'grafana/provisioning/datasources/postgres.yml',
      yaml: {
        apiVersion: 1,
        datasources: [
          {
            name: 'PostgreSQL',
            type: 'postgres',
            uid,
            access: 'proxy',
            url: 'db:5432',
            user: '${PG_DATASOURCE_USER}',
            isDefault: false,
            editable: false,
            jsonData: { database: '${POSTGRES_DB}', sslmode: 'disable', postgresVersion: 1600, maxOpenConns: 5 },
            secureJsonData: { password: `$__file{${SECRETS_DIR}/${secret}}` },
          },
        ],
      },
      comment: `PostgreSQL data source (managed by generator-portal): ${mode === 'readonly' ? `the read-only role ${GRAFANA_DB_ROLE}` : "the app's database user"}; the password is read from the secret file`,
    },
    // the file in dev as in prod, so the data source reads it the same way
    secret: { secret, env: 'PG_DATASOURCE_PASSWORD', fileInDev: true },
    environment: { PG_DATASOURCE_USER: mode === 'readonly' ? GRAFANA_DB_ROLE : '${POSTGRES_USER}', POSTGRES_DB: '${POSTGRES_DB}' },
  };
}

export const grafana = defineService({
  id: 'grafana',
  title: 'Grafana',
  summary: 'Dashboards over Prometheus, served under /grafana/',
  contribute: ({ devUrl, answers }) => {
    const label = answers.grafanaHost;
    // on a sub-domain Grafana is at its root (nginx serves sub-domains, on <label>.localhost in dev); under a path it strips the prefix itself
    const at = label
      ? { path: '/', rootUrl: `https://${label}.\${DOMAIN}/`, devRootUrl: `http://${label}.localhost:${NGINX_PORT}/`, where: `on ${label}.<domain>` }
      : {
          path: SITE_PATHS.grafana,
          rootUrl: `https://\${DOMAIN}${SITE_PATHS.grafana}`,
          devRootUrl: `${devUrl}${SITE_PATHS.grafana}`,
          where: `under ${SITE_PATHS.grafana}`,
        };
    const postgres = answers.grafanaPostgres ? postgresDatasource(answers.grafanaPostgres, answers.grafanaPostgresUid ?? 'postgres') : undefined;
    return {
      repoLayout: [{ path: 'grafana/', what: 'datasource and dashboard provisioning' }],
      containers: [
        {
          name: 'grafana',
          role: `Dashboards (${at.where})`,
          image: IMAGES.grafana,
          environment: {
            GF_SERVER_ROOT_URL: at.rootUrl,
            GF_SERVER_SERVE_FROM_SUB_PATH: label ? 'false' : 'true',
            GF_SECURITY_ADMIN_USER: ADMIN_USER,
            GF_AUTH_ANONYMOUS_ENABLED: 'false',
            GF_USERS_ALLOW_SIGN_UP: 'false',
            GF_ANALYTICS_REPORTING_ENABLED: 'false',
            GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
            ...postgres?.environment,
          },
          secrets: [
            { secret: 'grafana_admin_password', env: 'GF_SECURITY_ADMIN_PASSWORD', fileEnv: 'GF_SECURITY_ADMIN_PASSWORD__FILE' },
            ...(postgres ? [postgres.secret] : []),
          ],
          mounts: [
            { file: './grafana/provisioning', target: '/etc/grafana/provisioning' },
            { file: './grafana/dashboards', target: '/var/lib/grafana-dashboards' },
            { storage: 'grafana-data', target: '/var/lib/grafana' },
          ],
          healthcheck: wgetProbe('http://127.0.0.1:3000/api/health', '30s'),
          dependsOn: { prometheus: 'service_healthy' },
          networks: ['internal', 'edge'],
          port: 3000,
          devPorts: [3000],
          // behind nginx or varnish the browser sees Grafana under the front's dev URL; alone, on its own port
          // grafana brings prometheus, which brings a proxy: in dev it is reached through the front
          dev: { environment: { GF_SERVER_ROOT_URL: at.devRootUrl } },
          limits: limits('256m', '0.5', 200),
          tmpfs: [TMP],
          user: '472:0',
        },
      ],
      storage: [{ name: 'grafana-data', purpose: 'Grafana users, sessions and edited dashboards', usedBy: ['grafana'], owner: '472:0', backup: true }],
      // the admin password is set on the first start only, then kept in grafana.db
      passwordChanges: [{ container: 'grafana', secret: 'grafana_admin_password', keeper: 'Grafana', command: 'grafana cli admin reset-admin-password "$pw"' }],
      secrets: [
        { name: 'grafana_admin_password', env: 'GRAFANA_ADMIN_PASSWORD', purpose: 'Grafana admin login' },
        ...(answers.grafanaPostgres === 'readonly' ? [GRAFANA_DB_SECRET] : []),
      ],
      ...(postgres ? { files: [postgres.file] } : {}),
      ...(answers.grafanaPostgres === 'readonly' ? { databaseRoles: [GRAFANA_READER] } : {}),
      consoles: [
        {
          title: 'Grafana',
          urls: { prod: at.rootUrl.replace('${DOMAIN}', answers.domain), dev: at.devRootUrl },
          user: ADMIN_USER,
          passwordSecret: 'grafana_admin_password',
        },
      ],
      routes: [
        {
          path: at.path,
          title: 'Grafana dashboards',
          upstream: { host: 'grafana', port: 3000, stripPrefix: false, healthPath: '/api/health' },
          cache: 'none',
          websocket: true,
          ...(label ? { host: label } : {}),
        },
      ],
      // grafana strips its sub path itself, so /grafana/metrics answers too
      scrape: [{ job: 'grafana', target: 'grafana:3000', ...(label ? {} : { publicAliases: ['/grafana/metrics'] }) }],
    };
  },
});
