/**
 * The least-privilege login roles of the portal's database and the grants each one needs: one home for
 * postgres/initdb/02-roles.sh (compose, Swarm, the Kubernetes StatefulSet) and for the CloudNativePG
 * Cluster, which runs the same statements at bootstrap and keeps the passwords as managed roles.
 */
import type { PortalAnswers, ServiceId } from '../../answers/answers.js';
import type { SecretUse } from '../types.js';
import { GRAFANA_DB_ROLE, GRAFANA_DB_SECRET } from './grafana.js';

/** Where the grants apply: the database, and whose future tables the role may read. */
export interface GrantTarget {
  /** An SQL identifier: psql's `:"DBNAME"` in the shell script, the quoted name elsewhere. */
  readonly database: string;
  /** Roles whose future tables are granted (`FOR ROLE ...`); empty: the role running the statements. */
  readonly tableOwners: readonly string[];
  /** Owner of the schemas made here; empty: the role running the statements (the database owner in compose). */
  readonly schemaOwner: string;
}

export interface DatabaseRole {
  readonly name: string;
  /** Its password: the secret file and the variable 02-roles.sh reads it from. */
  readonly secret: SecretUse;
  /** The shell variable 02-roles.sh holds the password in. */
  readonly shellVariable: string;
  /** Why the role exists and what it may do, a comment line each. */
  readonly comment: readonly string[];
  /** Roles it is a member of (GRANT <role> TO ...). */
  readonly memberOf: readonly string[];
  /** The statements after CREATE ROLE. */
  readonly grants: (target: GrantTarget) => string[];
}

/** `CREATE ROLE` attributes of every portal role: it logs in and nothing more. */
export const ROLE_ATTRIBUTES = 'NOSUPERUSER NOCREATEDB NOCREATEROLE';

const defaultPrivileges = (target: GrantTarget, schema: string, role: string): string =>
  `ALTER DEFAULT PRIVILEGES${target.tableOwners.length > 0 ? ` FOR ROLE ${target.tableOwners.join(', ')}` : ''} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${role};`;

/** A read-only reader of some schemas: usage, every table there now and later, read-only transactions. */
function schemaReader(name: string, schemas: readonly string[], create: boolean, searchPath: boolean) {
  return (target: GrantTarget): string[] => [
    `GRANT CONNECT ON DATABASE ${target.database} TO ${name};`,
    ...schemas.flatMap(schema => [
      ...(create ? [`CREATE SCHEMA IF NOT EXISTS ${schema}${target.schemaOwner ? ` AUTHORIZATION ${target.schemaOwner}` : ''};`] : []),
      `GRANT USAGE ON SCHEMA ${schema} TO ${name};`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${name};`,
      defaultPrivileges(target, schema, name),
    ]),
    `ALTER ROLE ${name} SET default_transaction_read_only = on;`,
    ...(searchPath ? [`ALTER ROLE ${name} SET search_path = ${schemas.join(', ')}, public;`] : []),
  ];
}

/** The schemas the tileserver reads: `tiles` unless the answers name the deployment's own. */
export const tileSchemasOf = (answers: PortalAnswers): readonly string[] => answers.tileSchemas ?? ['tiles'];

/** The roles the selected services need, in the order 02-roles.sh makes them. */
export function databaseRoles(answers: PortalAnswers, has: (id: ServiceId) => boolean): DatabaseRole[] {
  const tileSchemas = tileSchemasOf(answers);
  return [
    ...(has('tileserver')
      ? [
          {
            name: 'tileserver',
            secret: { secret: 'tileserver_db_password', env: 'TILESERVER_DB_PASSWORD' },
            shellVariable: 'tileserver_password',
            comment: [
              `The tileserver publishes every table it can read, with all columns: it reads the schema(s) ${tileSchemas.join(', ')} only,`,
              "never the app's tables in `public` (users, sessions). Put layers, or views over app tables, there.",
            ],
            memberOf: [],
            grants: schemaReader('tileserver', tileSchemas, true, true),
          },
        ]
      : []),
    ...(has('prometheus')
      ? [
          {
            name: 'exporter',
            secret: { secret: 'exporter_db_password', env: 'EXPORTER_DB_PASSWORD' },
            shellVariable: 'exporter_password',
            comment: ['the Prometheus exporter reads statistics only'],
            memberOf: ['pg_monitor'],
            grants: (target: GrantTarget) => [`GRANT CONNECT ON DATABASE ${target.database} TO exporter;`],
          },
        ]
      : []),
    // Grafana's read-only data source: the role is made here, with the secret Grafana declares
    ...(has('grafana') && answers.grafanaPostgres === 'readonly'
      ? [
          {
            name: GRAFANA_DB_ROLE,
            secret: { secret: GRAFANA_DB_SECRET.name, env: GRAFANA_DB_SECRET.env },
            shellVariable: 'grafana_password',
            comment: [
              "Grafana's PostgreSQL data source reads, never writes: the tables there now and those the app's user",
              'creates later (default privileges of the owner, who runs this script)',
            ],
            memberOf: [],
            grants: schemaReader(GRAFANA_DB_ROLE, ['public'], false, false),
          },
        ]
      : []),
  ];
}

/** The statements making one role and its grants (without a password: CloudNativePG sets it). */
export const roleStatements = (role: DatabaseRole, target: GrantTarget, password = ''): string[] => [
  `CREATE ROLE ${role.name} LOGIN${password ? ` PASSWORD ${password}` : ''} ${ROLE_ATTRIBUTES};`,
  ...role.memberOf.map(group => `GRANT ${group} TO ${role.name};`),
  ...role.grants(target),
];
