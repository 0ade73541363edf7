/**
 * What `portal verify` does, with or without Yeoman: refuse a folder that holds no portal, run the checks,
 * print one line each and the counts, and fail when a check failed. The `portal` bin calls it directly (no
 * Yeoman environment to load for a command that asks nothing); `yo portal:verify` through its generator.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PortalInputError } from '../../answers/input-error.js';
import { checklistCheck } from '../../checklist/index.js';
import { CHECKS, formatResult, verifyRepo } from '../../verify/index.js';
import { prodDomainCheck } from '../../verify/prod-domain-check.js';

export interface VerifyRequest {
  readonly checklistOnly: boolean;
  /** Also the deployment's readiness for its server (`--prod`, or PORTAL_ENV=prod). */
  readonly prod: boolean;
}

/** A failed verification: the lines above say what; the exit code says so to scripts and CI. */
export class VerifyFailed extends Error {
  override readonly name = 'VerifyFailed';
}

export function refuseNonPortal(root: string): void {
  PortalInputError.guard(() => {
    if (!existsSync(join(root, 'docker-compose.yml'))) {
      throw new PortalInputError(
        `Invalid folder "${root}": no docker-compose.yml, so no generated portal to verify; run it in one (or pass --out DIR to portal).`,
      );
    }
  });
}

export async function verifyFolder(root: string, request: VerifyRequest): Promise<void> {
  const prod = request.prod || process.env.PORTAL_ENV === 'prod';
  const checks = [...(request.checklistOnly ? [checklistCheck] : CHECKS), ...(prod ? [prodDomainCheck] : [])];
  const results = await verifyRepo(root, checks);
  // results go to stdout (Yeoman's log is stderr), so they can be piped and compared
  for (const result of results) process.stdout.write(`${formatResult(result)}\n`);
  const count = (status: string) => results.filter(r => r.status === status).length;
  process.stdout.write(`\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`);
  if (count('failed') > 0) {
    PortalInputError.pending = true;
    throw new VerifyFailed(`${count('failed')} of ${results.length} checks failed`);
  }
}
