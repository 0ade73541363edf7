/**
 * What each old container is in the new stack: a catalog service, a Redis role, an app, a data-only
 * container (its volumes become named storage), a build-time helper, or an edge the stack replaces.
 */
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import { catalogKind, type CatalogKind } from './catalog-match.js';
import type { ServiceFacts } from './service-facts.js';

export type Role =
  | { readonly kind: 'catalog'; readonly service: CatalogKind }
  | { readonly kind: 'redis-role'; readonly role: string }
  | { readonly kind: 'app' }
  | { readonly kind: 'data' }
  | { readonly kind: 'helper'; readonly why: string };

/** Commands that exit at once: a container that only holds volumes, or only exists for a build. */
const EXITS_AT_ONCE = /^(\/bin\/)?(true|echo)$/;

/** Every `links`, `volumes_from` and `depends_on` names a service of the files; else one line. */
export function checkReferences(services: ReadonlyMap<string, ServiceFacts>): void {
  for (const facts of services.values()) {
    const refs: [string, string][] = [
      ...[...facts.links.keys()].map((name): [string, string] => ['links', name]),
      ...facts.volumesFrom.map((name): [string, string] => ['volumes_from', name]),
      ...facts.dependsOn.map((name): [string, string] => ['depends_on', name]),
    ];
    for (const [key, name] of refs) {
      if (services.has(name)) continue;
      const fix =
        key === 'volumes_from'
          ? 'define the data container as a service with its volumes (e.g. image: busybox, volumes: [/data])'
          : `add the service or remove it from ${key}`;
      throw new PortalInputError(`Invalid service ${quoted(facts.name)}: its ${key} names ${quoted(name)}, which no compose file given defines; ${fix}.`);
    }
  }
}

export function classify(services: ReadonlyMap<string, ServiceFacts>): Map<string, Role> {
  const volumeSources = new Set([...services.values()].flatMap(s => s.volumesFrom));
  const roles = new Map<string, Role>();
  for (const facts of services.values()) {
    const first = (facts.entrypoint ?? facts.command ?? [])[0] ?? '';
    const exits = EXITS_AT_ONCE.test(first);
    const kind = catalogKind(facts.image ?? facts.buildFrom, facts.build);
    if (volumeSources.has(facts.name) && kind === undefined && facts.ports.length === 0 && facts.expose.length === 0) roles.set(facts.name, { kind: 'data' });
    else if (exits && facts.volumes.length > 0 && facts.ports.length === 0) roles.set(facts.name, { kind: 'data' });
    else if (exits)
      roles.set(facts.name, { kind: 'helper', why: `its command (${(facts.entrypoint ?? facts.command)!.join(' ')}) exits at once: it only served a build` });
    else if (!facts.image && !facts.build)
      throw new PortalInputError(
        `Invalid service ${quoted(facts.name)}: it has neither image nor build; give it an image (or leave it out of the files given).`,
      );
    else if (kind) roles.set(facts.name, { kind: 'catalog', service: kind });
    else roles.set(facts.name, { kind: 'app' });
  }
  return withRedisRoles(services, roles);
}

/**
 * Several Redis containers: the stack's own `redis` is the one named so, else the one without storage (a
 * cache: nothing at /data), else the first; every other becomes a role named after what its name adds (redislayers: layers).
 */
function withRedisRoles(services: ReadonlyMap<string, ServiceFacts>, roles: Map<string, Role>): Map<string, Role> {
  const redis = [...roles].filter(([, role]) => role.kind === 'catalog' && role.service === 'redis').map(([name]) => services.get(name)!);
  if (redis.length < 2) return roles;
  const main =
    redis.find(s => s.name === 'redis') ??
    redis.find(s => s.volumesFrom.length === 0 && !s.volumes.some(v => v.target === '/data' || v.target.startsWith('/data/'))) ??
    redis[0]!;
  const taken = new Set<string>();
  for (const facts of redis) {
    if (facts === main) continue;
    let role = roleName(facts.name);
    for (let n = 2; taken.has(role); n += 1) role = `${roleName(facts.name)}-${n}`;
    taken.add(role);
    roles.set(facts.name, { kind: 'redis-role', role });
  }
  return roles;
}

export function roleName(service: string): string {
  const stripped = service
    .toLowerCase()
    .replace(/redis/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug(stripped || 'store');
}

/** An id of ours: lowercase letters, digits and dashes, starting with a letter, at most 30 characters. */
export function slug(name: string): string {
  const text = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return text || 'app';
}
