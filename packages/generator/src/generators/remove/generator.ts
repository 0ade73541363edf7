/**
 * `portal remove <service>...` / `yo portal:remove`: drops services from the answers and re-renders; files
 * only they needed are deleted when untouched. Their data (volumes, folders) is kept unless --delete-data.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import type { PortalAnswers } from '../../answers/answers.js';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { removedServices, rerunApp, storedAnswers } from '../services-change.js';
import { settleRemovedData } from './removed-data.js';
import { openRepo } from '../../io/repo-session.js';
import { removedTargets } from '../../answers/targets.js';

type ChangeOptions = BaseOptions & { services?: unknown; dryRun?: boolean; deleteData?: boolean; secretSeed?: string };

export default class RemoveGenerator extends Generator<Record<string, unknown>, ChangeOptions> {
  private dropped: string[] = [];
  private answers!: PortalAnswers;

  constructor(args: string[], options: ChangeOptions) {
    super(args, options, { customInstallTask: true });
    openRepo(this, `portal remove ${[args].flat().join(' ')}`.trim());
    this.argument('services', { type: Array, required: false, description: 'Services to remove, e.g. varnish; or: app <id>; or: target kubernetes' });
    this.option('dry-run', { type: Boolean, description: 'Print the changes as a diff and write nothing', default: false });
    this.option('delete-data', { type: Boolean, description: 'Also delete the volumes or data folders only those services used', default: false });
    this.option('secret-seed', { type: String, description: 'Tests only', hide: true });
  }

  async initializing(): Promise<void> {
    quietOnExplainedErrors(this.log);
    this.answers = storedAnswers(this);
    const names = Array.isArray(this.options.services) ? this.options.services.map(String) : [];
    if (names[0] === 'app') {
      const ids = names.slice(1);
      const known = (this.answers.apps ?? []).map(app => app.id);
      PortalInputError.guard(() => {
        const unknown = ids.length === 0 ? ['(none named)'] : ids.filter(id => !known.includes(id));
        if (unknown.length > 0)
          throw new PortalInputError(`Invalid remove app "${unknown.join(' ')}": the apps of this portal are: ${known.join(', ') || 'none'}.`);
      });
      const apps = (this.answers.apps ?? []).filter(app => !ids.includes(app.id));
      await rerunApp(this, this.answers.services, `portal remove app ${ids.join(' ')}`, this.options, { apps });
      return;
    }
    if (names[0] === 'target') {
      const targets = PortalInputError.guard(() => removedTargets(this.answers, names.slice(1)));
      await rerunApp(this, this.answers.services, `portal remove target ${names.slice(1).join(' ')}`, this.options, { targets });
      return;
    }
    const { services, command, droppedStorage } = removedServices(this.answers, this.options.services);
    this.dropped = droppedStorage;
    // kept data stays usable: the secrets that open it stay in .env and secrets/ unless the data goes too
    await rerunApp(this, services, command, { ...this.options, keepSecrets: this.dropped.length > 0 && !this.options.deleteData });
  }

  end(): void {
    if (this.options.dryRun) return;
    settleRemovedData(this.destinationRoot(), this.answers, this.dropped, this.options.deleteData === true, message => this.log(message));
  }
}
