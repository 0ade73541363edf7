/**
 * A host just typed (an app's --route/--host, an instance's --domain) checked against the hosts the stored
 * answers already give away, before the answers are checked whole: that check cannot tell new from stored
 * and would blame the stored option (--grafana-host) for the one typed now.
 */
import type { PortalAnswers } from './answers.js';
import { fail } from './extras.js';
import { hostLabel, routesOf } from './app-routes.js';

type Stored = Pick<PortalAnswers, 'domain' | 'services' | 'grafanaHost' | 'flowerHost' | 'instances' | 'apps' | 'folders' | 'backendContract'>;

/** Who answers on each host of the stored answers: Grafana, Flower, the instances, and (for an instance) the sub-domains. */
function takenHosts(answers: Stored, withSubDomains: boolean): Map<string, string> {
  const taken = new Map<string, string>();
  const sub = (label: string) => `${label}.${answers.domain}`;
  if (answers.grafanaHost && answers.services.includes('grafana')) taken.set(sub(answers.grafanaHost), 'Grafana (--grafana-host)');
  if (answers.flowerHost && answers.services.includes('flower')) taken.set(sub(answers.flowerHost), 'Flower (--flower-host)');
  for (const instance of answers.instances ?? []) taken.set(instance.domain, `instance "${instance.name}"`);
  if (withSubDomains) {
    for (const route of answers.backendContract?.routes ?? []) if (route.host) taken.set(sub(route.host), 'the backend');
    for (const app of answers.apps ?? []) for (const route of routesOf(app)) if (route.host) taken.set(sub(route.host), `app "${app.id}"`);
    for (const folder of answers.folders ?? []) if (folder.host) taken.set(sub(folder.host), `folder "${folder.name}"`);
  }
  return taken;
}

/** The sub-domain of a new app route (option: "route" or "host"), refused when Grafana, Flower or an instance has it. */
export function refuseTakenAppHost(option: 'route' | 'host', value: unknown, app: string, answers: Stored): void {
  const label = hostLabel(value, option, `app "${app}"`, answers.domain);
  if (label === undefined) return;
  const holder = takenHosts(answers, false).get(`${label}.${answers.domain}`);
  if (holder) fail(option, value, `a sub-domain other than ${label}.${answers.domain}, which ${holder} answers on`);
}

/** An instance's new domain, refused when a sub-domain of the portal or another instance has it. */
export function refuseTakenInstanceDomain(value: string, instance: string, answers: Stored): void {
  const others = { ...answers, instances: (answers.instances ?? []).filter(other => other.name !== instance) };
  const domain = value.trim().toLowerCase().replace(/\.$/, '');
  const holder = takenHosts(others, true).get(domain);
  if (holder) fail('domain', value, `a domain of its own for instance "${instance}": ${domain} is the one ${holder} answers on`);
}
