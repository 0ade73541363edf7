/**
 * `portal verify --prod` (or PORTAL_ENV=prod): the deployment is ready for its server. A `.localhost` name
 * resolves to this machine only (RFC 6761), so a prod DOMAIN there, or an ACME e-mail under it, means the
 * answers are still the generator's defaults: Let's Encrypt refuses both, and no browser reaches the site.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { envValues } from '../secrets/rotate.js';
import { failed, passed, type Check } from './check.js';

const NAME = 'prod domain';

/** `localhost` itself or a name below it. */
export const isLocalName = (name: string): boolean => /(^|\.)localhost\.?$/i.test(name.trim());

/** Each prod env file (the main one, each instance's) with its DOMAIN, read from .env or else .env.example. */
function prodDomains(repo: string): { file: string; domain: string }[] {
  const instances = existsSync(join(repo, 'instances')) ? readdirSync(join(repo, 'instances')).filter(f => f.endsWith('.env.example')).map(f => `instances/${f.slice(0, -'.example'.length)}`) : [];
  return ['.env', ...instances].flatMap(file => {
    const source = existsSync(join(repo, file)) ? file : `${file}.example`;
    if (!existsSync(join(repo, source))) return [];
    const domain = envValues(readFileSync(join(repo, source), 'utf8')).get('DOMAIN');
    return domain === undefined ? [] : [{ file: source, domain }];
  });
}

/** The ACME e-mails of traefik/traefik.yml's certificate resolvers. */
function acmeEmails(repo: string): string[] {
  const path = join(repo, 'traefik/traefik.yml');
  if (!existsSync(path)) return [];
  const resolvers = (parse(readFileSync(path, 'utf8')) as { certificatesResolvers?: Record<string, { acme?: { email?: unknown } }> } | null)?.certificatesResolvers ?? {};
  return Object.values(resolvers).flatMap(resolver => (typeof resolver?.acme?.email === 'string' ? [resolver.acme.email] : []));
}

function fixOf(file: string): string {
  const instance = /^instances\/([^/]+)\.env/.exec(file)?.[1];
  const env = file.replace(/\.example$/, '');
  return instance
    ? `run portal instance add ${instance} --domain <its domain>, then set DOMAIN in ${env}`
    : `run portal --domain <the server's domain>, then set DOMAIN in ${env}`;
}

export const prodDomainCheck: Check = {
  name: NAME,
  applies: () => true,
  async run(repo) {
    const findings = [
      ...prodDomains(repo).filter(d => isLocalName(d.domain)).map(d => `DOMAIN=${d.domain} in ${d.file} resolves only on this machine: ${fixOf(d.file)}`),
      ...acmeEmails(repo).filter(email => isLocalName(email.split('@').pop() ?? '')).map(email => `the ACME e-mail ${email} in traefik/traefik.yml is not deliverable and Let's Encrypt refuses it: set --acme-email to a real address and run portal again`),
    ];
    return findings.length > 0 ? failed(NAME, findings.join('; ')) : passed(NAME);
  },
};
