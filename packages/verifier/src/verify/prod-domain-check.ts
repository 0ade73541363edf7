/**
 * `portal verify --prod` (or PORTAL_ENV=prod): the deployment is ready for its server. A `.localhost` name
 * resolves to this machine only (RFC 6761), so a prod DOMAIN there, or an ACME e-mail under it, means the
 * answers are still the generator's defaults: Let's Encrypt refuses both, and no browser reaches the site.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isLocalName } from 'generator-portal/answers/local-name.js';
import { parseEnvFile } from 'generator-portal/import/interpolate.js';
import { failed, passed, type Check } from '../checks/check.js';

const NAME = 'prod domain';

/** Each prod env file (the main one, each instance's) with its DOMAIN, read from .env or else .env.example as compose reads it (quotes, `export`, comments). */
function prodDomains(repo: string): { file: string; domain: string }[] {
  const instances = existsSync(join(repo, 'instances'))
    ? readdirSync(join(repo, 'instances'))
        .filter(f => f.endsWith('.env.example'))
        .map(f => `instances/${f.slice(0, -'.example'.length)}`)
    : [];
  return ['.env', ...instances].flatMap(file => {
    const source = existsSync(join(repo, file)) ? file : `${file}.example`;
    if (!existsSync(join(repo, source))) return [];
    const domain = parseEnvFile(readFileSync(join(repo, source), 'utf8'), source).get('DOMAIN');
    return domain === undefined ? [] : [{ file: source, domain }];
  });
}

/** The ACME e-mails of traefik/traefik.yml's certificate resolvers. */
function acmeEmails(repo: string): string[] {
  const path = join(repo, 'traefik/traefik.yml');
  if (!existsSync(path)) return [];
  const resolvers =
    (parse(readFileSync(path, 'utf8')) as { certificatesResolvers?: Record<string, { acme?: { email?: unknown } }> } | null)?.certificatesResolvers ?? {};
  return Object.values(resolvers).flatMap(resolver => (typeof resolver?.acme?.email === 'string' ? [resolver.acme.email] : []));
}

/** The domains the stored answers give: the main one under '', each instance's under its name. */
function answeredDomains(repo: string): Map<string, string> {
  const path = join(repo, '.yo-rc.json');
  const answers = existsSync(path)
    ? (JSON.parse(readFileSync(path, 'utf8')) as { 'generator-portal'?: { domain?: string; instances?: { name: string; domain: string }[] } })[
        'generator-portal'
      ]
    : undefined;
  return new Map([...(answers?.domain ? [['', answers.domain] as const] : []), ...(answers?.instances ?? []).map(i => [i.name, i.domain] as const)]);
}

/** The answers rewrite DOMAIN in an env file left as generated; one set by hand is the user's to change. */
function fixOf(file: string, answered: Map<string, string>): string {
  const instance = /^instances\/([^/]+)\.env/.exec(file)?.[1] ?? '';
  const domain = answered.get(instance);
  if (domain && !isLocalName(domain)) return `set DOMAIN=${domain} there, as the answers say`;
  return instance ? `run portal instance add ${instance} --domain <its domain>` : "run portal --domain <the server's domain>";
}

export const prodDomainCheck: Check = {
  name: NAME,
  applies: () => true,
  async run(repo) {
    const answered = answeredDomains(repo);
    const findings = [
      ...prodDomains(repo)
        .filter(d => isLocalName(d.domain))
        .map(d => `DOMAIN=${d.domain} in ${d.file} resolves only on this machine: ${fixOf(d.file, answered)}`),
      ...acmeEmails(repo)
        .filter(email => isLocalName(email.split('@').pop() ?? ''))
        .map(
          email =>
            `the ACME e-mail ${email} in traefik/traefik.yml is not deliverable and Let's Encrypt refuses it: set --acme-email to a real address and run portal again`,
        ),
    ];
    return findings.length > 0 ? failed(NAME, findings.join('; ')) : passed(NAME);
  },
};
