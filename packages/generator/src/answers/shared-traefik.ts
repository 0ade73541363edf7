/**
 * A shared Traefik outside the stack (one per server, several stacks behind it): the stack joins its
 * network and its entry carries the labels that route the domain to it. Only the names are checked here.
 */
import type { ServiceId } from './answers.js';
import { fail } from './extras.js';

export interface SharedTraefikAnswers {
  /** External Docker network the shared Traefik watches, e.g. traefik-proxy_proxy_network. */
  readonly traefikNetwork?: string;
  /** Its HTTPS entry point. */
  readonly traefikEntrypoint?: string;
  /** Its certificate resolver. */
  readonly traefikCertResolver?: string;
}

/** Docker network names: what `docker network create` accepts. */
const NETWORK = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,127}$/;
/** Traefik entry point and resolver names, as they appear in its static configuration and in labels. */
const TRAEFIK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const DEFAULT_ENTRYPOINT = 'websecure';
export const DEFAULT_CERT_RESOLVER = 'letsEncrypt';

export function validateSharedTraefik(raw: Record<string, unknown>, services: readonly ServiceId[]): SharedTraefikAnswers {
  const given = (value: unknown): boolean => value !== undefined && value !== '';
  // "none" turns off a shared Traefik a preset chose (Docker's own "none" network is no Traefik's)
  if (!given(raw.traefikNetwork) || raw.traefikNetwork === 'none') {
    for (const [key, option] of [
      ['traefikEntrypoint', 'traefik-entrypoint'],
      ['traefikCertResolver', 'traefik-cert-resolver'],
    ] as const) {
      if (given(raw[key]) && raw.traefikNetwork !== 'none')
        fail(option, raw[key], 'it only with --traefik-network (the shared Traefik this stack runs behind)');
    }
    return {};
  }
  const network = text(raw.traefikNetwork, 'traefik-network');
  if (!NETWORK.test(network))
    fail('traefik-network', network, 'the name of the shared Traefik\'s Docker network: letters, digits, "_", "." and "-", e.g. "traefik-proxy_proxy_network"');
  if (network === 'edge' || network === 'internal' || network === 'default')
    fail('traefik-network', network, `a network of the shared Traefik, not "${network}", a network of this stack`);
  if (services.includes('traefik'))
    fail('traefik-network', network, 'it without the traefik service: the stack runs behind a shared Traefik or its own, not both');
  if (!services.includes('varnish') && !services.includes('nginx'))
    fail('traefik-network', network, 'it with varnish or nginx, the entry the shared Traefik routes to');
  const entrypoint = given(raw.traefikEntrypoint) ? text(raw.traefikEntrypoint, 'traefik-entrypoint') : DEFAULT_ENTRYPOINT;
  if (!TRAEFIK_NAME.test(entrypoint))
    fail('traefik-entrypoint', entrypoint, 'an entry point name of the shared Traefik: letters, digits, "_" and "-", e.g. "websecure"');
  const resolver = given(raw.traefikCertResolver) ? text(raw.traefikCertResolver, 'traefik-cert-resolver') : DEFAULT_CERT_RESOLVER;
  if (!TRAEFIK_NAME.test(resolver))
    fail('traefik-cert-resolver', resolver, 'a certificate resolver name of the shared Traefik: letters, digits, "_" and "-", e.g. "letsEncrypt"');
  return { traefikNetwork: network, traefikEntrypoint: entrypoint, traefikCertResolver: resolver };
}

function text(value: unknown, option: string): string {
  if (typeof value !== 'string') fail(option, value, 'a text value');
  return value.trim();
}
