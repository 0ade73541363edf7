/**
 * `portal verify` / `yo portal:verify`: checks the generated repo in the current folder with the real
 * validators and the hardening checklist, one line per check; fails when any check fails.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { quietOnExplainedErrors } from '../../answers/input-error.js';
import { openRepo } from '../../io/repo-session.js';
import { refuseNonPortal, verifyFolder } from './verify-folder.js';

type VerifyOptions = BaseOptions & { checklistOnly?: boolean; prod?: boolean };

export { VerifyFailed } from './verify-folder.js';

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
    refuseNonPortal(this.destinationRoot());
  }

  async default(): Promise<void> {
    await verifyFolder(this.destinationRoot(), { checklistOnly: this.options.checklistOnly === true, prod: this.options.prod === true });
  }
}
