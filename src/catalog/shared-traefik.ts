/**
 * Behind a shared Traefik (another compose project on the same server, e.g. OMP-IRD/traefik-proxy): the
 * stack's entry joins that Traefik's external network in prod and carries the labels its Docker provider
 * reads. Varnish is the entry when chosen (it routes and caches every path, nginx serves files behind it),
 * else nginx. Router and service are named after the compose project, so instances and other stacks behind
 * the same Traefik never share a router.
 */
import type { PortalAnswers } from '../answers/answers.js';
import type { ComposeService } from '../render/compose-types.js';

export type SharedTraefikEntry = 'varnish' | 'nginx';

export function sharedTraefikEntry(answers: PortalAnswers, has: (id: 'varnish' | 'nginx') => boolean): SharedTraefikEntry | undefined {
  if (!answers.traefikNetwork) return undefined;
  return has('varnish') ? 'varnish' : 'nginx';
}

/** The prod keys of the entry container: the external network and the router to it. */
export function sharedTraefikProd(answers: PortalAnswers, port: number): Pick<ComposeService, 'networks' | 'labels'> {
  const network = answers.traefikNetwork!;
  const router = 'traefik.http.routers.${COMPOSE_PROJECT_NAME}';
  const service = 'traefik.http.services.${COMPOSE_PROJECT_NAME}';
  return {
    networks: [network],
    labels: [
      // the shared Traefik's Docker provider lists only containers that ask (exposedByDefault: false)
      'traefik.enable=true',
      // the entry is on several networks: Traefik must dial it on its own
      `traefik.docker.network=${network}`,
      `${router}.rule=Host(\`\${DOMAIN}\`)`,
      `${router}.entrypoints=${answers.traefikEntrypoint}`,
      `${router}.tls=true`,
      `${router}.tls.certresolver=${answers.traefikCertResolver}`,
      `${router}.tls.domains[0].main=\${DOMAIN}`,
      `${router}.service=\${COMPOSE_PROJECT_NAME}`,
      `${service}.loadbalancer.server.port=${port}`,
    ],
  };
}
