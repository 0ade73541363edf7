/** nginx hardening (NGX-*), on nginx.conf with includes expanded, once per site file (dev, prod). */
import type { RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';
import { blocks, httpBlock, isTlsServer, loadNginx, own, publicServers, sitesOf, type Directive } from './nginx-config.js';

/** Mozilla server-side TLS 6.0, "intermediate". */
export const MOZILLA_INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
];
const HSTS_MIN_AGE = 63072000;

const hasNginx = (repo: RepoView) => repo.exists('nginx/nginx.conf');

/** Runs `check` on the expanded tree of each site; messages name the site. */
const perSite = (check: (tree: Directive[], site: string) => string[]) => (repo: RepoView) =>
  sitesOf(repo).flatMap(site => check(loadNginx(repo, site), site).map(message => `${site}: ${message}`));

const ngxRule = (id: string, title: string, check: (tree: Directive[], site: string) => string[]): Rule =>
  defineRule({ id, group: 'nginx', title, applies: hasNginx, findings: perSite(check) });

const value = (block: Directive | readonly Directive[], name: string): string | undefined => own(block, name).at(-1)?.args.join(' ');
const seconds = (text: string | undefined): number => {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(text ?? '');
  if (!match) return Number.NaN;
  return Number(match[1]) * ({ ms: 0.001, s: 1, m: 60, h: 3600 }[match[2] ?? 's'] ?? 1);
};
/** The HTTP-01 challenge location: files from a folder (certbot's webroot), no proxying, nothing else. */
const servesAcmeChallenge = (location: Directive): boolean =>
  location.args.join(' ') === '^~ /.well-known/acme-challenge/' &&
  own(location, 'root').length === 1 &&
  (location.children ?? []).every(d => ['root', 'default_type', 'try_files'].includes(d.name));

const headersOf = (block: Directive): Map<string, string> => new Map(own(block, 'add_header').map(d => [d.args[0]!.toLowerCase(), d.args.slice(1).join(' ')]));

/** The headers every answer must carry (OWASP secure headers). */
function missingSecurityHeaders(headers: Map<string, string>): string[] {
  const missing: string[] = [];
  if (headers.get('x-content-type-options') !== 'nosniff always') missing.push('X-Content-Type-Options nosniff');
  const frame = headers.get('x-frame-options') ?? '';
  const csp = headers.get('content-security-policy') ?? '';
  if (!/^(DENY|SAMEORIGIN) always$/.test(frame) && !/frame-ancestors/.test(csp)) missing.push('X-Frame-Options');
  if (!headers.has('referrer-policy')) missing.push('Referrer-Policy');
  if (!csp) missing.push('Content-Security-Policy');
  const xss = headers.get('x-xss-protection');
  if (xss !== undefined && !xss.startsWith('0')) missing.push('X-XSS-Protection other than 0');
  return missing;
}

/** Forwarding headers a client could send, which no proxied location may pass on (an empty value is not sent). */
const CLEARED = ['forwarded', 'x-forwarded-port', 'x-original-url', 'x-rewrite-url', 'x-http-method-override'];
/** Variables whose value a client writes. */
const CLIENT_WRITTEN = /\$(http_\w+|proxy_add_x_forwarded_for)/;

/**
 * What each proxied location tells the app: Host and X-Forwarded-Host from the site (in prod and instances
 * exactly the server_name), the scheme and address nginx itself knows, and no override a client sent.
 */
