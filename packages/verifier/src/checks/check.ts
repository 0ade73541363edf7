/** The verification contract: each check looks at a generated repo with a real tool and says what it saw. */
import { ComposeRenders } from './compose-config.js';

export type CheckStatus = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** Why it failed (the tool's words), or why it was skipped and how to get the tool. */
  readonly detail: string;
}

export interface Check {
  readonly name: string;
  /** Boots servers or waits on them for seconds: started before the quick checks, so it does not end last. */
  readonly slow?: boolean;
  /** False when the repo has nothing for this check (no nginx, no VCL ...). */
  applies(repo: string): boolean;
  /** `context` is shared by the checks of one run; a check run alone gets a fresh one. */
  run(repo: string, context?: CheckContext): Promise<CheckResult | CheckResult[]>;
}

/** What the checks of one verify run share, made anew for each run: nothing leaks between runs. */
export interface CheckContext {
  readonly compose: ComposeRenders;
}

export const checkContext = (compose: ComposeRenders = new ComposeRenders()): CheckContext => ({ compose });

export const passed = (name: string, detail = ''): CheckResult => ({ name, status: 'passed', detail });
export const failed = (name: string, detail: string): CheckResult => ({ name, status: 'failed', detail: detail.trim() });
export const skipped = (name: string, detail: string): CheckResult => ({ name, status: 'skipped', detail });
