/**
 * What `portal verify` asks of the verifier package (@generator-portal/verifier), which implements it: the
 * generator loads it when asked to verify and never imports it otherwise.
 */
export const VERIFIER_PACKAGE = '@generator-portal/verifier';

export interface VerifyRequest {
  readonly checklistOnly: boolean;
  /** Also check the deployment is ready for its server (no .localhost domain or ACME e-mail). */
  readonly prod: boolean;
}

export interface VerifyOutcome {
  readonly checks: number;
  readonly failed: number;
}

export interface Verifier {
  /** Runs the checks on the repo, one line each on stdout, then the counts. */
  verifyAndReport(repo: string, request: VerifyRequest): Promise<VerifyOutcome>;
}
