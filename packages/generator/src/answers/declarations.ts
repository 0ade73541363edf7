/**
 * Each answer declared once: its JSON Schema, its CLI option and --help text, its question, and its row of
 * the README's answer table. The question list, the option parser, the answers file's keys,
 * schema/yo-rc.schema.json (`npm run schema`) and the README table are all read from here; the checks
 * that span answers stay in validateAnswers, which reads the same allowed values (BACKENDS, POOL_MODES…).
 * In the order validateAnswers checks them, so that a question is asked after every answer it depends on.
 */
import { BACKENDS, DEFAULT_SERVICES, PRESET_IDS, SCHEMA_VERSION, SERVICE_IDS, STORAGE_KINDS, type PortalAnswers, type RawAnswers } from './answers.js';
import { CLIENT_AUTH, DEFAULT_PGBOUNCER_PORT, GRAFANA_POSTGRES, POOL_MODES } from './service-settings.js';
import { DEFAULT_CERT_RESOLVER, DEFAULT_ENTRYPOINT } from './shared-traefik.js';
import { TARGETS } from './targets.js';
import { APPS, BACKEND_CONTRACT, BACKUPS, FILE_HASHES, FOLDERS, INSTANCES, POSTGRES, REDIS_SETTINGS } from './record-schemas.js';
import { serviceDefinition, type ServiceId } from '../catalog/index.js';

export type JsonSchema = Readonly<Record<string, unknown>>;
export type AnswerKey = Exclude<keyof PortalAnswers, 'schemaVersion'>;

export interface Choice {
  readonly name: string;
  readonly value: string;
  /** What the answer line shows once chosen. */
  readonly short?: string;
}

export interface Prompt {
  readonly type: 'input' | 'select' | 'checkbox' | 'number';
  readonly message: string;
  readonly choices?: readonly Choice[];
}

/** A row of the README's answer table; answers naming the same row share it (their texts joined). */
export interface ReadmeRow {
  readonly row: string;
  /** Where it is given, when not (only) by its option. */
  readonly options?: string;
  readonly values?: string;
  readonly default?: string;
}

export interface AnswerDeclaration {
  readonly key: AnswerKey;
  /** Its JSON Schema in .yo-rc.json, description included. */
  readonly schema: JsonSchema;
  /** Present in every stored .yo-rc.json. */
  readonly required?: boolean;
  /** Required in .yo-rc.json when these answers hold (schema `if`/`then`). */
  readonly requiredWhen?: Readonly<Partial<Record<AnswerKey, string>>>;
  /** Its CLI option, with the text --help shows; absent: given only by --answers or .yo-rc.json. */
  readonly option?: { readonly name: string; readonly help: string; readonly list?: boolean };
  /** Asked in a terminal (only when `when` holds for the answers known so far). */
  readonly question?: { readonly prompt: Prompt; readonly when?: (known: RawAnswers) => boolean };
  /** Its rows of the README table (an app: the records, its contract, its routes). */
  readonly readme: ReadmeRow | readonly ReadmeRow[];
}

/** Services to pick from, each with its catalog summary; the answer line lists only their ids. */
export const serviceChoices = (ids: readonly ServiceId[]): Choice[] =>
  ids.map(value => ({ name: `${value}: ${serviceDefinition(value).summary}`, value, short: value }));

/** A pick-list of fixed values. */
const pick = (values: readonly string[]): Choice[] => values.map(value => ({ name: value, value }));

/** Values as the README shows them: `a`, `b`. */
const code = (values: readonly (string | number)[]): string => values.map(value => `\`${value}\``).join(', ');

/** Asked only when the services answered so far name this one. */
const withService =
  (id: string) =>
  (known: RawAnswers): boolean =>
    String(known.services ?? '').includes(id);
/** Asked only when a preset or file named one (the default is not to have it). */
const whenGiven =
  (key: AnswerKey) =>
  (known: RawAnswers): boolean =>
    typeof known[key] === 'string' && known[key] !== '';

const HOST_LABEL = '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$';
/**
 * A choice whose first value is the default, stored by leaving the key out (service-settings.ts): the
 * schema allows only the others.
 */
