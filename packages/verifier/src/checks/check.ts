/** The verification contract: each check looks at a generated repo with a real tool and says what it saw. */
export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** Why it failed (the tool's words), or why it was skipped and how to get the tool. */
  readonly detail: string;
}

export interface Check {
  readonly name: string;
  /** False when the repo has nothing for this check (no nginx, no VCL ...). */
  applies(repo: string): boolean;
  run(repo: string): Promise<CheckResult | CheckResult[]>;
}

export const passed = (name: string, detail = ''): CheckResult => ({ name, status: 'passed', detail });
export const failed = (name: string, detail: string): CheckResult => ({ name, status: 'failed', detail: detail.trim() });
export const skipped = (name: string, detail: string): CheckResult => ({ name, status: 'skipped', detail });
