/** All checks of a generated repo, results in a fixed order; the caller decides how to print them. */
import { availableParallelism } from 'node:os';
import { checklistCheck } from '../checklist/index.js';
import { checkContext, type Check, type CheckContext, type CheckResult } from '../checks/check.js';
import { inParallel } from '../checks/in-parallel.js';
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

/**
 * The checks that apply, as many at once as there are cores (each runs its validators as processes of their
 * own), the slow ones started first; results in the order of `checks`, whichever finished first.
 */
export async function verifyRepo(repo: string, checks: readonly Check[] = CHECKS, context: CheckContext = checkContext()): Promise<CheckResult[]> {
  const applying = checks.filter(check => check.applies(repo));
  const results = await inParallel(
    applying,
    availableParallelism(),
    async check => {
      try {
        return await check.run(repo, context);
      } catch (error) {
        return brokenCheck(check, error);
      }
    },
    check => check.slow === true,
  );
  return results.flat();
}

/**
 * A check that throws (a bug, an unexpected tool output) fails on its own line: the other results are still
 * printed, in their order. Bad input stays the command's error (exit 2).
 */
function brokenCheck(check: Check, error: unknown): CheckResult {
  if (error instanceof Error && error.name === 'PortalInputError') throw error;
  const message = error instanceof Error ? error.message : String(error);
  return { name: check.name, status: 'failed', detail: `the check itself failed: ${message}` };
}

export const formatResult = (result: CheckResult): string =>
  `${result.status.padEnd(7)} ${result.name}${result.detail ? `: ${result.detail.split('\n').join('\n        ')}` : ''}`;

export type { Check, CheckResult } from '../checks/check.js';
