/** The hardening checklist: every rule, run on a generated repo, one result per rule. */
import { checkContext, failed, passed, skipped, type Check, type CheckContext, type CheckResult } from '../checks/check.js';
import { ComposeToolMissing, mergedCompose, RepoView } from './repo-view.js';
import { COMPOSE_FILE_RULES } from './rules/compose-files.js';
import { COMPOSE_RULES } from './rules/compose.js';
import { DATA_RULES } from './rules/data.js';
import { DOCKERFILE_RULES } from './rules/dockerfile.js';
import { MONITORING_RULES } from './rules/monitoring.js';
import { NGINX_RULES } from './rules/nginx.js';
import { SCRIPT_RULES } from './rules/scripts.js';
import { SECRET_RULES } from './rules/secrets.js';
import { TRAEFIK_RULES } from './rules/traefik.js';
import { VARNISH_RULES } from './rules/varnish.js';
import type { Rule } from './types.js';

export const RULES: readonly Rule[] = [
  ...COMPOSE_RULES,
  ...COMPOSE_FILE_RULES,
  ...DOCKERFILE_RULES,
  ...NGINX_RULES,
  ...VARNISH_RULES,
  ...TRAEFIK_RULES,
  ...MONITORING_RULES,
  ...DATA_RULES,
  ...SCRIPT_RULES,
  ...SECRET_RULES,
];

export async function runRule(rule: Rule, repo: RepoView): Promise<CheckResult> {
  const name = `${rule.id} ${rule.title}`;
  try {
    const findings = await rule.findings(repo);
    return findings.length === 0 ? passed(name) : failed(name, findings.join('\n'));
  } catch (error) {
    if (error instanceof ComposeToolMissing) return skipped(name, `${error.message}; install: apt-get install docker-compose`);
    return failed(name, `could not check: ${(error as Error).message}`);
  }
}

/** Results of the rules that apply to the repo, in checklist order. */
export async function runChecklist(root: string, rules: readonly Rule[] = RULES, context: CheckContext = checkContext()): Promise<CheckResult[]> {
  const repo = new RepoView(root, mergedCompose(context.compose));
  const results: CheckResult[] = [];
  for (const rule of rules.filter(r => r.applies(repo))) results.push(await runRule(rule, repo));
  return results;
}

/** The checklist as one entry of `portal verify`. */
export const checklistCheck: Check = {
  name: 'checklist',
  applies: () => true,
  run: (repo, context) => runChecklist(repo, RULES, context),
};

export type { Rule } from './types.js';
