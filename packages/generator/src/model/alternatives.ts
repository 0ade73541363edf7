/**
 * Services kept as alternatives (`alternatives` answer): their containers go under the compose profile
 * their catalog module names, so `docker compose up` leaves them stopped and `--profile <name>` starts
 * them. Nothing started by default may wait for them, or compose would refuse to start it.
 */
import type { ServiceId } from '../answers/answers.js';
import { fail } from '../answers/extras.js';
import { serviceDefinition } from '../catalog/index.js';
import type { ContainerSpec, Contribution } from '../catalog/types.js';

/** The alternatives' container names and profiles; refuses a service that cannot be kept aside. */
export function alternativeProfiles(alternatives: readonly string[], parts: ReadonlyMap<ServiceId, Contribution>): Map<string, string> {
  const profiles = new Map<string, string>();
  for (const id of alternatives as readonly ServiceId[]) {
    const profile = serviceDefinition(id).profile;
    if (!profile) {
      const allowed = [...parts.keys()].filter(service => serviceDefinition(service).profile).join(', ') || 'none of the chosen ones';
      fail('alternatives', id, `a service that can be kept aside (${allowed}): the others serve routes, backups or metrics that would find it missing`);
    }
    for (const container of parts.get(id)?.containers ?? []) profiles.set(container.name, profile);
  }
  return profiles;
}

/** Profiled containers get their profile; the others stop waiting for them. */
export function withAlternatives(containers: readonly ContainerSpec[], profiles: ReadonlyMap<string, string>): ContainerSpec[] {
  if (profiles.size === 0) return [...containers];
  return containers.map(container => {
    const profile = profiles.get(container.name);
    if (profile) return { ...container, profiles: [profile] };
    const waits = Object.entries(container.dependsOn ?? {}).filter(([name]) => !profiles.has(name));
    return container.dependsOn ? { ...container, dependsOn: Object.fromEntries(waits) } : container;
  });
}
