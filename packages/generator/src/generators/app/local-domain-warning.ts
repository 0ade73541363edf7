/** The warning a run gives when the prod deployment it writes still has a `.localhost` name (the default). */
import type { PortalAnswers } from '../../answers/answers.js';
import { isLocalName } from '../../answers/local-name.js';

export function localDomainWarning(answers: PortalAnswers): string | undefined {
  const domain = isLocalName(answers.domain) ? answers.domain : undefined;
  const email = answers.acmeEmail && isLocalName(answers.acmeEmail.split('@').pop() ?? '') ? answers.acmeEmail : undefined;
  const instances = (answers.instances ?? []).filter(i => isLocalName(i.domain)).map(i => i.name);
  if (!domain && !email && instances.length === 0) return undefined;
  const what = [
    ...(domain ? [`the prod domain ${domain}`] : []),
    ...(email ? [`the ACME e-mail ${email}`] : []),
    ...instances.map(name => `instance ${name}'s domain`),
  ].join(', ');
  const fix = [...(domain ? ["--domain <the server's domain>"] : []), ...(email ? ['--acme-email <your address>'] : [])].join(' and ');
  return `warning: ${what} ${what.includes(',') ? 'are' : 'is'} under .localhost, which resolves only on this machine: ${fix ? `pass ${fix}` : `move ${instances.length > 1 ? 'each' : 'it'} to a real domain (portal instance add ${instances[0]} --domain <its domain>)`} before deploying (portal verify --prod fails until then)`;
}
