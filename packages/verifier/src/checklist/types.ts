/** The checklist contract: each rule reads a generated repo and lists what breaks it. */
import type { RepoView } from './repo-view.js';

export type RuleGroup = 'compose' | 'dockerfile' | 'nginx' | 'varnish' | 'traefik' | 'monitoring' | 'data' | 'scripts' | 'secrets';

export interface Rule {
  /** The id in the design checklist, e.g. CMP-03. */
  readonly id: string;
  readonly group: RuleGroup;
  readonly title: string;
  /** False when the repo has nothing the rule looks at (no nginx, no traefik ...). */
  applies(repo: RepoView): boolean;
  /** One sentence per breach, naming the file or service. */
  findings(repo: RepoView): Promise<string[]> | string[];
}

export const defineRule = (rule: Rule): Rule => rule;
