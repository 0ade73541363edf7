/**
 * What `portal verify` does, with or without Yeoman: refuse a folder that holds no portal, load the verifier
 * (a package of its own: its validators' dependencies stay out of the generator's install), run its checks,
 * which print one line each and the counts, and fail when a check failed. The `portal` bin calls it directly
 * (no Yeoman environment to load for a command that asks nothing); `yo portal:verify` through its generator.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PortalInputError } from '../../answers/input-error.js';
import { VERIFIER_PACKAGE, type Verifier, type VerifyRequest } from './verifier-contract.js';

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

async function loadVerifier(): Promise<Verifier> {
  try {
    return (await import(VERIFIER_PACKAGE)) as Verifier;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String(error).includes(VERIFIER_PACKAGE)) throw error;
    throw new PortalInputError(`portal verify needs the verifier package: npm install -g ${VERIFIER_PACKAGE} (beside generator-portal), then run it again.`);
  }
}

export async function verifyFolder(root: string, request: VerifyRequest): Promise<void> {
  const verifier = await loadVerifier();
  const prod = request.prod || process.env.PORTAL_ENV === 'prod';
  const outcome = await verifier.verifyAndReport(root, { checklistOnly: request.checklistOnly, prod });
  if (outcome.failed > 0) {
    PortalInputError.pending = true;
    throw new VerifyFailed(`${outcome.failed} of ${outcome.checks} checks failed`);
  }
}
