/** View objects for the nginx templates: every decision is made here, templates only print. */
import { NGINX_PORT, NGINX_STATUS_PORT, NGINX_TLS_PORT } from '../catalog/services/nginx.js';
import { VARNISH_PORT } from '../catalog/services/varnish.js';
import type { PortalModel, RoutedPath } from '../model/portal-model.js';
import { UNTRUSTED_REQUEST_HEADERS } from './forwarding.js';

/** Mozilla server-side TLS guidelines 6.0, "intermediate" profile (TLS 1.2 ciphers; TLS 1.3 needs no list). */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

const CSP_STRICT =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self'; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'; form-action 'self'";
const CSP_RELAXED =
  "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; connect-src 'self'; frame-ancestors 'self'; base-uri 'self'";

interface Upstream {
  readonly name: string;
  readonly host: string;
  readonly port: number;
}

/** Upstream block name for a route: varnish when the route is cached, else the route's own upstream. */
function upstreamOf(route: RoutedPath): Upstream | undefined {
  if (!route.upstream) return undefined;
  if (route.viaVarnish) return { name: 'varnish', host: 'varnish', port: VARNISH_PORT };
  return { name: route.upstream.host, host: route.upstream.host, port: route.upstream.port };
}

export function nginxMainView(model: PortalModel) {
  return {
    maxBodySize: '25m',
    apiRate: '20r/s',
    statusPort: NGINX_STATUS_PORT,
    realIpFromTraefik: model.tls === 'traefik' || model.tls === 'shared-traefik',
    cspStrict: CSP_STRICT,
    cspRelaxed: CSP_RELAXED,
    relaxedCspPrefixes: model.routes.filter(route => route.cache === 'none').map(route => route.path),
    serverNamesBucket: serverNamesBucket([model.answers.domain, ...(model.answers.instances ?? []).map(instance => instance.domain)]),
  };
}

/** nginx refuses to start when a server_name does not fit a hash bucket (its name, two pointers, alignment). */
function serverNamesBucket(domains: readonly string[]): number {
  const longest = Math.max(...domains.map(domain => domain.length));
  let size = 128;
  while (size < longest + 32) size *= 2;
  return size;
}

/** Headers of every proxied location: the site's own host and scheme, no forwarding header a client wrote. */
export function nginxProxyView() {
  return { untrustedHeaders: UNTRUSTED_REQUEST_HEADERS };
}

/** The routes nginx answers: all of them, or only its folders when varnish is in front of it. */
const nginxRoutes = (model: PortalModel): readonly RoutedPath[] => (model.front.name === 'varnish' ? model.routes.filter(route => route.files) : model.routes);

export function nginxUpstreamsView(model: PortalModel) {
  const byName = new Map<string, Upstream>();
  for (const route of nginxRoutes(model)) {
    const upstream = upstreamOf(route);
    if (upstream) byName.set(upstream.name, upstream);
  }
  return { upstreams: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

export function nginxRoutesView(model: PortalModel) {
  return {
    hiddenPaths: hiddenMetricsPaths(model),
    apiBurst: 40,
    routes: nginxRoutes(model).map(route => {
      const upstream = upstreamOf(route);
      return {
        path: route.path,
        title: route.title,
        files: route.files,
        expires: route.cache === 'long' ? '7d' : '1h',
        isApi: route.isApi === true,
        // websockets stay open; everything else must answer within a minute
        timeout: route.websocket ? '1h' : '60s',
        upstreamName: upstream?.name ?? '',
        // a prefix is stripped by giving proxy_pass a URI; varnish always sees the public path
        passPath: route.upstream?.stripPrefix && !route.viaVarnish ? '/' : '',
      };
    }),
  };
}

/** The Host varnish's probe sends when it fronts nginx: the service name, reachable on the internal network only. */
export const NGINX_PROBE_HOST = 'nginx';

export function nginxSiteView(model: PortalModel) {
  return {
    probeHost: model.front.name === 'varnish' ? NGINX_PROBE_HOST : '',
    port: NGINX_PORT,
    tlsPort: NGINX_TLS_PORT,
    domain: model.answers.domain,
    terminatesTls: model.tls === 'nginx',
    ciphers: MOZILLA_INTERMEDIATE_CIPHERS,
  };
}

/** Metrics paths of containers that public routes reach, and routes' private paths: for the internal network only. */
export function hiddenMetricsPaths(model: PortalModel): string[] {
  const routedHosts = new Set(model.routes.flatMap(route => (route.upstream ? [route.upstream.host] : [])));
  const paths = model.scrape
    .filter(target => routedHosts.has(target.target.split(':')[0]!))
    .flatMap(target => [target.metricsPath ?? '/metrics', ...(target.publicAliases ?? [])]);
  // hidden with or without Prometheus: served without the upstream's own auth
  const privatePaths = model.routes.flatMap(route => route.privatePaths ?? []);
  return [...new Set([...paths, ...privatePaths])].sort();
}
