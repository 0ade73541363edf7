/**
 * `portal add <service>...` / `yo portal:add`: adds services to the answers and re-renders the repo, merging edits.
 * `portal add app <id> --image <image:tag> --port <n>`: adds an in-house container from a prebuilt image.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { validateAnswers, type PortalAnswers } from '../../answers/answers.js';
import { namedServices, rerunApp, storedAnswers } from '../services-change.js';
import { openRepo } from '../../io/repo-session.js';

type ChangeOptions = BaseOptions & {
  services?: unknown;
  dryRun?: boolean;
  secretSeed?: string;
  image?: string;
  port?: string;
  route?: string;
  websocket?: boolean;
  healthPath?: string;
};

export default class AddGenerator extends Generator<Record<string, unknown>, ChangeOptions> {
  constructor(args: string[], options: ChangeOptions) {
    super(args, options);
    openRepo(this, `portal add ${[args].flat().join(' ')}`.trim());
    this.argument('services', { type: Array, required: false, description: 'Services to add, e.g. celery grafana; or: app <id>' });
    this.option('image', { type: String, description: 'With app: the prebuilt image, with a pinned tag' });
    this.option('port', { type: String, description: 'With app: the port it listens on inside its container' });
    this.option('route', { type: String, description: 'With app: public path sent to it, e.g. /tiles/' });
    this.option('websocket', { type: Boolean, description: 'With app and --route: the route carries websockets' });
    this.option('health-path', { type: String, description: 'With app: path answering 200 when healthy (default /health)' });
    this.option('dry-run', { type: Boolean, description: 'Print the changes as a diff and write nothing', default: false });
    this.option('secret-seed', { type: String, description: 'Tests only', hide: true });
  }

  async initializing(): Promise<void> {
    quietOnExplainedErrors(this.log);
    const answers = storedAnswers(this);
    const names = Array.isArray(this.options.services) ? this.options.services.map(String) : [];
    if (names[0] === 'app') {
      await this._addApp(answers, names.slice(1));
      return;
    }
    const added = namedServices(this.options.services, 'add');
    const already = added.filter(id => answers.services.includes(id));
    if (already.length > 0) this.log.info(`already chosen: ${already.join(', ')}`);
    await rerunApp(this, [...answers.services, ...added.filter(id => !already.includes(id))], `portal add ${added.join(' ')}`, this.options);
  }

  /** A new app replaces one of the same id (changing its image tag is `portal add app <id>` again). */
  private async _addApp(answers: PortalAnswers, ids: string[]): Promise<void> {
    const { image, port, route, websocket, healthPath } = this.options;
    const apps = PortalInputError.guard(() => {
      if (ids.length !== 1) throw new PortalInputError(`Invalid portal add app "${ids.join(' ')}": name one app id, e.g. portal add app pile --image acme/pile:1.2.0 --port 3003.`);
      const app = { id: ids[0], image, port, ...(route ? { route } : {}), ...(websocket ? { websocket: true } : {}), ...(healthPath ? { healthPath } : {}) };
      const others = (answers.apps ?? []).filter(existing => existing.id !== ids[0]);
      // checked here so the error names the option before anything runs
      return validateAnswers({ ...answers, apps: [...others, app] }).apps!;
    });
    if ((answers.apps ?? []).some(existing => existing.id === ids[0])) this.log.info(`app ${ids[0]}: replaced with the new settings`);
    const command = `portal add app ${ids[0]}`;
    await rerunApp(this, answers.services, command, this.options, { apps });
  }
}
