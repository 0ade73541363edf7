/**
 * What the user reads when the generator is done: where it wrote and what to run next, fitted to the run.
 * A first run gets the whole start; a later one (portal add, portal instance add ...) the steps of what it
 * added: an instance's own commands, a new route's address and a new secret's place.
 */
import type { PortalModel } from '../../model/portal-model.js';

/** `previous` is the model of the last run's answers, when this repo had one. */
export function nextSteps(model: PortalModel, destination: string, previous?: PortalModel): string {
  const steps = previous ? changeSteps(model, previous) : firstSteps(model);
  return [
    '',
    `${previous ? 'Updated' : 'Wrote'} the ${model.answers.name} deployment repo ${previous ? 'in' : 'to'} ${destination}`,
    `  containers: ${model.containers.map(c => c.name).join(', ')}`,
    '',
    'Next:',
    `  cd ${destination}`,
    ...steps,
    '',
  ].join('\n');
}

function firstSteps(model: PortalModel): string[] {
  const bind = model.answers.storage === 'bind';
  return [
    ...(bind ? [`  sudo scripts/create-storage.sh      # folders under ${model.answers.dataRoot}`] : []),
    '  scripts/restart.sh                  # dev stack',
    `  open http://localhost:${model.front.port}`,
    ...prodSteps(model, ''),
    '',
    'Secrets are in .env and secrets/ (git-ignored); docs/architecture.md explains the stack.',
  ];
}

/** On the server: .env and secrets/ are not in git, and with nginx on TLS it needs a certificate first. */
function prodSteps(model: PortalModel, instance: string): string[] {
  const env = instance ? `PORTAL_INSTANCE=${instance} ` : '';
  const domain = instance ? model.answers.instances!.find(i => i.name === instance)!.domain : model.answers.domain;
  const made = instance ? `instances/${instance}.env, secrets/${instance}/` : '.env, secrets/';
  return [
    `  # ${instance ? `instance ${instance}, ` : ''}on the server, with ${domain} pointing at it:`,
    `  ${env}scripts/create-secrets.sh${' '.repeat(Math.max(1, 36 - env.length - 'scripts/create-secrets.sh'.length))}# ${made}${model.tls === 'nginx' ? ', a self-signed certificate until yours is in TLS_CERT_DIR' : ''}`,
    ...(model.answers.storage === 'bind' ? [`  sudo ${env}scripts/create-storage.sh`] : []),
    `  ${instance ? env : 'PORTAL_ENV=prod '}scripts/restart.sh`,
  ];
}

function changeSteps(model: PortalModel, previous: PortalModel): string[] {
  const known = new Set((previous.answers.instances ?? []).map(i => i.name));
  const instances = (model.answers.instances ?? []).filter(i => !known.has(i.name));
  const routeKey = (route: { host?: string; path: string }) => `${route.host ?? ''} ${route.path}`;
  const oldRoutes = new Set(previous.routes.map(routeKey));
  const routes = model.routes.filter(route => !route.internal && !oldRoutes.has(routeKey(route)));
  const oldSecrets = new Set(previous.secrets.map(s => s.name));
  const secrets = model.secrets.filter(secret => !oldSecrets.has(secret.name));
  const lines: string[] = [];
  for (const instance of instances) lines.push(...prodSteps(model, instance.name));
  if (instances.length === 0) {
    // a new secret is in .env already here; on the server create-secrets.sh adds it before the restart
    const secretsFirst = secrets.length > 0 ? 'scripts/create-secrets.sh && ' : '';
    lines.push(
      `  ${secretsFirst}scripts/restart.sh                  # dev stack, with the changes`,
      `  ${secretsFirst}PORTAL_ENV=prod scripts/restart.sh  # on the server`,
    );
  }
  for (const route of routes) {
    const dev = `http://${route.host ? `${route.host}.` : ''}localhost:${model.front.port}${route.path}`;
    lines.push(
      `  open ${dev}${' '.repeat(Math.max(1, 30 - dev.length))}# ${route.title}; on the server https://${route.host ? `${route.host}.` : ''}${model.answers.domain}${route.path}`,
    );
  }
  for (const secret of secrets) lines.push(`  # ${secret.purpose}: ${secret.env} in .env, secrets/${secret.name} in prod`);
  const others = (model.answers.instances ?? []).filter(i => known.has(i.name)).map(i => i.name);
  if (secrets.length > 0 && others.length > 0)
    lines.push(`  # and for each instance: PORTAL_INSTANCE=<${others.join('|')}> scripts/create-secrets.sh, then its restart.sh`);
  return lines;
}
