/** View objects for the nginx templates: every decision is made here, templates only print. */
import { ACME_CHALLENGE_ROOT, NGINX_PORT, NGINX_STATUS_PORT, NGINX_TLS_PORT } from '../catalog/services/nginx.js';
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
    // keyed on the server's sub-domain label ("" for the domain) and the path: Grafana's "/" on its own
    // sub-domain relaxes that host only, never the portal's "/"
    relaxedCsp: model.routes.filter(route => route.cache === 'none' && !route.internal).map(route => cspKey(route.host, route.path)),
    hasCors: model.routes.some(route => route.cors),
    serverNamesBucket: serverNamesBucket(
      [model.answers.domain, ...(model.answers.instances ?? []).map(instance => instance.domain)].flatMap(domain => [
        domain,
        ...subDomains(model).map(label => `${label}.${domain}`),
      ]),
    ),
  };
}

/**
 * What the CSP map reads: `$sub_domain:$uri`, where each server block sets $sub_domain to its label ("" on
 * the domain), so the same key holds for every instance's domain and for <label>.localhost in dev.
 */
export const cspKey = (host: string | undefined, path: string): string => `${host ?? ''}:${path}`;

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

/**
 * The routes nginx answers: all of them, or, when varnish is in front of it (behind a shared Traefik), its
 * folders and the sub-domains (the shared Traefik routes those to nginx: varnish answers the domain only).
 */
const nginxRoutes = (model: PortalModel): readonly RoutedPath[] =>
  model.front.name === 'varnish' ? model.routes.filter(route => route.files || route.host) : model.routes;

export function nginxUpstreamsView(model: PortalModel) {
  const byName = new Map<string, Upstream>();
  for (const route of nginxRoutes(model)) {
    const upstream = upstreamOf(route);
    if (upstream) byName.set(upstream.name, upstream);
  }
  return { upstreams: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)) };
}

/** The sub-domain labels routes are served on, each with a server block of its own. */
export const subDomains = (model: PortalModel): string[] => [...new Set(model.routes.flatMap(route => (route.host ? [route.host] : [])))].sort();

/** Routes with a dev server of their own (a front end's) are served from another routes file in dev. */
const hasDevRoutes = (model: PortalModel, host: string | undefined): boolean => model.routes.some(route => route.host === host && route.devUpstream);

/** Snippets under nginx/snippets/: routes.conf for the portal's host, hosts/<label>.conf per sub-domain; dev/ holds their dev forms. */
export function routesFile(host: string | undefined, dev: boolean): string {
  return `${dev ? 'dev/' : ''}${host ? `hosts/${host}.conf` : 'routes.conf'}`;
}

/** Every routes snippet to write: one per host, and a dev one where a dev server replaces built files. */
export function routeFiles(model: PortalModel): { file: string; view: ReturnType<typeof nginxRoutesView> }[] {
  return [undefined, ...subDomains(model)].flatMap(host => [
    { file: routesFile(host, false), view: nginxRoutesView(model, host, false) },
    ...(hasDevRoutes(model, host) ? [{ file: routesFile(host, true), view: nginxRoutesView(model, host, true) }] : []),
  ]);
}

/** The CORS origin map of each route that has a list of origins, by route. */
function corsVariables(model: PortalModel): Map<RoutedPath, string> {
  const listed = model.routes.filter(route => route.cors && !route.cors.origins.includes('*'));
  return new Map(listed.map((route, i) => [route, `$cors_origin_${i}`]));
}

export function nginxCorsView(model: PortalModel) {
  return {
    maps: [...corsVariables(model)].map(([route, variable]) => ({
      variable,
      title: `${route.host ? `${route.host}:` : ''}${route.path}`,
      origins: route.cors!.origins,
    })),
    methods: 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
    headers: 'Authorization, Content-Type, X-Requested-With, X-CSRFToken',
    maxAge: 600,
  };
}

/** Routes of one host (undefined: the portal's own); in dev a front end's dev server replaces its files. */
export function nginxRoutesView(model: PortalModel, host?: string, dev = false) {
  const cors = corsVariables(model);
  return {
    hiddenPaths: hiddenMetricsPaths(model),
    apiBurst: 40,
    routes: nginxRoutes(model)
      .filter(route => route.host === host)
      .map(route => {
        const devServer = dev ? route.devUpstream : undefined;
        const upstream = upstreamOf(route);
        return {
          path: route.path,
          title: devServer ? `${route.title}: its dev server in dev` : route.title,
          files: devServer ? undefined : route.files,
          internal: route.internal === true,
          // a single-page front end: paths it routes itself get its index.html
          spaFallback: route.spa && !devServer ? `${route.path}index.html` : '',
          expires: route.cache === 'long' ? '7d' : '1h',
          isApi: route.isApi === true || /\/api\//.test(route.path),
          bodySize: route.bodySize ?? '',
          // websockets (and a dev server's live reload) stay open; everything else must answer within a minute
          timeout: route.timeout ?? (route.websocket || devServer ? '1h' : '60s'),
          connectTimeout: route.connectTimeout ?? '',
          cors: route.cors
            ? {
                origin: route.cors.origins.includes('*') ? '"*"' : cors.get(route)!,
                credentials: route.cors.credentials === true,
                vary: !route.cors.origins.includes('*'),
              }
            : undefined,
          upstreamName: devServer ? `${devServer.host}:${devServer.port}` : (upstream?.name ?? ''),
          // a prefix is stripped by giving proxy_pass a URI; varnish always sees the public path
          passPath: route.upstream?.stripPrefix && !route.viaVarnish ? '/' : '',
        };
      }),
  };
}

/** The Host varnish's probe sends when it fronts nginx: the service name, reachable on the internal network only. */
export const NGINX_PROBE_HOST = 'nginx';

export function nginxSiteView(model: PortalModel) {
  const domain = model.answers.domain;
  return {
    probeHost: model.front.name === 'varnish' ? NGINX_PROBE_HOST : '',
    port: NGINX_PORT,
    tlsPort: NGINX_TLS_PORT,
    domain,
    routesFile: routesFile(undefined, false),
    devRoutesFile: routesFile(undefined, hasDevRoutes(model, undefined)),
    // an instance's model carries its own domain, so its sub-domains follow
    subDomains: subDomains(model).map(label => ({
      label,
      serverName: `${label}.${domain}`,
      devServerName: `${label}.localhost`,
      routesFile: routesFile(label, false),
      devRoutesFile: routesFile(label, hasDevRoutes(model, label)),
    })),
    terminatesTls: model.tls === 'nginx',
    acmeRoot: ACME_CHALLENGE_ROOT,
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
