/**
 * What the edge tells the apps about the request. Apps build links, redirects and TileJSON from Host and
 * X-Forwarded-*; a cache in front keys on Host alone. So every hop (traefik, nginx, varnish) sets Host,
 * X-Forwarded-Host and X-Forwarded-Proto from the deployment's own values and drops the headers below,
 * which nobody here sets: a client's copy would reach an app that reads it (pg_tileserv prefers
 * `Forwarded`, frameworks honour method and path overrides) and shape an answer shared with everyone.
 */
export const UNTRUSTED_REQUEST_HEADERS: readonly string[] = [
  'Forwarded',
  'X-Forwarded-Port',
  'X-Forwarded-Server',
  'X-Forwarded-Prefix',
  'X-Forwarded-Scheme',
  'X-Forwarded-Ssl',
  'X-Scheme',
  'X-Original-Host',
  'X-Host',
  'X-Original-URL',
  'X-Rewrite-URL',
  'X-HTTP-Method-Override',
  'X-HTTP-Method',
  'X-Method-Override',
];
