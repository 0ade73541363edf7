/** PostgreSQL with PostGIS: the portal's database, with least-privilege roles for the tileserver and exporter. */
import { IMAGES } from '../images.js';
import { limits, SCRATCH_EXPORTER, shellProbe, TMP } from '../defaults.js';
import { defineService, type ContainerSpec, type SecretUse } from '../types.js';
import { roleStatements, rolesInCatalogOrder, type DatabaseRole } from './postgis-roles.js';
import { DEFAULT_EXTENSIONS, type PostgresAnswer } from '../../answers/postgres-answers.js';

/** The server's command: the image's own, with each tuning answer as `-c name=value`. */
export const serverCommand = (postgres: PostgresAnswer | undefined): string[] | undefined => {
  const settings = Object.entries(postgres?.settings ?? {});
  return settings.length > 0 ? ['postgres', ...settings.flatMap(([name, value]) => ['-c', `${name}=${value}`])] : undefined;
};

/** What the first start creates: extensions in the deployment's database, extra and template databases. */
export const initView = (postgres: PostgresAnswer | undefined) => ({
  extensions: postgres?.extensions ?? [...DEFAULT_EXTENSIONS],
  databases: [...(postgres?.databases ?? []).map(name => ({ name, template: false })), ...(postgres?.templates ?? []).map(name => ({ name, template: true }))],
});

/** What apps name in their settings: `{postgis.user}`, `{postgis.password}`, `{postgis.db}` (PgBouncer offers the same). */
export const POSTGIS_CONNECTION = {
  port: 5432,
  fields: { user: '${POSTGRES_USER}', db: '${POSTGRES_DB}' },
  secretFields: { password: { secret: 'postgres_password', env: 'POSTGRES_PASSWORD' } },
} as const;

/** Its own exporter's role, there for Prometheus (ordered with Prometheus's place in the catalog). */
const EXPORTER_ROLE: DatabaseRole = {
  name: 'exporter',
  serves: 'prometheus',
  secret: { secret: 'exporter_db_password', env: 'EXPORTER_DB_PASSWORD' },
  secretPurpose: 'pg_monitor role of the exporter',
  shellVariable: 'exporter_password',
  comment: ['the Prometheus exporter reads statistics only'],
  memberOf: ['pg_monitor'],
};

export const postgis = defineService({
  id: 'postgis',
  title: 'PostGIS',
  summary: 'PostgreSQL 16 with PostGIS 3.5, one database per deployment',
  contribute: ({ has, slug, answers, contributions = [] }) => {
    const command = serverCommand(answers.postgres);
    // the whole-model phase: the roles every chosen service asks for (this one's exporter among them)
    const roles = rolesInCatalogOrder(contributions.flatMap(part => part.databaseRoles ?? []));
    const roleSecrets: SecretUse[] = roles.map(role => role.secret);
    const db: ContainerSpec = {
      name: 'db',
      role: 'PostgreSQL + PostGIS database',
      image: IMAGES.postgis,
      ...(command ? { command } : {}),
      environment: { POSTGRES_DB: '${POSTGRES_DB}', POSTGRES_USER: '${POSTGRES_USER}' },
      secrets: [{ secret: 'postgres_password', env: 'POSTGRES_PASSWORD' }, ...roleSecrets],
      mounts: [
        // initdb refuses a data directory holding a volume's lost+found
        { storage: 'pgdata', target: '/var/lib/postgresql/data', claimFolder: 'pgdata' },
        { file: './postgres/initdb', target: '/docker-entrypoint-initdb.d' },
      ],
      healthcheck: shellProbe('pg_isready -q -h 127.0.0.1 -U "$${POSTGRES_USER}" -d "$${POSTGRES_DB}"'),
      networks: ['internal'],
      port: 5432,
      devPorts: [5432],
      limits: limits('1g', '1.0'),
      // the server's socket and lock file live in /var/run/postgresql
      tmpfs: [TMP, '/var/run/postgresql:size=1m'],
      // the entrypoint fixes data-dir ownership, then drops to the postgres user
      capAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
    };
    const exporter: ContainerSpec = {
      name: 'postgres-exporter',
      role: 'Prometheus exporter for PostgreSQL (pg_monitor role)',
      image: IMAGES.postgresExporter,
      environment: {
        DATA_SOURCE_URI: 'db:5432/${POSTGRES_DB}?sslmode=disable',
        DATA_SOURCE_USER: 'exporter',
      },
      secrets: [{ secret: 'exporter_db_password', env: 'DATA_SOURCE_PASS' }],
      healthExemption: SCRATCH_EXPORTER,
      dependsOn: { db: 'service_healthy' },
      networks: ['internal'],
      port: 9187,
      limits: limits('64m', '0.25', 50),
      user: '65534:65534',
    };
    return {
      repoLayout: [{ path: 'postgres/initdb/', what: 'SQL and scripts run once on an empty database' }],
      containers: has('prometheus') ? [db, exporter] : [db],
      storage: [{ name: 'pgdata', purpose: 'PostgreSQL data files', usedBy: ['db'], owner: '999:999', backup: false, dumpedWith: 'pg_dump' }],
      secrets: [
        { name: 'postgres_password', env: 'POSTGRES_PASSWORD', purpose: 'database owner password' },
        ...roles.flatMap(role => (role.secretPurpose ? [{ name: role.secret.secret, env: role.secret.env, purpose: role.secretPurpose }] : [])),
      ],
      env: [
        { name: 'POSTGRES_DB', value: slug, comment: 'database created on first start' },
        { name: 'POSTGRES_USER', value: slug, comment: 'database owner, used by the app' },
      ],
      appEnv: { POSTGRES_HOST: 'db', POSTGRES_PORT: '5432', POSTGRES_DB: '${POSTGRES_DB}', POSTGRES_USER: '${POSTGRES_USER}' },
      appSecrets: [{ secret: 'postgres_password', env: 'POSTGRES_PASSWORD' }],
      connections: [{ store: 'postgis', ...POSTGIS_CONNECTION, host: 'db' }],
      readiness: { db: 'service_healthy' },
      ...(has('prometheus') ? { databaseRoles: [EXPORTER_ROLE] } : {}),
      scrape: [
        {
          job: 'postgres',
          target: 'postgres-exporter:9187',
          panel: { title: 'PostgreSQL connections', expr: 'sum by (datname) (pg_stat_database_numbackends)', legend: '{{datname}}' },
        },
      ],
      alerts: [{ alert: 'PostgresDown', expr: 'pg_up == 0', for: '2m', severity: 'critical', summary: 'PostgreSQL does not answer the exporter' }],
      files: [
        { path: 'postgres/initdb/01-extensions.sql', template: 'postgres/01-extensions.sql.ejs', view: initView(answers.postgres) },
        ...(roleSecrets.length > 0
          ? [
              {
                path: 'postgres/initdb/02-roles.sh',
                template: 'postgres/02-roles.sh.ejs',
                view: { roles: roles.map(role => scriptRole(role)) },
                executable: true,
              },
            ]
          : []),
      ],
    };
  },
});

/** A role as 02-roles.sh makes it: run by the owner, in the database psql's DBNAME names, password from psql's variable. */
const scriptRole = (role: DatabaseRole) => ({
  comment: role.comment,
  shellVariable: role.shellVariable,
  env: role.secret.env,
  statements: roleStatements(role, { database: ':"DBNAME"', tableOwners: [], schemaOwner: '' }, ":'password'"),
});
