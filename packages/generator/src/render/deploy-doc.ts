/** The view for docs/deploy.md, the operator's guide: every decision here, the template only prints. */
import { presenceIn } from '../model/has-service.js';
import { DEFAULT_BACKUPS } from '../answers/postgres-answers.js';
import { ACME_CHALLENGE_ROOT } from '../catalog/services/nginx.js';
import { IMAGES } from '../catalog/images.js';
import type { PortalModel } from '../model/portal-model.js';
import { LOGGING } from './compose.js';
import { subDomains } from './nginx.js';
import { scriptsView } from './scripts.js';

/** The compose command of prod as an operator types it (v2); the scripts add their v1 fallback. */
export const PROD_COMPOSE = 'docker compose --env-file .env -f docker-compose.yml -f docker-compose.prod.yml';

/** Let's Encrypt's staging directory: untrusted certificates, far higher rate limits. */
export const LE_STAGING = 'https://acme-staging-v02.api.letsencrypt.org/directory';

/** The major version of a postgres or postgis image tag ('16-3.5', '16.6-alpine' -> '16'). */
const majorOf = (image: string): string => /:(\d+)/.exec(image)?.[1] ?? '';

export function deployView(model: PortalModel) {
  const { answers } = model;
  const scripts = scriptsView(model);
  const has = presenceIn(model.services);
  const namesOf = (domain: string) => [domain, ...subDomains(model).map(label => `${label}.${domain}`)];
  const names = namesOf(answers.domain);
  const secretEnv = new Map(model.secrets.map(s => [s.name, s.env]));
  const plan = answers.backups ?? DEFAULT_BACKUPS;
  const database = model.containers.find(c => c.name === 'db');
  return {
    name: answers.name,
    domain: answers.domain,
    slug: model.slug,
    compose: PROD_COMPOSE,
    tls: model.tls,
    // each instance answers on its own domain and sub-domains, on the same server
    dnsNames: [...names, ...(answers.instances ?? []).flatMap(instance => namesOf(instance.domain))],
    certbotNames: names.map(name => `-d ${name}`).join(' '),
    acmeRoot: ACME_CHALLENGE_ROOT,
    acmeEmail: answers.acmeEmail ?? '',
    leStaging: LE_STAGING,
    sharedTraefikNetwork: answers.traefikNetwork ?? '',
    edge: model.tls === 'traefik' ? 'traefik' : model.tls === 'shared-traefik' ? '' : model.front.name,
    openPorts: model.tls === 'shared-traefik' ? [] : model.tls === 'none' ? ['80'] : ['80', '443'],
    isBind: scripts.isBind,
    dataRoot: answers.dataRoot ?? '',
    // upgrades
    builtBackend: answers.backend !== 'image',
    backendImage: answers.backendImage ?? '',
    hasInHouseImages: Boolean(answers.backendImage) || (answers.apps ?? []).length > 0,
    postgresMajor: database ? majorOf(database.image) : '',
    postgresImage: database?.image ?? '',
    dbStorage: model.storage.find(item => item.usedBy.includes('db') && item.dumpedWith)?.name ?? '',
    backupImageMajor: majorOf(IMAGES.backup),
    hasDatabase: scripts.hasDatabase,
    // backups
    backupService: has('backup'),
    backupSchedule: plan.schedule,
    backupKept: plan.rotation === 'weekday' ? 'one dump of each database per day of the week' : 'the newest `BACKUP_KEEP` dumps of each database',
    backupsLocation: scripts.isBind ? `${answers.dataRoot}/backups` : 'the named volume `<COMPOSE_PROJECT_NAME>_backups`',
    fileItems: scripts.fileItems,
    notBackedUp: model.storage.filter(item => !item.backup && !item.dumpedWith && item.name !== 'backups').map(item => `\`${item.name}\` (${item.purpose})`),
    // monitoring
    hasPrometheus: has('prometheus'),
    consoles: model.consoles.map(console => {
      const dev = console.internal
        ? model.containers.find(c => c.name === console.internal!.container)?.devPublish?.find(p => p.container === console.internal!.port)
        : undefined;
      return {
        title: console.title,
        prod: console.urls?.prod ?? '',
        dev: console.urls?.dev ?? (dev ? `http://127.0.0.1:${dev.host}/` : ''),
        internal: console.internal ? `${console.internal.container}:${console.internal.port}` : '',
        login: console.user
          ? `user \`${console.user}\`, password \`${secretEnv.get(console.passwordSecret ?? '') ?? ''}\` in \`.env\` (prod containers read \`secrets/${console.passwordSecret}\`)`
          : 'no login: never published in prod',
      };
    }),
    alertNames: model.alerts.map(alert => alert.alert),
    // logs and secrets
    logDriver: LOGGING.driver,
    logMaxSize: LOGGING.options['max-size'],
    logMaxFile: LOGGING.options['max-file'],
    shellContainer: model.containers.find(c => c.isApp && !c.oneShot)?.name ?? model.front.name,
    secrets: model.secrets.map(s => ({ name: s.name, env: s.env, purpose: s.purpose, byHand: s.changedByHand ?? '' })),
    instances: (answers.instances ?? []).map(i => i.name),
  };
}
