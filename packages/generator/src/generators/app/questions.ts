/** Each answer declared once: its CLI option and its prompt (the role of JHipster's command.ts). */
import { BACKENDS, SERVICE_IDS, STORAGE_KINDS, type PortalAnswers, type RawAnswers, type ServiceId } from '../../answers/answers.js';
import { serviceDefinition } from '../../catalog/index.js';
import { fail } from '../../answers/extras.js';
import { CLIENT_AUTH, GRAFANA_POSTGRES, POOL_MODES } from '../../answers/service-settings.js';
import { TARGETS } from '../../answers/targets.js';

type AnswerKey = Exclude<keyof PortalAnswers, 'schemaVersion'>;

export interface Question {
  readonly key: AnswerKey;
  readonly option: string;
  readonly type: typeof String | typeof Array;
  readonly description: string;
  /** Asked only when this holds for the answers known so far. */
  readonly when?: (known: RawAnswers) => boolean;
  readonly prompt: { type: 'input' | 'select' | 'checkbox' | 'number'; message: string; choices?: readonly Choice[] };
}

export interface Choice {
  readonly name: string;
  readonly value: string;
  /** What the answer line shows once chosen. */
  readonly short?: string;
}

/** Services to pick from, each with its catalog summary; the answer line lists only their ids. */
export const serviceChoices = (ids: readonly ServiceId[]): Choice[] =>
  ids.map(value => ({ name: `${value}: ${serviceDefinition(value).summary}`, value, short: value }));

/** A pick-list of fixed values. */
const pick = (values: readonly string[]): Choice[] => values.map(value => ({ name: value, value }));

/** Asked only when the services answered so far name this one. */
const withService =
  (id: string) =>
  (known: RawAnswers): boolean =>
    String(known.services ?? '').includes(id);

/**
 * In the order `validateAnswers` checks them, so that when a question is asked every answer checked
 * before it is known (a default still to be asked cannot hide a fault in this one).
 */
