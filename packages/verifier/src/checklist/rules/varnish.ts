/** Varnish (VCL-*): backend probes and timeouts, PURGE behind an ACL, no caching of private answers. */
import type { RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';

const VCL = 'varnish/default.vcl';
const hasVcl = (repo: RepoView) => repo.exists(VCL);
/** The VCL without comments, so a commented-out line never satisfies a rule. */
const vcl = (repo: RepoView) => repo.read(VCL).replace(/(^|\s)(#|\/\/)[^\n]*/g, '$1');

/** The body of `sub name { ... }` or `backend name { ... }`, braces balanced. */
export function vclBlock(text: string, header: RegExp): string[] {
  const bodies: string[] = [];
  for (const match of text.matchAll(new RegExp(header.source, 'g'))) {
    let depth = 0;
    const start = text.indexOf('{', match.index!);
    for (let i = start; i < text.length; i++) {
      if (text[i] === '{') depth++;
      if (text[i] === '}' && --depth === 0) {
        bodies.push(text.slice(start + 1, i));
        break;
      }
    }
  }
  return bodies;
}

const vclRule = (id: string, title: string, check: (text: string) => string[]): Rule =>
  defineRule({ id, group: 'varnish', title, applies: hasVcl, findings: repo => check(vcl(repo)) });

/** Forwarding headers a client could send, which the VCL must drop before a backend builds an answer from them. */
const DROPPED = ['Forwarded', 'X-Forwarded-Port', 'X-Original-URL', 'X-Rewrite-URL', 'X-HTTP-Method-Override'];

export const VARNISH_RULES: readonly Rule[] = [
  vclRule('VCL-02', 'every backend has a probe, a connect and a first-byte timeout', text =>
    [...text.matchAll(/backend\s+(\w+)\s*\{/g)].flatMap(match => {
      const body = vclBlock(text.slice(match.index), /backend\s+\w+\s*\{/)[0] ?? '';
      const missing = ['.probe', '.connect_timeout', '.first_byte_timeout'].filter(key => !body.includes(key));
      return missing.length > 0 ? [`backend ${match[1]} lacks ${missing.join(', ')}`] : [];
    }),
  ),
  vclRule('VCL-03', 'PURGE and BAN only from an ACL', text => {
    const recv = vclBlock(text, /sub\s+vcl_recv\s*\{/).join('\n');
    return ['PURGE', 'BAN'].flatMap(method => {
      if (!new RegExp(`"${method}"`).test(recv)) return [];
      const guard = new RegExp(`req\\.method == "${method}"[\\s\\S]*?client\\.ip !~ (\\w+)`).exec(recv);
      return guard && new RegExp(`acl\\s+${guard[1]}\\s*\\{`).test(text) ? [] : [`${method} is not restricted by an acl`];
    });
  }),
  vclRule('VCL-04', 'requests with Authorization are never cached; admin paths pass', text => {
    const recv = vclBlock(text, /sub\s+vcl_recv\s*\{/).join('\n');
    const findings: string[] = [];
    // an early return (hash) skips builtin.vcl, which would otherwise pass Authorization and cookies
    const hashing = [...recv.matchAll(/if \(req\.url ~ "([^"]+)"\) \{([\s\S]*?)\n {4}\}/g)].filter(m => /return \(hash\)/.test(m[2]!));
    for (const [, pattern, body] of hashing) {
      if (!/req\.http\.Authorization/.test(body!)) findings.push(`${pattern}: return (hash) without passing Authorization`);
    }
    const admin = /if \(req\.url ~ "\^\/admin\/"\) \{([\s\S]*?)\n {4}\}/.exec(recv);
    if (/\/admin\//.test(text) && admin && !/return \(pass\)/.test(admin[1]!)) findings.push('/admin/ is not passed');
    return findings;
  }),
  vclRule('VCL-05', 'Via and X-Varnish removed from answers', text => {
    const deliver = vclBlock(text, /sub\s+vcl_deliver\s*\{/).join('\n');
    return ['Via', 'X-Varnish'].filter(h => !new RegExp(`unset resp\\.http\\.${h};`).test(deliver)).map(h => `vcl_deliver keeps ${h}`);
  }),
  defineRule({
    id: 'VCL-06',
    group: 'varnish',
    title: 'no management port (-T none, or loopback)',
    applies: repo => hasVcl(repo) && repo.hasCompose,
    async findings(repo) {
      const varnish = (await repo.compose('prod')).services.varnish;
      if (!varnish) return [];
      const command = ((varnish.command as string[]) ?? []).join(' ');
      const admin = /-T\s+(\S+)/.exec(command)?.[1];
      return admin === 'none' || admin?.startsWith('127.0.0.1:') || admin?.startsWith('localhost:')
        ? []
        : [`varnishd -T ${admin ?? '(default: listens on all interfaces)'}`];
    },
  }),
  defineRule({
    id: 'VCL-07',
    group: 'varnish',
    title:
      'backends get the prod domain as Host (other names refused) and X-Forwarded-Host equal to the hashed Host, no client Forwarded or overrides; answers with Location are never cached (ours: cache poisoning)',
    applies: hasVcl,
    async findings(repo) {
      const text = vcl(repo);
      const backendResponse = vclBlock(text, /sub\s+vcl_backend_response\s*\{/).join('\n');
      const findings = [
        ...(/set req\.http\.Host = std\.getenv\("PUBLIC_HOST"\);/.test(text) ? [] : ['Host is not set from PUBLIC_HOST']),
        ...(/return \(synth\(421/.test(text) ? [] : ['no host name is refused (421)']),
        ...(/set req\.http\.X-Forwarded-Host = req\.http\.Host;/.test(text) ? [] : ['X-Forwarded-Host is not the Host the cache keys on']),
        ...DROPPED.filter(header => !new RegExp(`unset req\\.http\\.${header};`, 'i').test(text)).map(header => `a client's ${header} reaches the backends`),
        ...(/if \([^)]*beresp\.http\.Location[^{]*\{[^}]*beresp\.uncacheable = true;/.test(backendResponse)
          ? []
          : ['answers with a Location header can be cached']),
      ];
      if (!repo.hasCompose) return findings;
      const environment = ((await repo.compose('prod')).services.varnish?.environment ?? {}) as Record<string, unknown>;
      return String(environment.PUBLIC_HOST ?? '') ? findings : [...findings, 'varnish has no PUBLIC_HOST in prod: it would answer any host name'];
    },
  }),
];
