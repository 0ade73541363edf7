/** `portal add <service>...` / `yo portal:add`: adds services to the answers and re-renders the repo, merging edits. */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { quietOnExplainedErrors } from '../../answers/input-error.js';
import { namedServices, rerunApp, storedAnswers } from '../services-change.js';

type ChangeOptions = BaseOptions & { services?: unknown; dryRun?: boolean; secretSeed?: string };

export default class AddGenerator extends Generator<Record<string, unknown>, ChangeOptions> {
  constructor(args: string[], options: ChangeOptions) {
    super(args, options);
    this.argument('services', { type: Array, required: false, description: 'Services to add, e.g. celery grafana' });
    this.option('dry-run', { type: Boolean, description: 'Print the changes as a diff and write nothing', default: false });
    this.option('secret-seed', { type: String, description: 'Tests only', hide: true });
  }

  async initializing(): Promise<void> {
    quietOnExplainedErrors(this.log);
    const answers = storedAnswers(this);
    const added = namedServices(this.options.services, 'add');
    const already = added.filter(id => answers.services.includes(id));
    if (already.length > 0) this.log.info(`already chosen: ${already.join(', ')}`);
    await rerunApp(this, [...answers.services, ...added.filter(id => !already.includes(id))], `portal add ${added.join(' ')}`, this.options);
  }
}
