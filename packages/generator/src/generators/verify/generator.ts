/**
 * `portal verify` / `yo portal:verify`: checks the generated repo in the current folder with the real
 * validators and the hardening checklist, one line per check; fails when any check fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { openRepo } from '../../io/repo-session.js';
import { VERIFIER_PACKAGE, type Verifier } from './verifier-contract.js';

type VerifyOptions = BaseOptions & { checklistOnly?: boolean; prod?: boolean };

/** A failed verification: the lines above say what; the exit code says so to scripts and CI. */
export class VerifyFailed extends Error {
  override readonly name = 'VerifyFailed';
}

/** The verifier is a package of its own (its validators' dependencies stay out of the generator's install). */
async function loadVerifier(): Promise<Verifier> {
  try {
    return (await import(VERIFIER_PACKAGE)) as Verifier;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String(error).includes(VERIFIER_PACKAGE)) throw error;
    throw new PortalInputError(`portal verify needs the verifier package: npm install -g ${VERIFIER_PACKAGE} (beside generator-portal), then run it again.`);
  }
}

export default class VerifyGenerator extends Generator<Record<string, unknown>, VerifyOptions> {
  constructor(args: string[], options: VerifyOptions) {
    super(args, options, { customInstallTask: true });
    openRepo(this, `portal verify ${[args].flat().join(' ')}`.trim(), { readOnly: true });
    this.option('checklist-only', { type: Boolean, description: 'Run the hardening checklist only, not the validators', default: false });
    this.option('prod', {
      type: Boolean,
      description: 'Also check the deployment is ready for its server: no .localhost domain or ACME e-mail (as PORTAL_ENV=prod does)',
      default: false,
    });
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
    const root = this.destinationRoot();
    PortalInputError.guard(() => {
      if (!existsSync(join(root, 'docker-compose.yml'))) {
        throw new PortalInputError(
          `Invalid folder "${root}": no docker-compose.yml, so no generated portal to verify; run it in one (or pass --out DIR to portal).`,
        );
      }
    });
  }

  async default(): Promise<void> {
    const verifier = await loadVerifier();
    const prod = this.options.prod === true || process.env.PORTAL_ENV === 'prod';
    const outcome = await verifier.verifyAndReport(this.destinationRoot(), { checklistOnly: this.options.checklistOnly === true, prod });
    if (outcome.failed > 0) {
      PortalInputError.pending = true;
      throw new VerifyFailed(`${outcome.failed} of ${outcome.checks} checks failed`);
    }
  }
}
