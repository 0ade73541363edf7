/**
 * nginx and varnish resolve every upstream name when they start and refuse to start if one is missing,
 * so each proxy depends on all the hosts it routes to. Only the main path (the backend, or varnish in
 * front of it) must be healthy first: a broken tileserver or grafana must not keep the whole site down.
 */
import type { ContainerSpec, DependsCondition } from '../catalog/types.js';
import type { RoutedPath } from './portal-model.js';

const MAIN_PATH = new Set(['backend', 'varnish']);

export function withProxyDependencies(containers: readonly ContainerSpec[], routes: readonly RoutedPath[], front: string): ContainerSpec[] {
  const names = new Set(containers.map(c => c.name));
  const upstreamHosts = (selected: readonly RoutedPath[]) => selected.flatMap(route => (route.upstream ? [route.upstream.host] : []));
  // varnish in front of nginx (behind a shared Traefik): varnish routes every path of the domain, nginx
  // serves files and the sub-domains (the shared Traefik sends those to nginx)
  const hostsOf: Record<string, string[]> =
    front === 'varnish' && names.has('nginx')
      ? {
          varnish: [...upstreamHosts(routes.filter(route => !route.host)), ...(routes.some(route => route.files) ? ['nginx'] : [])],
          nginx: upstreamHosts(routes.filter(route => route.host)),
        }
      : {
          // behind nginx, varnish sees only the cached routes; as the front it sees every proxied one
          varnish: upstreamHosts(names.has('nginx') ? routes.filter(route => route.viaVarnish) : routes),
          nginx: [...upstreamHosts(routes.filter(route => !route.viaVarnish)), ...(routes.some(route => route.viaVarnish) ? ['varnish'] : [])],
        };
  // a front end's dev server exists in dev only: nginx waits for it there
  const devServers = [...new Set(routes.flatMap(route => (route.devUpstream ? [route.devUpstream.host] : [])))].sort();
  return containers.map(container => {
    if (container.name === 'nginx' && devServers.length > 0) container = withDevWaits(container, devServers);
    const hosts = hostsOf[container.name];
    if (!hosts || !['nginx', 'varnish'].includes(container.name)) return container;
    const dependsOn: Record<string, DependsCondition> = { ...container.dependsOn };
    for (const host of new Set(hosts)) {
      if (host !== container.name && names.has(host)) dependsOn[host] = MAIN_PATH.has(host) ? 'service_healthy' : 'service_started';
    }
    return { ...container, dependsOn };
  });
}

function withDevWaits(container: ContainerSpec, hosts: readonly string[]): ContainerSpec {
  const waits = Object.fromEntries(hosts.map(host => [host, { condition: 'service_started' }]));
  return { ...container, dev: { ...container.dev, depends_on: { ...container.dev?.depends_on, ...waits } } };
}