const storedUnlessDefault = (values: readonly string[]): readonly string[] => values.slice(1);
const defaultOf = (values: readonly string[]): string => `\`${values[0]}\``;

export const SCHEMA_VERSION_SCHEMA: JsonSchema = { const: SCHEMA_VERSION, description: 'Version of this layout; older ones are migrated on the next run' };

const DECLARED = [
  {
    key: 'name',
    required: true,
    schema: { type: 'string', pattern: '^[a-z][a-z0-9-]{0,38}[a-z0-9]$', description: 'Portal slug', maxLength: 40 },
    option: { name: 'name', help: 'Portal slug: lowercase letters, digits, dashes' },
    question: { prompt: { type: 'input', message: 'Portal name (slug)' } },
    readme: { row: 'name', values: 'slug: lowercase letters, digits, dashes', default: "the folder's name" },
  },
  {
    key: 'domain',
    required: true,
    schema: { type: 'string', minLength: 1, maxLength: 253, pattern: HOST_LABEL },
    option: { name: 'domain', help: 'Public domain, e.g. maps.example.org' },
    question: { prompt: { type: 'input', message: 'Public domain' } },
    readme: { row: 'domain', values: 'host name', default: '`<name>.localhost`' },
  },
  {
    key: 'backend',
    required: true,
    schema: { enum: BACKENDS },
    option: { name: 'backend', help: `Backend: ${BACKENDS.join(' | ')}` },
    question: { prompt: { type: 'select', message: 'Backend', choices: pick(BACKENDS) } },
    readme: { row: 'backend', values: code(BACKENDS), default: '`django`' },
  },
  {
    key: 'backendImage',
    requiredWhen: { backend: 'image' },
    schema: { type: 'string', description: 'With backend image: the image, with a pinned tag', maxLength: 255, pattern: '^[a-z0-9][a-z0-9._/:@-]*$' },
    option: { name: 'backend-image', help: 'With --backend image: the image to run, with a tag (e.g. ghcr.io/acme/api:1.2.0)' },
    question: { prompt: { type: 'input', message: 'Backend image (with tag)' }, when: known => known.backend === 'image' },
    readme: { row: 'backend image', values: 'image with a pinned tag', default: 'with `image` only' },
  },
  {
    key: 'backendContract',
    schema: BACKEND_CONTRACT,
    readme: { row: 'app contract', options: '`backendContract` in `--answers` for `--backend image`' },
  },
  {
    key: 'backendPort',
    required: true,
    schema: { type: 'integer', minimum: 1, maximum: 65535 },
    // yeoman-environment's command parser gives values only to String and Array options: a port is a string
    option: { name: 'backend-port', help: 'Port the backend listens on inside its container' },
    question: { prompt: { type: 'number', message: 'Port the image listens on' }, when: known => known.backend === 'image' },
    readme: { row: 'backend image', values: 'port' },
  },
  {
    key: 'services',
    required: true,
    schema: { type: 'array', uniqueItems: true, items: { enum: SERVICE_IDS }, maxItems: SERVICE_IDS.length },
    option: { name: 'services', help: `Comma-separated services: ${SERVICE_IDS.join(', ')} (or "none")`, list: true },
    question: { prompt: { type: 'checkbox', message: 'Services', choices: serviceChoices(SERVICE_IDS) } },
    readme: { row: 'services', values: `${code(SERVICE_IDS)}, or \`none\``, default: `\`${DEFAULT_SERVICES.join(',')}\`` },
  },
  {
    key: 'storage',
    required: true,
    schema: { enum: STORAGE_KINDS },
    option: { name: 'storage', help: `Persistent data: ${STORAGE_KINDS.join(' | ')} (named Docker volumes, or host folders under --data-root)` },
    question: { prompt: { type: 'select', message: 'Storage for persistent data', choices: pick(STORAGE_KINDS) } },
    readme: { row: 'storage', values: '`volumes` (named volumes) or `bind` (folders under an absolute host path)', default: '`volumes`' },
  },
  {
    key: 'dataRoot',
    requiredWhen: { storage: 'bind' },
    schema: { type: 'string', pattern: '^/[^\\s\'"$`\\\\:,]+$', description: 'With storage bind: absolute host folder', maxLength: 200 },
    option: { name: 'data-root', help: 'With --storage bind: absolute host folder, e.g. /mnt/data/portal' },
    question: { prompt: { type: 'input', message: 'Host folder for persistent data' }, when: known => known.storage === 'bind' },
    readme: { row: 'storage', default: '`/mnt/data/<name>`' },
  },
  {
    key: 'acmeEmail',
    schema: { type: 'string', pattern: '^[A-Za-z0-9._%+-]+@[a-z0-9]([a-z0-9.-]*[a-z0-9])?\\.[a-z]{2,}$', maxLength: 254 },
    option: { name: 'acme-email', help: "With traefik: contact address for Let's Encrypt" },
    question: { prompt: { type: 'input', message: "E-mail for Let's Encrypt" }, when: withService('traefik') },
    readme: { row: 'ACME e-mail', values: 'with traefik', default: '`admin@<domain>`' },
  },
  {
    key: 'preset',
    schema: { enum: PRESET_IDS, description: 'The seed deployment this portal was generated from' },
    readme: { row: 'preset', options: '`--preset`, `--image-tag`', values: `${code(PRESET_IDS)}; the tag of their in-house images`, default: 'none' },
  },
  {
    key: 'apps',
    schema: APPS,
    readme: [
      {
        row: 'apps, folders, instances',
        options: '`portal add app`, `--answers`, `portal instance add`',
        values: 'lists of records (see `packages/generator/schema/yo-rc.schema.json`)',
      },
      {
        row: 'app contract',
        options:
          '`portal add app` / `portal app set` `--setting`, `--file-setting`, `--dev-setting`, `--alias`, `--user`, `--writable`, `--read-write-root`, `--capabilities` (with `--capabilities-reason`), `--outbound`, `--health`, `--command`, `--config-folder`, `--dev-mount SOURCE:TARGET[:ro]` (repeatable), `--dev-command`',
        values:
          'the variables the image reads under its own names (`DATABASE_URL=postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}`, `SECRET_KEY={secret}`), the host names it dials (`mongo=mongodb`), how it runs, and in dev only the repo folders mounted over its code and the command that reloads them; see `portal add --help`',
        default: 'our own names',
      },
      {
        row: 'app routes',
        options:
          '`portal add app` / `portal app set` `--route /path/` or `--route label:/path/` (repeatable), `--host`, `--body-size`, `--timeout`, `--connect-timeout`, `--websocket`, `--cors <origins>`, `--cors-credentials`, `--private PATH=FOLDER`; `routes` records in `--answers`; folders take `host`, `spa` (index fallback) and `devServer` (the app serving it in dev)',
        values:
          'by path and by sub-domain (`api` → `api.<domain>`, and `api.<instance domain>` per instance: own nginx server block, traefik Host router, certificate name), each with its limits, websocket, CORS (preflight answered by nginx, `*` never with credentials) and a private folder served only after the app answers `X-Accel-Redirect`',
        default: '`route`/`websocket` still read: one route on the domain, 25m, 60s (1h for websockets)',
      },
    ],
  },
  { key: 'folders', schema: FOLDERS, readme: { row: 'apps, folders, instances' } },
  {
    key: 'redisRoles',
    schema: {
      type: 'array',
      uniqueItems: true,
      description: 'Extra Redis servers, one per role',
      items: { type: 'string', pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$' },
      maxItems: 20,
    },
    option: { name: 'redis-roles', help: 'With redis: extra Redis servers by role, each with its own storage, e.g. layers,stats,tokens', list: true },
    question: { prompt: { type: 'input', message: 'Extra Redis servers, by role (comma-separated, empty for none)' }, when: withService('redis') },
    readme: { row: 'Redis roles', values: 'extra Redis servers, e.g. `layers,stats,tokens`, each with its own volume and password' },
  },
  {
    key: 'redisSettings',
    schema: REDIS_SETTINGS,
    readme: {
      row: 'Redis settings',
      options: '`redisSettings` in `--answers` / `.yo-rc.json`, by server (`redis`, `redis-<role>`)',
      values:
        '`maxmemory` (`256mb`), `policy` (an eviction policy), `persistence` (`aof` or `rdb`) and its `file`, `auth` (`on`, or `off:<reason>`: no password, internal network only, no port even in dev, recorded as an RDS-02 exception)',
      default: '256mb, noeviction (volatile-lru for a cache), AOF, auth on',
    },
  },
  { key: 'instances', schema: INSTANCES, readme: { row: 'apps, folders, instances' } },
  {
    key: 'instanceVariable',
    schema: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{1,40}$', description: 'Host variable restart.sh also reads to pick the instance' },
    readme: {
      row: 'instance variable',
      options: '`instanceVariable` in `--answers`',
      values: 'a host variable `scripts/restart.sh` also reads to pick the instance',
    },
  },
  {
    key: 'alternatives',
    schema: {
      type: 'array',
      maxItems: 20,
      uniqueItems: true,
      items: { enum: SERVICE_IDS },
      description: 'Chosen services kept under a compose profile of their own, not started by default (e.g. kafka: docker compose --profile kafka up -d)',
    },
    option: {
      name: 'alternatives',
      help: 'Chosen services kept as alternatives under a compose profile of their own, not started by default, e.g. kafka (start them with --profile kafka)',
      list: true,
    },
    question: { prompt: { type: 'input', message: 'Services kept as alternatives, not started by default (comma-separated, empty for none)' } },
    readme: {
      row: 'alternatives',
      values:
        'chosen services kept under a compose profile of their own, not started by default (`kafka`): `COMPOSE_PROFILES=kafka scripts/restart.sh` starts them',
    },
  },
  {
    key: 'pgbouncerPort',
    schema: { type: 'integer', minimum: 1024, maximum: 65535, description: `With pgbouncer: the port the apps dial it on (absent: ${DEFAULT_PGBOUNCER_PORT})` },
    option: { name: 'pgbouncer-port', help: `With pgbouncer: the port the apps dial it on (default ${DEFAULT_PGBOUNCER_PORT})` },
    question: { prompt: { type: 'input', message: 'Port the apps dial PgBouncer on' }, when: withService('pgbouncer') },
    readme: { row: 'PgBouncer', values: 'the port the apps dial (1024-65535)', default: `\`${DEFAULT_PGBOUNCER_PORT}\`` },
  },
  {
    key: 'pgbouncerPoolMode',
    schema: { enum: storedUnlessDefault(POOL_MODES), description: 'With pgbouncer: its pool mode (absent: session)' },
    option: { name: 'pgbouncer-pool-mode', help: `With pgbouncer: ${POOL_MODES.join(' | ')} (default session)` },
    question: { prompt: { type: 'select', message: 'PgBouncer pool mode', choices: pick(POOL_MODES) }, when: withService('pgbouncer') },
    readme: { row: 'PgBouncer', values: code(POOL_MODES), default: defaultOf(POOL_MODES) },
  },
  {
    key: 'pgbouncerClientAuth',
    schema: {
      enum: storedUnlessDefault(CLIENT_AUTH),
      description:
        'With pgbouncer: md5 for apps whose client library predates SCRAM (absent: scram-sha-256); PgBouncer still speaks scram-sha-256 to PostgreSQL',
    },
    option: {
      name: 'pgbouncer-client-auth',
      help: `With pgbouncer: how apps log in to it, ${CLIENT_AUTH.join(' | ')} (md5 for client libraries older than SCRAM)`,
    },
    question: { prompt: { type: 'select', message: 'PgBouncer client authentication', choices: pick(CLIENT_AUTH) }, when: withService('pgbouncer') },
    readme: { row: 'PgBouncer', values: `${code(CLIENT_AUTH)} (md5 for client libraries older than SCRAM)`, default: defaultOf(CLIENT_AUTH) },
  },
  {
    key: 'grafanaPostgres',
    schema: {
      enum: storedUnlessDefault(GRAFANA_POSTGRES),
      description:
        "With grafana and a database: a PostgreSQL data source through a read-only role of its own, or the app's user; the password comes from a secret file",
    },
    option: {
      name: 'grafana-postgres',
      help: `With grafana and a database: a PostgreSQL data source, ${GRAFANA_POSTGRES.join(' | ')} (readonly: a role of its own)`,
    },
    question: { prompt: { type: 'select', message: 'Grafana PostgreSQL data source', choices: pick(GRAFANA_POSTGRES) }, when: withService('grafana') },
    readme: {
      row: 'Grafana PostgreSQL data source',
      values: `${code(GRAFANA_POSTGRES)}: \`readonly\` a role of its own, \`owner\` the app's user; the password is read from its secret file`,
      default: defaultOf(GRAFANA_POSTGRES),
    },
  },
  {
    key: 'grafanaPostgresUid',
    schema: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,40}$',
      description: "With grafanaPostgres: the data source uid the deployment's dashboards name (absent: postgres)",
    },
    option: { name: 'grafana-postgres-uid', help: 'With --grafana-postgres: the data source uid your dashboards name (default postgres)' },
    question: {
      prompt: { type: 'input', message: 'Uid of the PostgreSQL data source (as your dashboards name it)' },
      when: known => typeof known.grafanaPostgres === 'string' && known.grafanaPostgres !== 'off',
    },
    readme: { row: 'Grafana PostgreSQL data source', values: 'the uid the dashboards name', default: '`postgres`' },
  },
  {
    key: 'grafanaHost',
    schema: {
      type: 'string',
      pattern: HOST_LABEL,
      maxLength: 200,
      description: 'With grafana: sub-domain label it answers on at / ("grafana": grafana.<domain> and grafana.<instance domain>); absent: under /grafana/',
    },
    option: {
      name: 'grafana-host',
      help: 'With grafana: the sub-domain it answers on at / (e.g. grafana for grafana.<domain>); absent: under /grafana/',
    },
    question: { prompt: { type: 'input', message: 'Sub-domain of Grafana (e.g. grafana)' }, when: whenGiven('grafanaHost') },
    readme: {
      row: 'Grafana and Flower sub-domains',
      values:
        'a label: `grafana` answers at `/` on `grafana.<domain>` (and `grafana.<instance domain>`), with its own server block and the looser Content-Security-Policy on that host only',
      default: 'under `/grafana/`, `/flower/`',
    },
  },
  {
    key: 'flowerHost',
    schema: {
      type: 'string',
      pattern: HOST_LABEL,
      maxLength: 200,
      description: 'With flower: sub-domain label it answers on at / ("flower": flower.<domain>); absent: under /flower/',
    },
    option: { name: 'flower-host', help: 'With flower: the sub-domain it answers on at / (e.g. flower for flower.<domain>); absent: under /flower/' },
    question: { prompt: { type: 'input', message: 'Sub-domain of Flower (e.g. flower)' }, when: whenGiven('flowerHost') },
    readme: { row: 'Grafana and Flower sub-domains' },
  },
  {
    key: 'traefikNetwork',
    schema: {
      type: 'string',
      pattern: '^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$',
      description: 'External Docker network of a shared Traefik the stack runs behind; its entry (varnish, else nginx) carries the Traefik labels',
    },
    option: {
      name: 'traefik-network',
      help: 'Run behind a shared Traefik: its external Docker network (e.g. traefik-proxy_proxy_network), "none" for none; varnish, else nginx, gets its labels',
    },
    // the default is the stack's own edge
    question: { prompt: { type: 'input', message: 'Docker network of the shared Traefik' }, when: whenGiven('traefikNetwork') },
    readme: {
      row: 'shared Traefik',
      values:
        'the external network of a Traefik outside the stack (OMP-IRD/traefik-proxy); varnish (else nginx) gets the router of the domain, nginx one router per sub-domain, in the prod file',
      default: 'none',
    },
  },
  {
    key: 'traefikEntrypoint',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'HTTPS entry point of the shared Traefik' },
    option: { name: 'traefik-entrypoint', help: `With --traefik-network: the shared Traefik's HTTPS entry point (default ${DEFAULT_ENTRYPOINT})` },
    question: { prompt: { type: 'input', message: 'Entry point of the shared Traefik' }, when: whenGiven('traefikNetwork') },
    readme: { row: 'shared Traefik', default: `\`${DEFAULT_ENTRYPOINT}\`` },
  },
  {
    key: 'traefikCertResolver',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$', description: 'Certificate resolver of the shared Traefik' },
    option: { name: 'traefik-cert-resolver', help: `With --traefik-network: the shared Traefik's certificate resolver (default ${DEFAULT_CERT_RESOLVER})` },
    question: { prompt: { type: 'input', message: 'Certificate resolver of the shared Traefik' }, when: whenGiven('traefikNetwork') },
    readme: { row: 'shared Traefik', default: `\`${DEFAULT_CERT_RESOLVER}\`` },
  },
  {
    key: 'tileSchemas',
    schema: {
      type: 'array',
      description: 'PostgreSQL schemas the tileserver publishes, created at init',
      items: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
      minItems: 1,
      maxItems: 10,
      uniqueItems: true,
    },
    option: { name: 'tile-schemas', help: 'With tileserver: PostgreSQL schemas it publishes, created at init (default tiles), e.g. tiles,guyane', list: true },
    question: { prompt: { type: 'input', message: 'Schemas the tileserver publishes (comma-separated)' }, when: known => Array.isArray(known.tileSchemas) },
    readme: { row: 'tile schemas', values: 'with tileserver: the PostgreSQL schemas it publishes, created at init, e.g. `tiles,guyane`', default: '`tiles`' },
  },
  {
    key: 'postgres',
    schema: POSTGRES,
    readme: {
      row: 'database server',
      options: '`postgres` in `--answers`',
      values:
        '`databases` and `templates` (made at first start, each with the `extensions`, default `postgis`, `pg_stat_statements`), `settings` (tuning such as `shared_buffers`, `max_connections`, passed as `postgres -c`)',
    },
  },
  {
    key: 'backups',
    schema: BACKUPS,
    readme: {
      row: 'backups',
      options: '`backups` in `--answers`',
      values:
        '`schedule` (cron, UTC), `rotation` `weekday` (one slot per day of the week) or `count` with `keep`; the backup container dumps the roles (`pg_dumpall --globals-only`) and every database',
      default: '`0 3 * * *`, `count`, 7',
    },
  },
  {
    key: 'targets',
    schema: {
      type: 'array',
      description: 'Deployment targets: compose (always rendered) and kubernetes (deploy/kubernetes, deploy/helm) and/or swarm',
      items: { enum: TARGETS },
      contains: { const: 'compose' },
      minItems: 2,
      maxItems: TARGETS.length,
      uniqueItems: true,
    },
    option: {
      name: 'targets',
      help: `Deployment targets, comma-separated: ${TARGETS.join(', ')} (compose is always rendered; kubernetes adds deploy/kubernetes and deploy/helm, swarm a stack file)`,
      list: true,
    },
    question: {
      prompt: { type: 'checkbox', message: 'Deployment targets (compose is always rendered)', choices: pick(TARGETS.filter(target => target !== 'compose')) },
    },
    readme: {
      row: 'deployment targets',
      options: '`--targets`, `portal add target <t>`, `portal remove target <t>`',
      values:
        '`compose` (always rendered), `kubernetes` (`deploy/kubernetes`: kustomize base, an overlay per deployment and its Gateway API variant; `deploy/helm/<name>`: the same objects as a chart), `swarm`',
      default: '`compose`',
    },
  },
] satisfies readonly AnswerDeclaration[];

export const ANSWER_DECLARATIONS: readonly AnswerDeclaration[] = DECLARED;

/** Not an answer: the hashes of the files last written, kept in the same section. */
export const FILE_HASHES_SCHEMA = FILE_HASHES;

/** Every answer has its declaration (a compile error names the one missing). */
const everyAnswerDeclared: Record<Exclude<AnswerKey, (typeof DECLARED)[number]['key']>, never> = {};
void everyAnswerDeclared;
