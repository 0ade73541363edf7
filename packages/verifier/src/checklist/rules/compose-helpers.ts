/** Small readers shared by the compose rules. */
import type { ComposeModel, ComposeService } from '../repo-view.js';
import { isExcepted, recordedException } from '../exceptions.js';

/** The one service allowed to publish ports in prod, by the generator's convention. */
export function edgeOf(model: ComposeModel): string {
  return ['traefik', 'nginx', 'varnish', 'backend'].find(name => name in model.services) ?? 'backend';
}

/** One-shot jobs (migrations) end; everything else is long-running. */
export const isOneShot = (service: ComposeService): boolean => service.restart === 'no';

export const DATA_SERVICES = ['db', 'redis', 'rabbitmq', 'pgbouncer', 'mongodb', 'orientdb', 'zookeeper', 'kafka'] as const;

/** Runs `breach` on every service not excepted from the rule and collects its messages. */
export function perService(model: ComposeModel, rule: string, breach: (name: string, service: ComposeService) => string | undefined | false): string[] {
  return Object.entries(model.services)
    .filter(([name, service]) => !isExcepted(rule, name) && recordedException(rule, service) === undefined)
    .flatMap(([name, service]) => {
      const message = breach(name, service);
      return message ? [`${name}: ${message}`] : [];
    });
}
