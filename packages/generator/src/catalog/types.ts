/** Catalog contract: each service returns fragments of the portal; it never writes files itself. */
import type { Backend, PortalAnswers, ServiceId } from '../answers/answers.js';
import type { ComposeService } from './compose-types.js';
import type { CorsAnswer } from '../answers/app-routes.js';
import type { DevMount } from '../answers/dev-mounts.js';
import type { DatabaseRole } from './services/postgis-roles.js';

export type NetworkName = 'edge' | 'internal';
export type DependsCondition = 'service_healthy' | 'service_started' | 'service_completed_successfully';

/** A mount into a container: a persistent storage item, a config file of the repo, or source code (dev). */
export type Mount =
  | {
      readonly storage: string;
      readonly target: string;
      readonly readOnly?: boolean;
      /** A folder of the volume claim mounted instead of its root, whose lost+found the server refuses (PostgreSQL's initdb). */
      readonly claimFolder?: string;
    }
  | { readonly file: string; readonly target: string; readonly perDeployment?: boolean };

/** The config folder of one deployment (dev, prod or an instance's name), as a repo path. */
export const deploymentConfigFolder = (deployment: string): string => `./config/${deployment}`;

/** A secret handed to a container: `env` holds it in dev, `fileEnv` (default `<env>_FILE`) points at it in prod. */
export interface SecretUse {
  readonly secret: string;
  readonly env: string;
  readonly fileEnv?: string;
  /** The app reads only the file: dev mounts it too, instead of the variable. */
  readonly fileInDev?: boolean;
}

/** The compose label prefix recording a RecordedException on its service; the checklist reads it. */
export const EXCEPTION_LABEL = 'org.generator-portal.exception.';

/** A checklist rule a container does not follow, and why: printed as a label the checklist reads. */
export interface RecordedException {
  readonly rule: string;
  readonly reason: string;
}

/**
 * How apps reach a store: the fields an app's setting templates may name, `{<store>.<field>}`.
 * Every connection has `host` and `port`; `fields` are compose values, `secretFields` name secrets and their `.env` variables.
 */
export interface StoreConnection {
  /** The name templates and aliases use: postgis, redis, redis-layers, rabbitmq ... */
  readonly store: string;
  readonly host: string;
  readonly port: number;
  readonly fields?: Readonly<Record<string, string>>;
  readonly secretFields?: Readonly<Record<string, Pick<SecretUse, 'secret' | 'env'>>>;
  /** A pooler in front of another store (PgBouncer for postgis): apps dial it under that store's name. */
  readonly standsInFor?: string;
}

export interface Healthcheck {
  readonly test: readonly string[];
  readonly interval?: string;
  readonly timeout?: string;
  readonly retries?: number;
  readonly startPeriod?: string;
}

export interface ResourceLimits {
  readonly memory: string;
  readonly cpus: string;
  readonly pids: number;
}

/**
 * An image built from a folder. With `devSource` the Dockerfile has a `dev` target that holds no source:
 * the dev override mounts it into every container built from the folder, as it does an app's `devMounts`.
 * Without it, dev builds the `prod` target as well.
 */
export interface BuildSpec {
  readonly context: string;
  readonly devSource?: DevMount;
}

