/** The typed portal every renderer reads: answers resolved against the catalog, sorted and checked. */
import type { PortalAnswers, ServiceId } from '../answers/answers.js';
import type { Target } from '../answers/targets.js';
import type {
  AlertRule,
  ContainerSpec,
  Contribution,
  EnvVar,
  FileSpec,
  HttpRoute,
  OperatorConsole,
  PasswordChange,
  ScrapeTarget,
  SecretSpec,
  SecretUse,
  StorageItem,
} from '../catalog/types.js';
import type { DatabaseRole } from '../catalog/services/postgis-roles.js';

/** A route with the hop nginx or traefik sends it to, decided once for every renderer. */
export interface RoutedPath extends HttpRoute {
  /** Sent through varnish (which then picks the upstream by path). */
  readonly viaVarnish: boolean;
}

export interface PortalModel {
  readonly answers: PortalAnswers;
  /** Identifier form of the name: python module, database and user. */
  readonly slug: string;
  readonly services: readonly ServiceId[];
  readonly notes: readonly string[];
  readonly broker?: 'redis' | 'rabbitmq';
  /** In catalog order; compose files list them in this order. */
  readonly containers: readonly ContainerSpec[];
  readonly storage: readonly StorageItem[];
  readonly secrets: readonly SecretSpec[];
  readonly env: readonly EnvVar[];
  readonly appEnv: Readonly<Record<string, string>>;
  readonly appSecrets: readonly SecretUse[];
  /** Most specific path first. */
  readonly routes: readonly RoutedPath[];
  readonly scrape: readonly ScrapeTarget[];
  readonly alerts: readonly AlertRule[];
  readonly files: readonly FileSpec[];
  /** User interfaces the operator logs into (Grafana, Prometheus): where and as whom. */
  readonly consoles: readonly OperatorConsole[];
  /** The login roles the database makes for the services that asked (catalog order); none without PostGIS. */
  readonly databaseRoles: readonly DatabaseRole[];
  /** Passwords servers keep in their data (RabbitMQ, Grafana), changed there by apply-secrets.sh; the roles' besides. */
  readonly passwordChanges: readonly PasswordChange[];
  /** The README's sections about chosen services (map layers), in catalog order. */
  readonly readmeSections: NonNullable<Contribution['readmeSections']>;
  /** The repo layout lines of the services' files (the docs add the repo's own). */
  readonly repoLayout: NonNullable<Contribution['repoLayout']>;
  /** The compose service that receives public HTTP behind the TLS edge: nginx, varnish or the backend. */
  readonly front: { readonly name: string; readonly port: number };
  /** Who terminates TLS in prod: the stack's traefik, a shared Traefik outside the stack, nginx, or nobody. */
  readonly tls: 'traefik' | 'shared-traefik' | 'nginx' | 'none';
  /** Where it is deployed: compose always, then kubernetes and swarm when chosen. */
  readonly targets: readonly Target[];
}
