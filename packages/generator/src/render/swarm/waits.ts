/**
 * Swarm ignores `depends_on`. Containers of our own app images (whose whole command the spec gives, so it
 * can be wrapped) start through deploy/swarm/wait-for.sh, which waits for each dependency's port and runs a
 * job's doneCheck until it passes. Every other container relies on the restart policy and its healthcheck:
 * Swarm replaces a task that exits or turns unhealthy, so they settle once what they need runs.
 */
import type { ContainerSpec } from '../../catalog/types.js';

/** Where the wait script is mounted (a config: read-only, run with sh so it needs no exec bit). */
export const WAIT_SCRIPT = '/run/portal/wait-for.sh';

/** The script's arguments, one per dependency it can wait for: `tcp:<host>:<port>` or `run:<command>`. */
export function waitArguments(c: ContainerSpec, containers: readonly ContainerSpec[]): string[] {
  return Object.entries(c.dependsOn ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .flatMap(([name, condition]) => {
      const dependency = containers.find(other => other.name === name);
      if (!dependency) return [];
      if (condition === 'service_completed_successfully') return dependency.doneCheck ? [`run:${dependency.doneCheck.join(' ')}`] : [];
      return dependency.port ? [`tcp:${name}:${dependency.port}`] : [];
    });
}

/** Our app images have no ENTRYPOINT (templates/backend), so the spec's command is the whole argv. */
export const canWrap = (c: ContainerSpec): boolean => !!(c.isApp && c.build && c.command && !c.entrypoint);

/** The entrypoint and command that wait first, or undefined when the container starts as in compose. */
export function waitingStart(c: ContainerSpec, containers: readonly ContainerSpec[]): { entrypoint: string[]; command: string[] } | undefined {
  if (!canWrap(c)) return undefined;
  const waits = waitArguments(c, containers);
  if (waits.length === 0) return undefined;
  return { entrypoint: ['/bin/sh', WAIT_SCRIPT, ...waits, '--'], command: [...c.command!] };
}