/** One compose service, described once; the compose renderer splits it into base, dev and prod. */
export interface ContainerSpec {
  readonly name: string;
  /** One line for the docs' container table. */
  readonly role: string;
  /** Pinned image; with `build` it names the image we build. */
  readonly image: string;
  /** Our own Dockerfile. */
  readonly build?: BuildSpec;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly SecretUse[];
  readonly mounts?: readonly Mount[];
  /** Absent only on one-shot jobs and on images with nothing to probe with (see healthExemption). */
  readonly healthcheck?: Healthcheck;
  /** Why a long-running container has no healthcheck, and what watches it instead. */
  readonly healthExemption?: string;
  readonly dependsOn?: Readonly<Record<string, DependsCondition>>;
  readonly networks: readonly NetworkName[];
  /** Main port inside the container. */
  readonly port?: number;
  /** Container ports published on 127.0.0.1 in dev, same number on the host. */
  readonly devPorts?: readonly number[];
  /** Set by the model: host port for each dev port, unique across containers. */
  readonly devPublish?: readonly { readonly host: number; readonly container: number }[];
  /** Folders of the repo the dev override mounts (an app's source); never in prod or an instance. */
  readonly devMounts?: readonly DevMount[];
  /** Extra keys for the dev and prod override files. */
  readonly dev?: ComposeService;
  readonly prod?: ComposeService;
  /** Runs the app image: receives the app environment and secrets of every service. */
  readonly isApp?: boolean;
  /** Services it uses: it waits for what each chosen one declares as its `readiness` (added by the model, first). */
  readonly uses?: readonly ServiceId[];
  /** A job that runs and exits (migrations): no healthcheck, `restart: "no"`. */
  readonly oneShot?: boolean;
  /**
   * A job's test that its work is done, run by a container of the same image: Swarm has no wait for a job,
   * so the containers depending on it run this until it passes (deploy/swarm/wait-for.sh).
   */
  readonly doneCheck?: readonly string[];
  /** Defined in the prod file only (the TLS edge, scheduled jobs). */
  readonly prodOnly?: boolean;
  /** Defined in the dev override file only (the mail catcher). */
  readonly devOnly?: boolean;
  readonly limits: ResourceLimits;
  readonly user?: string;
  /**
   * Fresh in-memory folders (`path:options`), emptied whenever the container starts: the only writable
   * places besides volumes, since the root filesystem is read-only.
   */
  readonly tmpfs?: readonly string[];
  /** Why this container keeps a writable root filesystem (recorded as a checklist exception). */
  readonly writableRoot?: string;
  /** Fixed hostname, for servers that name their data after it (RabbitMQ's node name). */
  readonly hostname?: string;
  readonly capAdd?: readonly string[];
  /** Extra names on the internal network (the hosts an app has hard-coded). */
  readonly aliases?: readonly string[];
  /** Checklist rules this container departs from, with the reason (an app's declared contract). */
  readonly exceptions?: readonly RecordedException[];
  /** An app with a declared contract: it gets the settings it declared, not the shared app settings. */
  readonly ownSettings?: boolean;
  /** Ports other containers dial besides `port` (nginx's status page, read by its exporter). */
  readonly otherPorts?: readonly number[];
  /** Runs on a schedule (a loop in compose): Kubernetes runs it once per `cron` as a CronJob, with `environment` added. */
  readonly schedule?: { readonly cron: string; readonly command?: readonly string[]; readonly environment?: Readonly<Record<string, string>> };
  /** Only one may run at a time (a periodic task scheduler): one replica, stopped before its replacement starts. */
  readonly singleton?: boolean;
  /** Why this container is not run in Kubernetes, where the cluster does its job (the TLS edge). */
  readonly notInKubernetes?: string;
  /** Set by the model for a service kept as an alternative: started only with this compose profile. */
  readonly profiles?: readonly string[];
}

/** One piece of persistent data: a named volume, or a folder under DATA_ROOT with `storage: bind`. */
export interface StorageItem {
  readonly name: string;
  readonly purpose: string;
  readonly usedBy: readonly string[];
  /** Owner the folder needs with bind storage (uid:gid of the image's user). */
  readonly owner: string;
  /** Included in the file-volume part of backup.sh (databases are dumped instead). */
  readonly backup: boolean;
  /** The dump tool backup.sh saves this database with, instead of its files. */
  readonly dumpedWith?: string;
}

export interface SecretSpec {
  readonly name: string;
  /** Variable holding it in `.env`. */
  readonly env: string;
  readonly purpose: string;
  /**
   * The server keeps this password in its data and scripts/apply-secrets.sh cannot change it there:
   * how to change it by hand. `portal secrets --rotate` leaves such a secret alone.
   */
  readonly changedByHand?: string;
}

