/** All checks of a generated repo, run in a fixed order; the caller decides how to print them. */
import { checklistCheck } from '../checklist/index.js';
import type { Check, CheckResult } from '../checks/check.js';
import { composeConfigCheck, composeSchemaCheck, dclintCheck } from './compose-checks.js';
import { composeProfilesCheck } from './profile-checks.js';
import { postgresInitCheck, rabbitmqCheck, redisCheck } from './data-checks.js';
import { cloudNativePgCheck } from './cloudnative-pg-check.js';
import { celeryCheck, dockerfileSyntaxCheck, jsonCheck, nodeCheck, promtoolCheck, pythonCheck, shellcheckCheck, yamllintCheck } from './file-checks.js';
import { liveProxyCheck } from './live/live-proxy-check.js';
import { nginxCheck, varnishCheck } from './proxy-checks.js';
import { helmCheck, kubernetesCheck } from './kubernetes-checks.js';
import { swarmCheck } from './swarm-checks.js';

export const CHECKS: readonly Check[] = [
  composeConfigCheck,
  composeProfilesCheck,
  composeSchemaCheck,
  dclintCheck,
  yamllintCheck,
  shellcheckCheck,
  nginxCheck,
  varnishCheck,
  promtoolCheck,
  dockerfileSyntaxCheck,
  pythonCheck,
  celeryCheck,
  nodeCheck,
  jsonCheck,
  postgresInitCheck,
  cloudNativePgCheck,
  redisCheck,
  rabbitmqCheck,
  liveProxyCheck,
  kubernetesCheck,
  swarmCheck,
  helmCheck,
  checklistCheck,
];

export async function verifyRepo(repo: string, checks: readonly Check[] = CHECKS): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    if (!check.applies(repo)) continue;
    const result = await check.run(repo);
    results.push(...(Array.isArray(result) ? result : [result]));
  }
  return results;
}

export const formatResult = (result: CheckResult): string =>
  `${result.status.padEnd(7)} ${result.name}${result.detail ? `: ${result.detail.split('\n').join('\n        ')}` : ''}`;

export type { Check, CheckResult } from '../checks/check.js';