export const QUESTIONS: readonly Question[] = [
  {
    key: 'name',
    option: 'name',
    type: String,
    description: 'Portal slug: lowercase letters, digits, dashes',
    prompt: { type: 'input', message: 'Portal name (slug)' },
  },
  { key: 'domain', option: 'domain', type: String, description: 'Public domain, e.g. maps.example.org', prompt: { type: 'input', message: 'Public domain' } },
  {
    key: 'backend',
    option: 'backend',
    type: String,
    description: `Backend: ${BACKENDS.join(' | ')}`,
    prompt: { type: 'select', message: 'Backend', choices: pick(BACKENDS) },
  },
  {
    key: 'backendImage',
    option: 'backend-image',
    type: String,
    description: 'With --backend image: the image to run, with a tag (e.g. ghcr.io/acme/api:1.2.0)',
    when: known => known.backend === 'image',
    prompt: { type: 'input', message: 'Backend image (with tag)' },
  },
  {
    key: 'backendPort',
    option: 'backend-port',
    // yeoman-environment's command parser gives values only to String and Array options
    type: String,
    description: 'Port the backend listens on inside its container',
    when: known => known.backend === 'image',
    prompt: { type: 'number', message: 'Port the image listens on' },
  },
  {
    key: 'services',
    option: 'services',
    type: String,
    description: `Comma-separated services: ${SERVICE_IDS.join(', ')} (or "none")`,
    prompt: {
      type: 'checkbox',
      message: 'Services',
      choices: serviceChoices(SERVICE_IDS),
    },
  },
  {
    key: 'storage',
    option: 'storage',
    type: String,
    description: `Persistent data: ${STORAGE_KINDS.join(' | ')} (named Docker volumes, or host folders under --data-root)`,
    prompt: { type: 'select', message: 'Storage for persistent data', choices: pick(STORAGE_KINDS) },
  },
  {
    key: 'dataRoot',
    option: 'data-root',
    type: String,
    description: 'With --storage bind: absolute host folder, e.g. /mnt/data/portal',
    when: known => known.storage === 'bind',
    prompt: { type: 'input', message: 'Host folder for persistent data' },
  },
  {
    key: 'acmeEmail',
    option: 'acme-email',
    type: String,
    description: "With traefik: contact address for Let's Encrypt",
    when: withService('traefik'),
    prompt: { type: 'input', message: "E-mail for Let's Encrypt" },
  },
  {
    key: 'redisRoles',
    option: 'redis-roles',
    type: String,
    description: 'With redis: extra Redis servers by role, each with its own storage, e.g. layers,stats,tokens',
    when: withService('redis'),
    prompt: { type: 'input', message: 'Extra Redis servers, by role (comma-separated, empty for none)' },
  },
  {
    key: 'alternatives',
    option: 'alternatives',
    type: String,
    description:
      'Chosen services kept as alternatives under a compose profile of their own, not started by default, e.g. kafka (start them with --profile kafka)',
    prompt: { type: 'input', message: 'Services kept as alternatives, not started by default (comma-separated, empty for none)' },
  },
  {
    key: 'pgbouncerPort',
    option: 'pgbouncer-port',
    type: String,
    description: 'With pgbouncer: the port the apps dial it on (default 5432)',
    when: withService('pgbouncer'),
    prompt: { type: 'input', message: 'Port the apps dial PgBouncer on' },
  },
  {
    key: 'pgbouncerPoolMode',
    option: 'pgbouncer-pool-mode',
    type: String,
    description: `With pgbouncer: ${POOL_MODES.join(' | ')} (default session)`,
    when: withService('pgbouncer'),
    prompt: { type: 'select', message: 'PgBouncer pool mode', choices: pick(POOL_MODES) },
  },
  {
    key: 'pgbouncerClientAuth',
    option: 'pgbouncer-client-auth',
    type: String,
    description: `With pgbouncer: how apps log in to it, ${CLIENT_AUTH.join(' | ')} (md5 for client libraries older than SCRAM)`,
    when: withService('pgbouncer'),
    prompt: { type: 'select', message: 'PgBouncer client authentication', choices: pick(CLIENT_AUTH) },
  },
  {
    key: 'grafanaPostgres',
    option: 'grafana-postgres',
    type: String,
    description: `With grafana and a database: a PostgreSQL data source, ${GRAFANA_POSTGRES.join(' | ')} (readonly: a role of its own)`,
    when: withService('grafana'),
    prompt: { type: 'select', message: 'Grafana PostgreSQL data source', choices: pick(GRAFANA_POSTGRES) },
  },
  {
    key: 'grafanaPostgresUid',
    option: 'grafana-postgres-uid',
    type: String,
    description: 'With --grafana-postgres: the data source uid your dashboards name (default postgres)',
    when: known => typeof known.grafanaPostgres === 'string' && known.grafanaPostgres !== 'off',
    prompt: { type: 'input', message: 'Uid of the PostgreSQL data source (as your dashboards name it)' },
  },
  {
    key: 'grafanaHost',
    option: 'grafana-host',
    type: String,
    description: 'With grafana: the sub-domain it answers on at / (e.g. grafana for grafana.<domain>); absent: under /grafana/',
    // asked only when a preset or file named one: the default is the path
    when: known => typeof known.grafanaHost === 'string' && known.grafanaHost !== '',
    prompt: { type: 'input', message: 'Sub-domain of Grafana (e.g. grafana)' },
  },
  {
    key: 'flowerHost',
    option: 'flower-host',
    type: String,
    description: 'With flower: the sub-domain it answers on at / (e.g. flower for flower.<domain>); absent: under /flower/',
    when: known => typeof known.flowerHost === 'string' && known.flowerHost !== '',
    prompt: { type: 'input', message: 'Sub-domain of Flower (e.g. flower)' },
  },
  {
    key: 'traefikNetwork',
    option: 'traefik-network',
    type: String,
    description:
      'Run behind a shared Traefik: its external Docker network (e.g. traefik-proxy_proxy_network), "none" for none; varnish, else nginx, gets its labels',
    // asked only when a preset or file named one: the default is the stack's own edge
    when: known => typeof known.traefikNetwork === 'string' && known.traefikNetwork !== '',
    prompt: { type: 'input', message: 'Docker network of the shared Traefik' },
  },
  {
    key: 'traefikEntrypoint',
    option: 'traefik-entrypoint',
    type: String,
    description: "With --traefik-network: the shared Traefik's HTTPS entry point (default websecure)",
    when: known => typeof known.traefikNetwork === 'string' && known.traefikNetwork !== '',
    prompt: { type: 'input', message: 'Entry point of the shared Traefik' },
  },
  {
    key: 'traefikCertResolver',
    option: 'traefik-cert-resolver',
    type: String,
    description: "With --traefik-network: the shared Traefik's certificate resolver (default letsEncrypt)",
    when: known => typeof known.traefikNetwork === 'string' && known.traefikNetwork !== '',
    prompt: { type: 'input', message: 'Certificate resolver of the shared Traefik' },
  },
  {
    key: 'tileSchemas',
    option: 'tile-schemas',
    type: String,
    description: 'With tileserver: PostgreSQL schemas it publishes, created at init (default tiles), e.g. tiles,guyane',
    when: known => Array.isArray(known.tileSchemas),
    prompt: { type: 'input', message: 'Schemas the tileserver publishes (comma-separated)' },
  },
  {
    key: 'targets',
    option: 'targets',
    type: String,
    description: `Deployment targets, comma-separated: ${TARGETS.join(', ')} (compose is always rendered; kubernetes adds deploy/kubernetes and deploy/helm, swarm a stack file)`,
    prompt: { type: 'checkbox', message: 'Deployment targets (compose is always rendered)', choices: pick(TARGETS.filter(target => target !== 'compose')) },
  },
];

const camel = (option: string): string => option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Answers given as CLI options (Yeoman may key them in camelCase or as typed), keyed like the answers. */
export function answersFromOptions(options: Record<string, unknown>): RawAnswers {
  const given: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    const value = options[camel(question.option)] ?? options[question.option];
    if (value === undefined || value === null) continue;
    const isList =
      question.key === 'services' ||
      question.key === 'redisRoles' ||
      question.key === 'alternatives' ||
      question.key === 'tileSchemas' ||
      question.key === 'targets';
    // `--services=` on a re-run would remove every service: an empty option is a typo, "none" is a choice
    if (typeof value === 'string' && value.split(/[\s,]+/).every(part => part === '')) {
      fail(question.option, value, isList ? 'a comma-separated list, or "none" for none' : 'a value');
    }
    given[question.key] = isList && typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  }
  return given;
}
