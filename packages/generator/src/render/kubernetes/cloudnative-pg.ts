/**
 * The optional CloudNativePG form of the database: `components/cloudnative-pg/` (a kustomize Component)
 * replaces the db StatefulSet with a CloudNativePG `Cluster` on the PostGIS images of
 * cloudnative-pg/postgis-containers, and `cloudnative-pg/<deployment>/` is the deployment's overlay with the
 * Component and the basic-auth Secrets the operator reads. Apps keep the host `db`: its Service selects the
 * Cluster's primary. The fields are those of CloudNativePG's API (api/v1 at v1.30, read at a95a534); the
 * tests validate them against its CRDs.
 */
import type { NetworkPolicy } from 'kubernetes-types/networking/v1.js';
import { roleStatements, type DatabaseRole } from '../../catalog/services/postgis-roles.js';
import { initView } from '../../catalog/services/postgis.js';
import { DEFAULT_CLAIM_SIZE, type KubeContext } from './context.js';
import { KUBE_ROOT, objectFile, type KubeFile } from './kustomize.js';
import { API_LABEL, networkLabel, PART_OF_LABEL } from './labels.js';
import type { Deployment } from './objects.js';
import { cpu, memory } from './values.js';

export const CNPG_COMPONENT = `${KUBE_ROOT}/components/cloudnative-pg`;
export const CNPG_VARIANTS = `${KUBE_ROOT}/cloudnative-pg`;
/** The Cluster's name: its pods are `postgis-<n>`, its Services `postgis-rw`, `-ro`, `-r`. */
export const CLUSTER_NAME = 'postgis';
const API_VERSION = 'postgresql.cnpg.io/v1';
/** The operator's namespace in its own manifests (config/default/kustomization.yaml). */
const OPERATOR_NAMESPACE = 'cnpg-system';
/** The image catalog cloudnative-pg/postgis-containers publishes (image-catalogs/), and compose's PostgreSQL major. */
const IMAGE_CATALOG = 'postgis-standard-bookworm';
const POSTGRES_MAJOR = 16;
/** Labels CloudNativePG puts on its instance pods (pkg/utils/labels_annotations.go). */
export const CNPG_CLUSTER_LABEL = 'cnpg.io/cluster';
export const CNPG_ROLE_LABEL = 'cnpg.io/instanceRole';
/** Instance manager ports of the `postgres` container (pkg/specs/pods.go). */
export const CNPG_PORTS = { postgresql: 5432, metrics: 9187, status: 8000 } as const;

interface SecretName {
  name: string;
}

interface ManagedRole {
  name: string;
  ensure: 'present';
  login: true;
  passwordSecret: SecretName;
  inRoles?: string[];
}

/** The part of CloudNativePG's Cluster (postgresql.cnpg.io/v1) this component writes. */
export interface CnpgCluster {
  apiVersion: typeof API_VERSION;
  kind: 'Cluster';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    instances: number;
    enablePDB: boolean;
    imageCatalogRef: { apiGroup: 'postgresql.cnpg.io'; kind: 'ClusterImageCatalog'; name: string; major: number };
    enableSuperuserAccess: false;
    inheritedMetadata: { labels: Record<string, string> };
    postgresql?: { parameters: Record<string, string> };
    bootstrap: {
      initdb: {
        database: string;
        owner: string;
        secret: SecretName;
        postInitApplicationSQL: string[];
      };
    };
    managed?: { roles: ManagedRole[] };
    storage: { size: string };
    resources: { limits: { memory: string; cpu: string }; requests: { memory: string; cpu: string } };
  };
}

/** CloudNativePG's Database: an extra or template database compose's 01-extensions.sql makes. */
export interface CnpgDatabase {
  apiVersion: typeof API_VERSION;
  kind: 'Database';
  metadata: { name: string; labels: Record<string, string> };
  spec: { name: string; owner: string; cluster: SecretName; isTemplate?: true; extensions: { name: string; ensure: 'present' }[] };
}

/** The Secret the operator reads a role's password from: `kubernetes.io/basic-auth`, with the role as username. */
const roleSecret = (role: string): string => `${CLUSTER_NAME}-role-${role.replace(/_/g, '-')}`;
const OWNER_SECRET = `${CLUSTER_NAME}-owner`;

