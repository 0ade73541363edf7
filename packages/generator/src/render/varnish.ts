/** View for the VCL: backends and per-path rules derived from the routes varnish receives. */
import { hasService } from '../model/has-service.js';
import type { PortalModel, RoutedPath } from '../model/portal-model.js';
import { UNTRUSTED_REQUEST_HEADERS } from './forwarding.js';
import { hiddenMetricsPaths, NGINX_PROBE_HOST } from './nginx.js';
import { NGINX_HEALTH_PATH, NGINX_PORT } from '../catalog/services/nginx.js';

/** nginx answers only named hosts on the port varnish dials: the probe names nginx's own (see nginxSiteView). */
const PROBE_HOSTS: Record<string, string> = { nginx: NGINX_PROBE_HOST };

/** A VCL regex matching a path prefix. */
const prefixPattern = (path: string): string => `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`;

export function varnishView(model: PortalModel) {
  const isFront = model.front.name === 'varnish';
  // behind nginx varnish sees only the cached routes; as the front it routes every proxied path
  // in front of nginx (behind a shared Traefik), varnish also sends nginx's folders to it
  const nginxBehind = isFront && hasService(model, 'nginx');
  const routes = model.routes
    // sub-domains go around varnish (it answers the portal's own host only)
    .filter(route => !route.host)
    .filter(route => (route.upstream && (isFront || route.viaVarnish)) || (nginxBehind && route.files))
    .map(route => (route.upstream ? route : { ...route, upstream: { host: 'nginx', port: NGINX_PORT, stripPrefix: false, healthPath: NGINX_HEALTH_PATH } }));
  const backends = new Map<string, { name: string; host: string; port: number; probeUrl: string; probeHost: string }>();
  for (const route of routes) {
    const { host, port, healthPath } = route.upstream!;
    backends.set(host, { name: vclName(host), host, port, probeUrl: healthPath ?? '/health', probeHost: PROBE_HOSTS[host] ?? '' });
  }
  const long = routes.filter(route => route.cache === 'long');
  return {
    untrustedHeaders: UNTRUSTED_REQUEST_HEADERS,
    // the front with no traefik before it: its peer is the client (behind nginx or traefik, they set the address)
    isEdge: isFront && model.tls !== 'traefik' && model.tls !== 'shared-traefik',
    tileTtl: '1d',
    defaultTtl: '60s',
    // only tile bodies get the long TTL; the index and metadata next to them do not
    tileFilePattern: '\\.(pbf|mvt|png|jpe?g|webp)(\\?.*)?$',
    hiddenPattern: hiddenMetricsPaths(model)
      .map(path => `${prefixPattern(path)}(\\?|$)`)
      .join('|'),
    backends: [...backends.values()].sort((a, b) => a.name.localeCompare(b.name)),
    rules: routes.map(route => ({ pattern: prefixPattern(route.path), backend: vclName(route.upstream!.host), action: actionOf(route) })),
    longPattern: long.length > 0 ? long.map(route => prefixPattern(route.path)).join('|') : '',
  };
}

function actionOf(route: RoutedPath): 'pipe' | 'pass' | 'long' | 'default' {
  // nginx's files: hashed here, or the "/" rule below would send them to the app; cookies never change a file
  if (route.files) return 'long';
  if (route.websocket) return 'pipe';
  if (route.cache === 'pass' || route.cache === 'none') return 'pass';
  return route.cache;
}

const vclName = (host: string): string => `be_${host.replace(/[^a-z0-9]/g, '_')}`;
