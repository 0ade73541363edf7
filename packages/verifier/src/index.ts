/**
 * The verifier's entry, loaded by the generator's `portal verify` / `yo portal:verify`: checks the generated
 * repo with the real validators and the hardening checklist, one line per check on stdout.
 */
import type { VerifyOutcome, VerifyRequest, Verifier } from 'generator-portal/generators/verify/verifier-contract.js';
import { checklistCheck } from './checklist/index.js';
import { CHECKS, formatResult, verifyRepo } from './verify/index.js';
import { prodDomainCheck } from './verify/prod-domain-check.js';

export const verifyAndReport: Verifier['verifyAndReport'] = async function verifyAndReport(repo: string, request: VerifyRequest): Promise<VerifyOutcome> {
  const checks = [...(request.checklistOnly ? [checklistCheck] : CHECKS), ...(request.prod ? [prodDomainCheck] : [])];
  const results = await verifyRepo(repo, checks);
  // results go to stdout (Yeoman's log is stderr), so they can be piped and compared
  for (const result of results) process.stdout.write(`${formatResult(result)}\n`);
  const count = (status: string) => results.filter(r => r.status === status).length;
  process.stdout.write(`\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`);
  return { checks: results.length, failed: count('failed') };
};
