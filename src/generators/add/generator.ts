/**
 * `portal add <service>...` / `yo portal:add`: adds services to the answers and re-renders the repo, merging edits.
 * `portal add app <id> --image <image:tag> --port <n>`: adds an in-house container from a prebuilt image;
 * on an app that exists (and as `portal app set <id>`), the options given change it and the rest stays.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { validateAnswers, type PortalAnswers } from '../../answers/answers.js';
import { namedServices, rerunApp, storedAnswers } from '../services-change.js';
import { openRepo } from '../../io/repo-session.js';
import { aliasRecord, settingsRecord } from '../../answers/app-contract.js';

type ChangeOptions = BaseOptions & {
  services?: unknown;
  dryRun?: boolean;
  secretSeed?: string;
  image?: string;
  port?: string;
  route?: string;
  websocket?: boolean;
  healthPath?: string;
  setting?: string[];
  fileSetting?: string[];
  devSetting?: string[];
  alias?: string[];
  writable?: string[];
  user?: string;
  readWriteRoot?: string;
  health?: string;
  command?: string;
  configFolder?: string;
  changeOnly?: boolean;
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
    this.option('setting', { type: Array, description: 'With app: a variable it reads, NAME=value; templates name stores\' fields: DATABASE_URL=postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}, SECRET_KEY={secret}' });
    this.option('file-setting', { type: Array, description: 'With app: settings it reads from a file, as NAME_FILE (each exactly one secret)' });
    this.option('dev-setting', { type: Array, description: 'With app: a variable in dev only, NAME=value' });
    this.option('alias', { type: Array, description: 'With app: a host name it dials and the store answering it, e.g. mongo=mongodb' });
    this.option('writable', { type: Array, description: 'With app: a path it writes (in memory) while its root stays read-only' });
    this.option('user', { type: String, description: 'With app: "image" for the image\'s own USER, or a non-root uid[:gid]' });
    this.option('read-write-root', { type: String, description: 'With app: why it needs a writable root filesystem (recorded as a checklist exception)' });
    this.option('health', { type: String, description: 'With app: http:/path, tcp:<port>, cmd:<command> or none:<reason>' });
    this.option('command', { type: String, description: 'With app: the command to run instead of the image\'s, e.g. "node server.js"' });
    this.option('config-folder', { type: String, description: 'With app: the path it reads its config folder from; each deployment mounts its own config/<deployment>/ there' });
    this.option('change-only', { type: Boolean, hide: true, description: 'portal app set: the app must exist' });
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
    const apps = PortalInputError.guard(() => {
      if (ids.length !== 1) throw new PortalInputError(`Invalid portal add app "${ids.join(' ')}": name one app id, e.g. portal add app pile --image acme/pile:1.2.0 --port 3003.`);
      const existing = (answers.apps ?? []).find(app => app.id === ids[0]);
      if (this.options.changeOnly && !existing) {
        throw new PortalInputError(`Invalid portal app set "${ids[0]}": no such app (apps: ${(answers.apps ?? []).map(a => a.id).join(', ') || 'none'}); add it with portal add app ${ids[0]} --image <image:tag> --port <n>.`);
      }
      const given = this._appOptions();
      // on an app that exists, settings and aliases given are added to (or change) its own
      const merged = (key: 'settings' | 'devSettings' | 'aliases', parse: (value: unknown) => Record<string, string> | undefined) =>
        existing?.[key] && given[key] !== undefined ? { [key]: { ...existing[key], ...parse(given[key]) } } : {};
      // a key given replaces the one it excludes: --health a --health-path, --read-write-root the --writable paths
      const replaced = new Set([
        ...(given.health !== undefined ? ['healthPath'] : []),
        ...(given.healthPath !== undefined ? ['health'] : []),
        ...(given.readWriteRoot !== undefined ? ['writable'] : []),
        ...(given.writable !== undefined ? ['readWriteRoot'] : []),
      ]);
      const kept = Object.fromEntries(Object.entries(existing ?? {}).filter(([key]) => !replaced.has(key)));
      const union = (key: 'fileSettings' | 'writable') =>
        existing?.[key] && Array.isArray(given[key]) ? { [key]: [...new Set([...existing[key]!, ...(given[key] as string[])])] } : {};
      const app = {
        ...kept,
        id: ids[0],
        ...given,
        ...union('fileSettings'),
        ...union('writable'),
        ...merged('settings', value => settingsRecord(value, 'setting', ids[0]!)),
        ...merged('devSettings', value => settingsRecord(value, 'dev-setting', ids[0]!)),
        ...merged('aliases', value => aliasRecord(value, ids[0]!)),
      };
      const others = (answers.apps ?? []).filter(other => other.id !== ids[0]);
      // checked here so the error names the option before anything runs
      return validateAnswers({ ...answers, apps: [...others, app] }).apps!;
    });
    if ((answers.apps ?? []).some(existing => existing.id === ids[0])) this.log.info(`app ${ids[0]}: changed what was given, kept the rest`);
    const command = `portal add app ${ids[0]}`;
    await rerunApp(this, answers.services, command, this.options, { apps });
  }

  /** The app keys given on the command line, in the answers' own names. */
  private _appOptions(): Record<string, unknown> {
    const o = this.options;
    // a list option given twice arrives as a list of lists
    const flat = (value: unknown) => (Array.isArray(value) ? value.flat(2) : value);
    const given: [string, unknown][] = [
      ['image', o.image],
      ['port', o.port],
      ['route', o.route],
      ['websocket', o.websocket ? true : undefined],
      ['healthPath', o.healthPath],
      ['settings', flat(o.setting)],
      ['fileSettings', flat(o.fileSetting)],
      ['devSettings', flat(o.devSetting)],
      ['aliases', flat(o.alias)],
      ['writable', flat(o.writable)],
      ['user', o.user],
      ['readWriteRoot', o.readWriteRoot],
      ['health', o.health],
      ['command', o.command],
      ['configFolder', o.configFolder],
    ];
    return Object.fromEntries(given.filter(([, value]) => value !== undefined));
  }
}
