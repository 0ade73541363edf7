/**
 * `portal verify` / `yo portal:verify`: checks the generated repo in the current folder with the real
 * validators and the hardening checklist, one line per check; fails when any check fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { checklistCheck } from '../../checklist/index.js';
import { CHECKS, formatResult, verifyRepo } from '../../verify/index.js';
import { prodDomainCheck } from '../../verify/prod-domain-check.js';
import { openRepo } from '../../io/repo-session.js';

type VerifyOptions = BaseOptions & { checklistOnly?: boolean; prod?: boolean };

/** A failed verification: the lines above say what; the exit code says so to scripts and CI. */
export class VerifyFailed extends Error {
  override readonly name = 'VerifyFailed';
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
    const prod = this.options.prod === true || process.env.PORTAL_ENV === 'prod';
    const checks = [...(this.options.checklistOnly ? [checklistCheck] : CHECKS), ...(prod ? [prodDomainCheck] : [])];
    const results = await verifyRepo(this.destinationRoot(), checks);
    // results go to stdout (Yeoman's log is stderr), so they can be piped and compared
    for (const result of results) process.stdout.write(`${formatResult(result)}\n`);
    const count = (status: string) => results.filter(r => r.status === status).length;
    process.stdout.write(`\n${count('passed')} passed, ${count('failed')} failed, ${count('skipped')} skipped\n`);
    if (count('failed') > 0) {
      PortalInputError.pending = true;
      throw new VerifyFailed(`${count('failed')} of ${results.length} checks failed`);
    }
  }
}