/** The component's and each deployment's files; none without PostGIS. */
/** `repoText`: a planned file's content (the demo layer's SQL). */
export function cloudNativePgFiles(ctx: KubeContext, deployments: readonly Deployment[], repoText: (path: string) => string | undefined): KubeFile[] {
  const db = ctx.containers.find(c => c.name === 'db');
  if (!db || !ctx.model.answers.services.includes('postgis')) return [];
  const { model } = ctx;
  const env = (name: string) => model.env.find(variable => variable.name === name)?.value ?? '';
  const owner = env('POSTGRES_USER');
  const database = env('POSTGRES_DB');
  const roles = model.databaseRoles;
  const init = initView(model.answers.postgres);
  const demoLayer = statements(repoText(DEMO_LAYER) ?? '');
  // the owner is no superuser here: making databases from a template needs CREATEDB
  const ownerRights = init.databases.some(d => d.template) ? [`ALTER ROLE ${quoted(owner)} CREATEDB;`] : [];
  const portal = model.answers.name;

  const cluster: CnpgCluster = {
    apiVersion: API_VERSION,
    kind: 'Cluster',
    metadata: { name: CLUSTER_NAME, labels: { [PART_OF_LABEL]: portal } },
    spec: {
      instances: 1,
      // one instance: CloudNativePG's primary PodDisruptionBudget (minAvailable 1) would block every node drain
      enablePDB: false,
      imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ClusterImageCatalog', name: IMAGE_CATALOG, major: POSTGRES_MAJOR },
      enableSuperuserAccess: false,
      // the portal's NetworkPolicies select pods by these labels; the instance manager talks to the API server
      inheritedMetadata: { labels: { [PART_OF_LABEL]: portal, [networkLabel('internal')]: 'true', [API_LABEL]: 'true' } },
      ...(model.answers.postgres?.settings && Object.keys(model.answers.postgres.settings).length > 0
        ? { postgresql: { parameters: { ...model.answers.postgres.settings } } }
        : {}),
      bootstrap: {
        initdb: {
          database,
          owner,
          secret: { name: OWNER_SECRET },
          // as 01-extensions.sql and 02-roles.sh; run by the superuser, so the owner gets the schemas and
          // the roles read the tables both make
          postInitApplicationSQL: [
            ...init.extensions.map(extension => `CREATE EXTENSION IF NOT EXISTS "${extension}";`),
            ...ownerRights,
            ...roles.flatMap(role =>
              roleStatements(role, { database: quoted(database), tableOwners: ['postgres', quoted(owner)], schemaOwner: quoted(owner) }),
            ),
            // made by the owner, as in compose, so its dumps and the app can use the table (the statements
            // of this list run on one connection, so the role holds until RESET)
            ...(demoLayer.length > 0 ? [`SET ROLE ${quoted(owner)};`, ...demoLayer, 'RESET ROLE;'] : []),
          ],
        },
      },
      ...(roles.length > 0 ? { managed: { roles: roles.map(managedRole) } } : {}),
      storage: { size: DEFAULT_CLAIM_SIZE },
      resources: {
        limits: { memory: memory(db.limits.memory), cpu: cpu(db.limits.cpus) },
        requests: { memory: memory(db.limits.memory), cpu: cpu(db.limits.cpus) },
      },
    },
  };
  const databases: CnpgDatabase[] = init.databases.map(extra => ({
    apiVersion: API_VERSION,
    kind: 'Database',
    metadata: { name: `${CLUSTER_NAME}-${extra.name.replace(/_/g, '-')}`, labels: { [PART_OF_LABEL]: portal } },
    spec: {
      name: extra.name,
      owner,
      cluster: { name: CLUSTER_NAME },
      ...(extra.template ? { isTemplate: true as const } : {}),
      extensions: init.extensions.map(name => ({ name, ensure: 'present' as const })),
    },
  }));
  const operatorAccess: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: `${CLUSTER_NAME}-operator`, labels: { [PART_OF_LABEL]: portal } },
    spec: {
      podSelector: { matchLabels: { [CNPG_CLUSTER_LABEL]: CLUSTER_NAME } },
      policyTypes: ['Ingress', 'Egress'],
      // the operator asks each instance manager for its status; the instance manager watches its Cluster
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': OPERATOR_NAMESPACE } } }],
          ports: [{ protocol: 'TCP', port: CNPG_PORTS.status }],
        },
      ],
      egress: [
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0' } }, { ipBlock: { cidr: '::/0' } }],
          ports: [
            { protocol: 'TCP', port: 443 },
            { protocol: 'TCP', port: 6443 },
          ],
        },
      ],
    },
  };
  const objects = [cluster, ...databases, operatorAccess];
  const component = {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1',
    kind: 'Component',
    resources: objects.map(object => objectFile(object)),
    patches: [
      { patch: '$patch: delete\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n' },
      // apps keep the host db: its Service now finds the primary instance
      {
        target: { kind: 'Service', name: 'db' },
        patch: `- op: replace\n  path: /spec/selector\n  value:\n    ${CNPG_CLUSTER_LABEL}: ${CLUSTER_NAME}\n    ${CNPG_ROLE_LABEL}: primary\n`,
      },
    ],
    configurations: ['name-references.yaml'],
  };
  // kustomize renames generated Secrets and ConfigMaps (a hash suffix) only where it knows the field
  const nameReferences = {
    nameReference: [
      {
        kind: 'Secret',
        fieldSpecs: [
          { kind: 'Cluster', path: 'spec/bootstrap/initdb/secret/name' },
          { kind: 'Cluster', path: 'spec/managed/roles/passwordSecret/name' },
        ],
      },
    ],
  };
  return [
    {
      path: `${CNPG_COMPONENT}/kustomization.yaml`,
      value: component,
      comment: 'PostgreSQL run by the CloudNativePG operator instead of the db StatefulSet; include it from cloudnative-pg/<deployment>.',
    },
    ...objects.map(object => ({
      path: `${CNPG_COMPONENT}/${objectFile(object)}`,
      value: object,
      comment: `${object.kind} ${object.metadata!.name} (CloudNativePG).`,
    })),
    {
      path: `${CNPG_COMPONENT}/name-references.yaml`,
      value: nameReferences,
      comment: "Where the Cluster names generated Secrets, so kustomize's hash suffixes reach it.",
    },
    ...deployments.map(d => variantFile(d, owner, roles)),
  ];
}