/**
 * A password a server keeps in its data, which scripts/apply-secrets.sh changes there before recreating
 * the container: the shell command run in `container` with the new value in `$pw` (read from stdin).
 */
export interface PasswordChange {
  readonly container: string;
  readonly secret: string;
  /** The server's name in the script's comment ("RabbitMQ"). */
  readonly keeper: string;
  readonly command: string;
}

/** A variable of `.env` / `.env.example` that is not a secret. */
export interface EnvVar {
  readonly name: string;
  readonly value: string;
  readonly comment: string;
}

/** long: tiles; pass: never cached (API, admin); default: anonymous GETs cached briefly; none: never sent through varnish. */
export type CachePolicy = 'long' | 'pass' | 'default' | 'none';

/** A public URL path and what answers it. */
export interface HttpRoute {
  readonly path: string;
  readonly title: string;
  readonly upstream?: {
    readonly host: string;
    readonly port: number;
    readonly stripPrefix: boolean;
    /** The path varnish probes the upstream's health on (`/health` when absent). */
    readonly healthPath?: string;
  };
  /** Folder inside the nginx container served directly. */
  readonly files?: string;
  readonly cache: CachePolicy;
  readonly websocket?: boolean;
  /** Request rate and body size limits apply (API paths). */
  readonly isApi?: boolean;
  /** Paths under this one the proxies answer 404: what the upstream serves without its own auth (metrics). */
  readonly privatePaths?: readonly string[];
  /** Sub-domain label: answered on <host>.<domain> (and on <host>.<instance domain>), in its own server block. */
  readonly host?: string;
  /** This route's own limits (nginx units): largest body, read/send timeout, connect timeout. */
  readonly bodySize?: string;
  readonly timeout?: string;
  readonly connectTimeout?: string;
  /** Origins a browser may call it from; the proxy answers the preflight. */
  readonly cors?: CorsAnswer;
  /** Never requested from outside: only an X-Accel-Redirect of an app on the same host reaches it. */
  readonly internal?: boolean;
  /** With files: a single-page front end, unknown paths get its index.html. */
  readonly spa?: boolean;
  /** In dev the path goes to this server instead (a front end's dev server). */
  readonly devUpstream?: { readonly host: string; readonly port: number };
}

export interface ScrapeTarget {
  readonly job: string;
  readonly target: string;
  readonly metricsPath?: string;
  /** Other public paths that reach the metrics through the proxy (an app that strips its own sub path). */
  readonly publicAliases?: readonly string[];
  /**
   * The target runs in prod only: found by DNS, so in dev, where the name does not resolve, the job has no
   * target instead of a down one (which would fire TargetDown).
   */
  readonly prodOnly?: boolean;
  /** The Grafana overview's time-series panel for what this job exposes (its metric names are the exporter's). */
  readonly panel?: DashboardPanel;
}

export interface DashboardPanel {
  readonly title: string;
  readonly expr: string;
  readonly legend: string;
}

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly severity: 'warning' | 'critical';
  readonly summary: string;
}

/** A file a service adds: rendered from a template, serialized from an object, or copied as text. */
export type FileSpec =
  | { readonly path: string; readonly template: string; readonly view?: object; readonly executable?: boolean }
  | { readonly path: string; readonly yaml: object; readonly comment?: string }
  | { readonly path: string; readonly json: object };

/**
 * A service's own user interface, as the operator's docs print it: public URLs (prod and dev), or the
 * container and port it answers on when it is never public; the login and the secret holding its password.
 */
export interface OperatorConsole {
  readonly title: string;
  readonly urls?: { readonly prod: string; readonly dev: string };
  readonly internal?: { readonly container: string; readonly port: number };
  /** Who logs in, e.g. 'admin'; absent: no login (then it must never be public). */
  readonly user?: string;
  /** The secret (SecretSpec name) holding the password. */
  readonly passwordSecret?: string;
}

