/**
 * Behind a shared Traefik (another compose project on the same server, e.g. OMP-IRD/traefik-proxy): the
 * containers it routes to join its external network in prod and carry the labels its Docker provider
 * reads, one router per host name. Varnish is the entry of the domain when chosen (it routes and caches
 * every path, nginx serves files behind it), else nginx. Sub-domains go to nginx, which has a server block
 * for each (varnish answers the domain only); a sub-domain always brings nginx (model/extras.ts).
 * Routers and services are named after the compose project, so instances and other stacks behind the
 * same Traefik never share one: "_" parts the project from the rest, as neither a portal's name nor an
 * instance's (so no project of this portal) can hold one; Traefik accepts "_" in names (traefik/traefik#7283).
 * Host names use ${DOMAIN}, so each instance's env file gives its own.
 */
import type { PortalAnswers } from '../answers/answers.js';
import { routesOf } from '../answers/app-routes.js';
import type { ComposeService } from './compose-types.js';

export type SharedTraefikEntry = 'varnish' | 'nginx';

export function sharedTraefikEntry(answers: PortalAnswers, has: (id: 'varnish' | 'nginx') => boolean): SharedTraefikEntry | undefined {
  if (!answers.traefikNetwork) return undefined;
  return has('varnish') ? 'varnish' : 'nginx';
}

/**
 * The sub-domain labels the answers route (apps, the prebuilt backend, folders, Grafana and Flower), sorted.
 * The model checks that they are the labels of its routes.
 */
export function answeredSubDomains(answers: PortalAnswers): string[] {
  // a service's host goes with the service (the answers drop it when the service is removed)
  const chosen = (id: string) => (answers.services as readonly string[]).includes(id);
  const labels = [
    ...(answers.backendContract?.routes ?? []).map(route => route.host),
    ...(answers.apps ?? []).flatMap(app => routesOf(app).map(route => route.host)),
    ...(answers.folders ?? []).map(folder => folder.host),
    chosen('grafana') ? answers.grafanaHost : undefined,
    chosen('flower') ? answers.flowerHost : undefined,
  ];
  return [...new Set(labels.filter((label): label is string => label !== undefined))].sort();
}

/** One router of the shared Traefik: its name, the host it matches and the container it reaches. */
export interface SharedTraefikRouter {
  readonly router: string;
  readonly host: string;
  readonly container: SharedTraefikEntry;
  readonly service: string;
  readonly port: number;
}

const PROJECT = '${COMPOSE_PROJECT_NAME}';

/** Every router the stack asks the shared Traefik for: the domain to the entry, each sub-domain to nginx. */
export function sharedTraefikRouters(
  answers: PortalAnswers,
  has: (id: 'varnish' | 'nginx') => boolean,
  ports: Readonly<Record<SharedTraefikEntry, number>>,
): SharedTraefikRouter[] {
  const entry = sharedTraefikEntry(answers, has);
  if (!entry) return [];
  const labels = answeredSubDomains(answers);
  if (labels.length > 0 && !has('nginx')) throw new Error('internal: sub-domains behind a shared Traefik without nginx');
  // a service per container: the entry's keeps the project's name, nginx behind varnish gets its own
  const service = (container: SharedTraefikEntry) => (container === entry ? PROJECT : `${PROJECT}_${container}`);
  return [
    { router: PROJECT, host: '${DOMAIN}', container: entry, service: service(entry), port: ports[entry] },
    // "-" would not do: instance "sub-api" has the project <project>-sub-api, whose domain router has that name
    ...labels.map(label => ({
      router: `${PROJECT}_${label}`,
      host: `${label}.\${DOMAIN}`,
      container: 'nginx' as const,
      service: service('nginx'),
      port: ports.nginx,
    })),
  ];
}

/** The prod keys of one container: the external network and its routers, or nothing when Traefik does not route to it. */
export function sharedTraefikProd(
  answers: PortalAnswers,
  routers: readonly SharedTraefikRouter[],
  container: SharedTraefikEntry,
): Pick<ComposeService, 'networks' | 'labels'> | undefined {
  const own = routers.filter(router => router.container === container);
  if (own.length === 0) return undefined;
  const network = answers.traefikNetwork!;
  const services = [...new Map(own.map(router => [router.service, router.port])).entries()];
  return {
    networks: [network],
    labels: [
      // the shared Traefik's Docker provider lists only containers that ask (exposedByDefault: false)
      'traefik.enable=true',
      // the container is on several networks: Traefik must dial it on its own
      `traefik.docker.network=${network}`,
      ...own.flatMap(({ router, host, service }) => {
        const key = `traefik.http.routers.${router}`;
        return [
          `${key}.rule=Host(\`${host}\`)`,
          `${key}.entrypoints=${answers.traefikEntrypoint}`,
          `${key}.tls=true`,
          `${key}.tls.certresolver=${answers.traefikCertResolver}`,
          // one certificate per host name: the resolver's HTTP challenge (traefik-proxy's) cannot issue a wildcard
          `${key}.tls.domains[0].main=${host}`,
          `${key}.service=${service}`,
        ];
      }),
      ...services.map(([service, port]) => `traefik.http.services.${service}.loadbalancer.server.port=${port}`),
    ],
  };
}