function variantFile(d: Deployment, owner: string, roles: readonly DatabaseRole[]): KubeFile {
  const secret = (name: string, username: string, file: string) => ({
    name,
    type: 'kubernetes.io/basic-auth',
    literals: [`username=${username}`],
    files: [`password=../../../../${d.secretsDir}/${file}`],
    options: { labels: { [PART_OF_LABEL]: d.model.answers.name } },
  });
  return {
    path: `${CNPG_VARIANTS}/${d.name}/kustomization.yaml`,
    value: {
      apiVersion: 'kustomize.config.k8s.io/v1beta1',
      kind: 'Kustomization',
      namespace: d.namespace,
      resources: [`../../overlays/${d.name}`],
      components: ['../../components/cloudnative-pg'],
      secretGenerator: [secret(OWNER_SECRET, owner, 'postgres_password'), ...roles.map(role => secret(roleSecret(role.name), role.name, role.secret.secret))],
    },
    comment: `The ${d.name} deployment with PostgreSQL run by CloudNativePG\n(install the operator and the ClusterImageCatalog ${IMAGE_CATALOG} first).\nkubectl kustomize --load-restrictor LoadRestrictionsNone ${CNPG_VARIANTS}/${d.name} | kubectl apply -f -`,
  };
}

const managedRole = (role: DatabaseRole): ManagedRole => ({
  name: role.name,
  ensure: 'present',
  login: true,
  passwordSecret: { name: roleSecret(role.name) },
  ...(role.memberOf.length > 0 ? { inRoles: [...role.memberOf] } : {}),
});

const DEMO_LAYER = 'postgres/initdb/03-demo-layer.sql';

/** A plain SQL file (no psql commands) as its statements, without the comment lines. */
function statements(sql: string): string[] {
  const code = sql
    .split('\n')
    .filter(line => !line.trimStart().startsWith('--'))
    .join('\n');
  return code
    .split(/;\s*(?:\n|$)/)
    .map(statement => statement.trim())
    .filter(Boolean)
    .map(statement => `${statement};`);
}

/** An SQL identifier in double quotes. */
const quoted = (identifier: string): string => `"${identifier.replace(/"/g, '""')}"`;