export interface Contribution {
  readonly containers?: readonly ContainerSpec[];
  readonly storage?: readonly StorageItem[];
  readonly secrets?: readonly SecretSpec[];
  readonly env?: readonly EnvVar[];
  /** Settings every app container (backend, workers) receives. */
  readonly appEnv?: Readonly<Record<string, string>>;
  readonly appSecrets?: readonly SecretUse[];
  /** Settings app containers receive in dev only (the dev mail catcher). */
  readonly appDevEnv?: Readonly<Record<string, string>>;
  /** Services every app container waits for (the pooler the apps reach the database through). */
  readonly appDependsOn?: Readonly<Record<string, DependsCondition>>;
  readonly routes?: readonly HttpRoute[];
  /** Metrics the service exposes and rules on them; the model keeps them only when Prometheus is chosen. */
  readonly scrape?: readonly ScrapeTarget[];
  readonly alerts?: readonly AlertRule[];
  readonly files?: readonly FileSpec[];
  /** What apps may name in their settings and aliases. */
  readonly connections?: readonly StoreConnection[];
  /** Host names an app asks another container to answer to on the internal network. */
  readonly aliases?: readonly { readonly alias: string; readonly store: string; readonly app: string }[];
  /** Its user interface for the operator (docs/deploy.md). */
  readonly consoles?: readonly OperatorConsole[];
  /** A section of the generated README about it (Markdown lines under a `##` title). */
  readonly readmeSections?: readonly { readonly title: string; readonly lines: readonly string[] }[];
  /** Passwords it keeps in its data, and how apply-secrets.sh changes them there. */
  readonly passwordChanges?: readonly PasswordChange[];
  /** What a container that `uses` this service waits for: its server, healthy. */
  readonly readiness?: Readonly<Record<string, DependsCondition>>;
  /** Login roles it needs on the portal's database: PostGIS makes them, whoever asks. */
  readonly databaseRoles?: readonly DatabaseRole[];
  /** The repo files and folders it adds, as docs/architecture.md lists them. */
  readonly repoLayout?: readonly RepoEntry[];
}

/** A line of the docs' repo layout: a path (a folder ends with /) and what it holds. */
export interface RepoEntry {
  readonly path: string;
  readonly what: string;
}

/** What a catalog entry may ask about the portal it is part of. */
export interface CatalogContext {
  readonly answers: PortalAnswers;
  readonly has: (id: ServiceId) => boolean;
  /** Python module / database identifier derived from the name. */
  readonly slug: string;
  readonly broker?: 'redis' | 'rabbitmq';
  readonly backendPort: number;
  /** Where a browser reaches the portal in dev, e.g. http://localhost:8080 (nginx). */
  readonly devUrl: string;
  /** The stores' connections by store name, once the services have contributed (for the apps). */
  readonly connections?: ReadonlyMap<string, StoreConnection>;
  /**
   * The whole-model phase: every chosen service's first contribution, in catalog order, for a service that
   * answers what the others ask of it (PostGIS making the roles they request). Absent in the first pass.
   */
  readonly contributions?: readonly Contribution[];
}

export interface ServiceDefinition {
  readonly id: ServiceId | `backend-${Backend}`;
  readonly title: string;
  /** One line, shown in the prompt and the docs. */
  readonly summary: string;
  /**
   * The compose profile it is kept under when chosen as an alternative (not started by default). Only a
   * service nothing else needs may be one: no routes, backups or scrape targets that would find it missing.
   */
  readonly profile?: string;
  /**
   * Services it cannot run without, each added with its sentence when not chosen ("added postgis: <reason>");
   * a choice among several names the one to add given what is chosen (a proxy: varnish if chosen, else nginx).
   */
  readonly needs?: readonly { readonly service: ServiceId | ((chosen: ReadonlySet<ServiceId>) => ServiceId); readonly reason: string }[];
  /**
   * Paths it answers on the portal's domain when chosen: reserved whether it is chosen or not, so the
   * answers refuse them for apps and folders and a service added later finds its path free.
   */
  readonly sitePaths?: readonly string[];
  contribute(ctx: CatalogContext): Contribution;
}

export const defineService = <const S extends ServiceDefinition>(service: S): S => service;
