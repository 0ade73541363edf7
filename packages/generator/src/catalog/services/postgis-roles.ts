/**
 * The least-privilege login roles of the portal's database and the grants each one needs: each service
 * that reads the database asks for its role in its own contribution (`databaseRoles`); the database makes
 * them all, in postgres/initdb/02-roles.sh (compose, Swarm, the Kubernetes StatefulSet) and in the
 * CloudNativePG Cluster, which runs the same statements at bootstrap and keeps the passwords as managed roles.
 */
import { SERVICE_IDS, type ServiceId } from '../../answers/answers.js';
import type { SecretUse } from '../types.js';

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
  /** The chosen service it is for: roles are made in catalog order of these. */
  readonly serves: ServiceId;
  /** Its password: the secret file and the variable 02-roles.sh reads it from. */
  readonly secret: SecretUse;
  /** Set when the database declares the secret, with this purpose (else the service asking declares it). */
  readonly secretPurpose?: string;
  /** The shell variable 02-roles.sh holds the password in. */
  readonly shellVariable: string;
  /** Why the role exists and what it may do, a comment line each. */
  readonly comment: readonly string[];
  /** Roles it is a member of (GRANT <role> TO ...). */
  readonly memberOf: readonly string[];
  /** Schemas it reads (every table there now and later, read-only transactions); absent: it may only connect. */
  readonly reads?: SchemaReads;
}

export interface SchemaReads {
  readonly schemas: readonly string[];
  /** Made by the role's grants when missing (a schema the service owns, such as the tileserver's `tiles`). */
  readonly createSchemas: boolean;
  /** The role's search_path: its schemas first. */
  readonly searchPath: boolean;
}

/** `CREATE ROLE` attributes of every portal role: it logs in and nothing more. */
export const ROLE_ATTRIBUTES = 'NOSUPERUSER NOCREATEDB NOCREATEROLE';

const defaultPrivileges = (target: GrantTarget, schema: string, role: string): string =>
  `ALTER DEFAULT PRIVILEGES${target.tableOwners.length > 0 ? ` FOR ROLE ${target.tableOwners.join(', ')}` : ''} IN SCHEMA ${schema} GRANT SELECT ON TABLES TO ${role};`;

/** The statements after CREATE ROLE: connect, and for a reader usage, every table now and later, read-only transactions. */
function grants(name: string, target: GrantTarget, reads: SchemaReads | undefined): string[] {
  if (!reads) return [`GRANT CONNECT ON DATABASE ${target.database} TO ${name};`];
  const { schemas, createSchemas, searchPath } = reads;
  return [
    `GRANT CONNECT ON DATABASE ${target.database} TO ${name};`,
    ...schemas.flatMap(schema => [
      ...(createSchemas ? [`CREATE SCHEMA IF NOT EXISTS ${schema}${target.schemaOwner ? ` AUTHORIZATION ${target.schemaOwner}` : ''};`] : []),
      `GRANT USAGE ON SCHEMA ${schema} TO ${name};`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA ${schema} TO ${name};`,
      defaultPrivileges(target, schema, name),
    ]),
    `ALTER ROLE ${name} SET default_transaction_read_only = on;`,
    ...(searchPath ? [`ALTER ROLE ${name} SET search_path = ${schemas.join(', ')}, public;`] : []),
  ];
}

/**
 * The roles the database makes, from every chosen service's request (`Contribution.databaseRoles`), in
 * catalog order of the service each serves: the order 02-roles.sh makes them and the secrets are listed in.
 */
export function rolesInCatalogOrder(requests: readonly DatabaseRole[]): DatabaseRole[] {
  return [...requests].sort((a, b) => SERVICE_IDS.indexOf(a.serves) - SERVICE_IDS.indexOf(b.serves));
}

/** The statements making one role and its grants (without a password: CloudNativePG sets it). */
export const roleStatements = (role: DatabaseRole, target: GrantTarget, password = ''): string[] => [
  `CREATE ROLE ${role.name} LOGIN${password ? ` PASSWORD ${password}` : ''} ${ROLE_ATTRIBUTES};`,
  ...role.memberOf.map(group => `GRANT ${group} TO ${role.name};`),
  ...grants(role.name, target, role.reads),
];