function forwardingFindings(server: Directive, site: string): string[] {
  const variables = new Map(own(server, 'set').map(d => [d.args[0] ?? '', d.args[1] ?? '']));
  const resolve = (text: string) => text.replace(/\$\w+/g, name => variables.get(name) ?? name);
  const serverName = value(server, 'server_name') ?? '';
  return blocks(server.children ?? [], 'location')
    .filter(l => own(l, 'proxy_pass').length > 0)
    .flatMap(location => {
      const headers = new Map(own(location, 'proxy_set_header').map(d => [d.args[0]!.toLowerCase(), resolve(d.args.slice(1).join(' '))]));
      const where = `server ${serverName} location ${location.args.join(' ')}`;
      const findings: string[] = [];
      for (const name of ['host', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-for', 'x-real-ip']) {
        const sent = headers.get(name);
        if (sent === undefined) findings.push(`${where}: does not set ${name}`);
        else if (CLIENT_WRITTEN.test(sent)) findings.push(`${where}: ${name} from ${sent}, which the client writes`);
      }
      // every site but dev's is a public deployment: apps there see its one name
      if (!site.endsWith('/dev.conf')) {
        for (const name of ['host', 'x-forwarded-host']) {
          if (headers.has(name) && headers.get(name) !== serverName)
            findings.push(`${where}: ${name} is ${headers.get(name)}, not the server_name ${serverName}`);
        }
      }
      const passed = CLEARED.filter(name => headers.get(name) !== '');
      if (passed.length > 0) findings.push(`${where}: passes a client's ${passed.join(', ')} on`);
      return findings;
    });
}

export const NGINX_RULES: readonly Rule[] = [
  ngxRule('NGX-02', 'server_tokens off', tree => (value(httpBlock(tree) ?? tree, 'server_tokens') === 'off' ? [] : ['server_tokens is not off'])),
  ngxRule('NGX-03', 'TLS 1.2 and 1.3 only', tree =>
    publicServers(tree)
      .filter(isTlsServer)
      .filter(s => own(s, 'ssl_certificate').length > 0)
      .filter(s => value(s, 'ssl_protocols') !== 'TLSv1.2 TLSv1.3' && value(s, 'ssl_protocols') !== 'TLSv1.3')
      .map(s => `server ${value(s, 'server_name')}: ssl_protocols ${value(s, 'ssl_protocols') ?? 'unset'}`),
  ),
  ngxRule('NGX-04', 'Mozilla intermediate ciphers, client preference', tree =>
    publicServers(tree)
      .filter(isTlsServer)
      .filter(s => own(s, 'ssl_certificate').length > 0)
      .flatMap(s => {
        const ciphers = (value(s, 'ssl_ciphers') ?? '').split(':').filter(Boolean);
        return [
          ...(ciphers.length === 0 || ciphers.some(c => !MOZILLA_INTERMEDIATE_CIPHERS.includes(c))
            ? [`server ${value(s, 'server_name')}: ssl_ciphers ${ciphers.join(':') || 'unset'}`]
            : []),
          ...(value(s, 'ssl_prefer_server_ciphers') === 'off' ? [] : [`server ${value(s, 'server_name')}: ssl_prefer_server_ciphers is not off`]),
        ];
      }),
  ),
  ngxRule('NGX-05', 'HSTS for two years with includeSubDomains, always', tree =>
    publicServers(tree)
      .filter(isTlsServer)
      .filter(s => own(s, 'ssl_certificate').length > 0)
      .flatMap(s => {
        const hsts = headersOf(s).get('strict-transport-security') ?? '';
        const age = Number(/max-age=(\d+)/.exec(hsts)?.[1] ?? 0);
        return age >= HSTS_MIN_AGE && /includeSubDomains/.test(hsts) && /always$/.test(hsts) ? [] : [`server ${value(s, 'server_name')}: HSTS "${hsts}"`];
      }),
  ),
  ngxRule('NGX-06', 'plain HTTP only redirects to HTTPS where nginx terminates TLS (and serves the ACME challenge files)', tree => {
    const servers = publicServers(tree);
    if (!servers.some(s => isTlsServer(s) && own(s, 'ssl_certificate').length > 0)) return [];
    const redirects = (block: Directive) => /^301 https:\/\/\$host\$request_uri$/.test(value(block, 'return') ?? '');
    return servers
      .filter(s => !isTlsServer(s) && !own(s, 'listen').some(l => l.args.includes('default_server')))
      .filter(s => {
        const locations = blocks(s.children ?? [], 'location').filter(l => !servesAcmeChallenge(l));
        return !(redirects(s) || (locations.length > 0 && locations.every(redirects)));
      })
      .map(s => `server ${value(s, 'server_name')} on plain HTTP does not only redirect to https`);
  }),
  ngxRule('NGX-07', 'security headers on every public server that answers', tree =>
    publicServers(tree)
      .filter(s => own(s, 'return').length === 0 && blocks(s.children ?? [], 'location').some(l => own(l, 'return').length === 0))
      .flatMap(s => {
        const missing = missingSecurityHeaders(headersOf(s));
        return missing.length > 0 ? [`server ${value(s, 'server_name')}: lacks ${missing.join(', ')}`] : [];
      }),
  ),
  ngxRule('NGX-08', 'a location with its own add_header repeats the security headers', tree =>
    blocks(tree, 'location')
      .filter(l => own(l, 'add_header').length > 0)
      .flatMap(l => {
        const missing = missingSecurityHeaders(headersOf(l));
        return missing.length > 0 ? [`location ${l.args.join(' ')}: own add_header drops ${missing.join(', ')}`] : [];
      }),
  ),
  ngxRule('NGX-09', 'in prod, unknown Host names get no answer (default_server 444); dev answers any name on 127.0.0.1', (tree, site) => {
    // every site but dev's is a public deployment (prod and each instance)
    if (site.endsWith('/dev.conf')) return [];
    const ports = new Set(publicServers(tree).flatMap(s => own(s, 'listen').map(l => l.args[0]!)));
    return [...ports]
      .filter(port => {
        const fallback = publicServers(tree).find(s => own(s, 'listen').some(l => l.args[0] === port && l.args.includes('default_server')));
        return !fallback || !(value(fallback, 'return') === '444' || value(fallback, 'ssl_reject_handshake') === 'on');
      })
      .map(port => `port ${port} has no default_server that refuses unknown hosts`);
  }),
  ngxRule('NGX-10', 'keepalive_timeout and send_timeout at most 10 s, not 0', tree => {
    const http = httpBlock(tree) ?? { name: '', args: [] };
    return ['keepalive_timeout', 'send_timeout'].flatMap(name => {
      const s = seconds(value(http, name));
      return s > 0 && s <= 10 ? [] : [`${name} ${value(http, name) ?? 'unset'}`];
    });
  }),
  ngxRule('NGX-11', 'X-Powered-By hidden from upstream answers', tree =>
    own(httpBlock(tree) ?? [], 'proxy_hide_header').some(d => d.args[0]?.toLowerCase() === 'x-powered-by') ? [] : ['no proxy_hide_header X-Powered-By'],
  ),
  ngxRule('NGX-12', 'proxied locations pass Host, X-Real-IP, X-Forwarded-For and X-Forwarded-Proto', tree =>
    blocks(tree, 'location')
      .filter(l => own(l, 'proxy_pass').length > 0)
      .flatMap(l => {
        const set = new Set(own(l, 'proxy_set_header').map(d => d.args[0]!.toLowerCase()));
        const missing = ['host', 'x-real-ip', 'x-forwarded-for', 'x-forwarded-proto'].filter(h => !set.has(h));
        return missing.length > 0 ? [`location ${l.args.join(' ')}: does not set ${missing.join(', ')}`] : [];
      }),
  ),
  ngxRule('NGX-16', 'API locations are rate limited (ours: OWASP API4, unrestricted resource use)', tree =>
    blocks(tree, 'location')
      .filter(l => /\/api\//.test(l.args.join(' ')) && own(l, 'limit_req').length === 0)
      .map(l => `location ${l.args.join(' ')}: no limit_req`),
  ),
  ngxRule(
    'NGX-17',
    "proxied locations send the site's own host and scheme and the address nginx saw, and drop Forwarded and path or method overrides (ours: cache poisoning)",
    (tree, site) => publicServers(tree).flatMap(server => forwardingFindings(server, site)),
  ),
  ngxRule('NGX-13', 'client_max_body_size set', tree => (value(httpBlock(tree) ?? tree, 'client_max_body_size') ? [] : ['client_max_body_size unset'])),
];
