/**
 * The public edge of one deployment: an Ingress for the domain and every routed sub-domain, all sent to the
 * front (nginx, varnish or the backend), which routes by path as in compose; and the same as a Gateway API
 * HTTPRoute for clusters with a Gateway. TLS ends at the controller, with a certificate in `TLS_SECRET`.
 */
import type { Ingress } from 'kubernetes-types/networking/v1.js';
import type { PortalModel } from '../../model/portal-model.js';

/** The certificate Secret the Ingress names: made by cert-manager or `kubectl create secret tls` (docs). */
export const TLS_SECRET = 'portal-tls';
/** The Gateway an HTTPRoute attaches to, in the namespace the cluster's operator gave it. */
export const GATEWAY = { name: 'portal-gateway', namespace: 'gateway' } as const;

/** gateway.networking.k8s.io/v1 HTTPRoute, the fields we write (kubernetes-types has no Gateway API). */
export interface HttpRoute {
  readonly apiVersion: 'gateway.networking.k8s.io/v1';
  readonly kind: 'HTTPRoute';
  readonly metadata: { readonly name: string; readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly parentRefs: readonly { readonly name: string; readonly namespace: string }[];
    readonly hostnames: readonly string[];
    readonly rules: readonly {
      readonly matches: readonly { readonly path: { readonly type: 'PathPrefix'; readonly value: string } }[];
      readonly backendRefs: readonly { readonly name: string; readonly port: number }[];
    }[];
  };
}

export function hostsOf(model: PortalModel, domain: string): string[] {
  const labels = [...new Set(model.routes.flatMap(route => (route.host ? [route.host] : [])))].sort();
  return [domain, ...labels.map(label => `${label}.${domain}`)];
}

export function ingressOf(model: PortalModel, domain: string): Ingress {
  const hosts = hostsOf(model, domain);
  const backend = { service: { name: model.front.name, port: { number: model.front.port } } };
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'portal' },
    spec: {
      tls: [{ hosts, secretName: TLS_SECRET }],
      rules: hosts.map(host => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } })),
    },
  };
}

export function httpRouteOf(model: PortalModel, domain: string): HttpRoute {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'portal' },
    spec: {
      parentRefs: [GATEWAY],
      hostnames: hostsOf(model, domain),
      rules: [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }], backendRefs: [{ name: model.front.name, port: model.front.port }] }],
    },
  };
}
