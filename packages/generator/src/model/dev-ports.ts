/**
 * Host ports of the dev override: each container port on the same host port, unless an earlier container
 * took it (a backend on 8080 behind nginx on 8080, node's 3000 and grafana's 3000); then 10000 higher,
 * and so on. The front goes first, so the URL the docs give stays the usual one.
 */

/** The first free port of the dynamic range, for a container port that 10000 steps pushed past 65535. */
function freePort(taken: ReadonlySet<number>): number {
  for (let port = 49152; port <= 65535; port++) if (!taken.has(port)) return port;
  throw new Error('no free host port left for the dev override');
}
import type { ContainerSpec } from '../catalog/types.js';

export function withDevHostPorts(containers: readonly ContainerSpec[], front: string): ContainerSpec[] {
  const taken = new Set<number>();
  const order = [...containers].sort((a, b) => Number(b.name === front) - Number(a.name === front));
  const assigned = new Map<string, { host: number; container: number }[]>();
  for (const container of order) {
    assigned.set(
      container.name,
      (container.devPorts ?? []).map(port => {
        // below 1024 only the front: dev binds no other privileged host port (an app's own port 80 gets 10080)
        let host = port < 1024 && container.name !== front ? port + 10000 : port;
        while (taken.has(host)) host += 10000;
        if (host > 65535) host = freePort(taken);
        taken.add(host);
        return { host, container: port };
      }),
    );
  }
  return containers.map(container => (container.devPorts?.length ? { ...container, devPublish: assigned.get(container.name)! } : container));
}
