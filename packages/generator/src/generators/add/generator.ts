/**
 * `portal add <service>...` / `yo portal:add`: adds services to the answers and re-renders the repo, merging edits.
 * `portal add target <kubernetes|swarm>`: renders the portal for one more deployment target too.
 * `portal add app <id> --image <image:tag> --port <n>`: adds an in-house container from a prebuilt image;
 * on an app that exists (and as `portal app set <id>`), the options given change it and the rest stays.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { SERVICE_IDS, validateAnswers, type PortalAnswers, type ServiceId } from '../../answers/answers.js';
import { serviceChoices } from '../app/questions.js';
import { addedServices, rerunApp, storedAnswers } from '../services-change.js';
import { openRepo } from '../../io/repo-session.js';
import { aliasRecord, settingsRecord } from '../../answers/app-contract.js';
import { mergedDevMounts, validateDevMounts } from '../../answers/dev-mounts.js';
import { routesOf } from '../../answers/app-routes.js';
import { refuseTakenAppHost } from '../../answers/typed-hosts.js';
import type { AppAnswer } from '../../answers/extras.js';
import { addedTargets } from '../../answers/targets.js';

type ChangeOptions = BaseOptions & {
  services?: unknown;
  yes?: boolean;
  dryRun?: boolean;
  secretSeed?: string;
  image?: string;
  port?: string;
  route?: string[];
  websocket?: boolean;
  host?: string;
  bodySize?: string;
  timeout?: string;
  connectTimeout?: string;
  cors?: string[];
  corsCredentials?: boolean;
  private?: string;
  healthPath?: string;
  setting?: string[];
  fileSetting?: string[];
  devSetting?: string[];
  alias?: string[];
  writable?: string[];
  user?: string;
  readWriteRoot?: string;
  capabilities?: string[];
  capabilitiesReason?: string;
  outbound?: boolean;
  health?: string;
  command?: string;
  configFolder?: string;
  devMount?: string[];
  devCommand?: string;
  changeOnly?: boolean;
};

export default class AddGenerator extends Generator<Record<string, unknown>, ChangeOptions> {
  constructor(args: string[], options: ChangeOptions) {
    super(args, options, { customInstallTask: true });
    openRepo(this, `portal add ${[args].flat().join(' ')}`.trim());
    this.argument('services', {
      type: Array,
      required: false,
      description: 'Services to add, e.g. celery grafana; or: app <id>; or: target kubernetes. None named, in a terminal: pick them from a list',
    });
    this.option('yes', { type: Boolean, description: 'Never ask: with no service named, fail instead of offering a list', default: false });
    this.option('image', { type: String, description: 'With app: the prebuilt image, with a pinned tag' });
    this.option('port', { type: String, description: 'With app: the port it listens on inside its container' });
    this.option('route', { type: Array, description: 'With app: public paths sent to it, e.g. /tiles/, or on a sub-domain, api:/ (api.<domain>/)' });
    this.option('websocket', { type: Boolean, description: 'With app and --route: the route carries websockets' });
    this.option('host', { type: String, description: 'With app: the sub-domain its routes answer on, a label (api) or a host under the domain' });
    this.option('body-size', { type: String, description: 'With app: largest request body of its routes, e.g. 100m (default 25m)' });
    this.option('timeout', { type: String, description: 'With app: read and send timeout of its routes, e.g. 300s (default 60s, 1h with --websocket)' });
    this.option('connect-timeout', { type: String, description: 'With app: connect timeout of its routes, at most 75s (default 5s)' });
    this.option('cors', { type: Array, description: 'With app: origins a browser may call its routes from, e.g. https://app.example.org ("*" alone for any)' });
    this.option('cors-credentials', { type: Boolean, description: 'With app and --cors: cookies and Authorization are sent (never with "*")' });
    this.option('private', {
      type: String,
      description: 'With app: PATH=FOLDER, a shared folder nginx serves at PATH only when the app answers X-Accel-Redirect',
    });
    this.option('health-path', { type: String, description: 'With app: path answering 200 when healthy (default /health)' });
    this.option('setting', {
      type: Array,
      description:
        "With app: a variable it reads, NAME=value; templates name stores' fields: DATABASE_URL=postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}, SECRET_KEY={secret}",
    });
    this.option('file-setting', { type: Array, description: 'With app: settings it reads from a file, as NAME_FILE (each exactly one secret)' });
    this.option('dev-setting', { type: Array, description: 'With app: a variable in dev only, NAME=value' });
    this.option('alias', { type: Array, description: 'With app: a host name it dials and the store answering it, e.g. mongo=mongodb' });
    this.option('writable', { type: Array, description: 'With app: a path it writes (in memory) while its root stays read-only' });
    this.option('user', { type: String, description: 'With app: "image" for the image\'s own USER, or a non-root uid[:gid]' });
    this.option('read-write-root', { type: String, description: 'With app: why it needs a writable root filesystem (recorded as a checklist exception)' });
    this.option('capabilities', {
      type: Array,
      description:
        'With app: capabilities a root-started image needs, among CHOWN, DAC_OVERRIDE, NET_BIND_SERVICE, SETGID, SETUID (with --capabilities-reason)',
    });
    this.option('capabilities-reason', {
      type: String,
      description: 'With app and --capabilities: why the image needs them (recorded as a checklist exception)',
    });
    this.option('outbound', { type: Boolean, description: 'With app: it reaches the internet (a data download), through the edge network' });
    this.option('health', { type: String, description: 'With app: http:/path, tcp:<port>, cmd:<command> or none:<reason>' });
    this.option('command', { type: String, description: 'With app: the command to run instead of the image\'s, e.g. "node server.js"' });
    this.option('config-folder', {
      type: String,
      description: 'With app: the path it reads its config folder from; each deployment mounts its own config/<deployment>/ there',
    });
    this.option('dev-mount', {
      type: Array,
      description: 'With app: a folder of the repo mounted in dev only, SOURCE:TARGET[:ro], e.g. ./src/api:/app (repeatable; "none" drops them)',
    });
    this.option('dev-command', {
      type: String,
      description:
        'With app: the command in dev only, e.g. "python manage.py runserver 0.0.0.0:8000" (a server that reloads the mounted source; "none" drops it)',
    });
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
    if (names[0] === 'target') {
      const targets = PortalInputError.guard(() => addedTargets(answers, names.slice(1)));
      await rerunApp(this, answers.services, `portal add target ${names.slice(1).join(' ')}`, this.options, { targets });
      return;
    }
    // nothing named, in a terminal: a pick-list of the services the portal does not have yet
    const picked = names.length === 0 && process.stdin.isTTY && !this.options.yes ? await this._pickServices(answers) : this.options.services;
    const { services, command, already } = addedServices(answers, picked);
    if (already.length > 0) this.log.info(`already chosen: ${already.join(', ')}`);
    await rerunApp(this, services, command, this.options);
  }

  private async _pickServices(answers: PortalAnswers): Promise<ServiceId[]> {
    const missing = SERVICE_IDS.filter(id => !answers.services.includes(id));
    if (missing.length === 0)
      throw new PortalInputError(`Invalid portal add: every service is chosen already (${answers.services.join(', ')}); add an app with portal add app <id>.`);
    const { services } = await this.prompt<{ services: ServiceId[] }>({
      type: 'checkbox',
      name: 'services',
      message: 'Services to add',
      choices: serviceChoices(missing),
      validate: chosen => chosen.length > 0 || 'Choose at least one: space marks a service, enter adds the marked ones (Ctrl+C adds none).',
    });
    return services;
  }

  /** A new app replaces one of the same id (changing its image tag is `portal add app <id>` again). */
  private async _addApp(answers: PortalAnswers, ids: string[]): Promise<void> {
    const apps = PortalInputError.guard(() => {
      if (ids.length !== 1)
        throw new PortalInputError(`Invalid portal add app "${ids.join(' ')}": name one app id, e.g. portal add app pile --image acme/pile:1.2.0 --port 3003.`);
      const existing = (answers.apps ?? []).find(app => app.id === ids[0]);
      if (this.options.changeOnly && !existing) {
        throw new PortalInputError(
          `Invalid portal app set "${ids[0]}": no such app (apps: ${(answers.apps ?? []).map(a => a.id).join(', ') || 'none'}); add it with portal add app ${ids[0]} --image <image:tag> --port <n>.`,
        );
      }
      const given = this._appOptions();
      // on an app that exists, settings and aliases given are added to (or change) its own
      const merged = (key: 'settings' | 'devSettings' | 'aliases', parse: (value: unknown) => Record<string, string> | undefined) =>
        existing?.[key] && given[key] !== undefined ? { [key]: { ...existing[key], ...parse(given[key]) } } : {};
      // a key given replaces the one it excludes: --health a --health-path, --read-write-root the --writable paths
      const routing = this._routeAnswers(existing);
      const replaced = new Set([
        ...(routing ? ['route', 'websocket', 'routes'] : []),
        ...(given.health !== undefined ? ['healthPath'] : []),
        ...(given.healthPath !== undefined ? ['health'] : []),
        ...(given.readWriteRoot !== undefined ? ['writable'] : []),
        ...(given.writable !== undefined ? ['readWriteRoot'] : []),
      ]);
      const kept = Object.fromEntries(Object.entries(existing ?? {}).filter(([key]) => !replaced.has(key)));
      const union = (key: 'fileSettings' | 'writable') =>
        existing?.[key] && Array.isArray(given[key]) ? { [key]: [...new Set([...existing[key]!, ...(given[key] as string[])])] } : {};
      // a dev mount given replaces the one at the same container path; "none" drops them all
      const dropMounts = Array.isArray(given.devMounts) && given.devMounts.length === 1 && given.devMounts[0] === 'none';
      const devMounts = dropMounts
        ? { devMounts: undefined }
        : given.devMounts !== undefined && existing?.devMounts
          ? { devMounts: mergedDevMounts(existing.devMounts, validateDevMounts(given.devMounts, ids[0]!) ?? []) }
          : {};
      // capabilities: "none" drops them; a reason alone or the list alone keeps the other half
      const givenCaps = given.capabilities as { add: string[]; reason: string } | undefined;
      const capabilities = !givenCaps
        ? {}
        : givenCaps.add.length === 1 && givenCaps.add[0]!.toLowerCase() === 'none'
          ? { capabilities: undefined }
          : {
              capabilities: {
                add: givenCaps.add.length > 0 ? givenCaps.add : (existing?.capabilities?.add ?? []),
                reason: givenCaps.reason || (existing?.capabilities?.reason ?? ''),
              },
            };
      const app = {
        ...kept,
        id: ids[0],
        ...given,
        ...capabilities,
        ...devMounts,
        ...(given.devCommand === 'none' ? { devCommand: undefined } : {}),
        ...routing,
        ...union('fileSettings'),
        ...union('writable'),
        ...merged('settings', value => settingsRecord(value, 'setting', ids[0]!)),
        ...merged('devSettings', value => settingsRecord(value, 'dev-setting', ids[0]!)),
        ...merged('aliases', value => aliasRecord(value, ids[0]!)),
      };
      const others = (answers.apps ?? []).filter(other => other.id !== ids[0]);
      // a changed app keeps its place: compose, docs and .yo-rc.json list the apps in their order
      const apps = existing ? (answers.apps ?? []).map(other => (other.id === ids[0] ? app : other)) : [...others, app];
      // a sub-domain typed now that Grafana, Flower or an instance has: the option typed is named
      for (const route of (routing?.routes ?? []) as { host?: unknown }[]) {
        if (route.host !== undefined) refuseTakenAppHost(this.options.host !== undefined ? 'host' : 'route', route.host, ids[0]!, answers);
      }
      // checked here so the error names the option before anything runs
      return validateAnswers({ ...answers, apps }).apps!;
    });
    if ((answers.apps ?? []).some(existing => existing.id === ids[0])) this.log.info(`app ${ids[0]}: changed what was given, kept the rest`);
    const command = `portal add app ${ids[0]}`;
    await rerunApp(this, answers.services, command, this.options, { apps });
  }

  /**
   * The routing keys the options give: a plain --route (and --websocket) keeps the older `route` answer;
   * a sub-domain or any limit gives `routes`, each option applying to every route named. Limits alone
   * change the app's existing routes.
   */
  private _routeAnswers(existing: AppAnswer | undefined): Record<string, unknown> | undefined {
    const o = this.options;
    const paths = o.route === undefined ? undefined : [o.route].flat(2).map(String);
    const cors = o.cors === undefined ? undefined : [o.cors].flat(2).map(String);
    const limits: Record<string, unknown> = Object.fromEntries(
      Object.entries({
        bodySize: o.bodySize,
        timeout: o.timeout,
        connectTimeout: o.connectTimeout,
        private: o.private,
        ...(cors ? { cors: { origins: cors, ...(o.corsCredentials ? { credentials: true } : {}) } } : {}),
      }).filter(([, value]) => value !== undefined),
    );
    if (o.corsCredentials && !cors) throw new PortalInputError('Invalid --cors-credentials: expected it together with --cors <origins>.');
    const named = (paths ?? []).map(text => {
      // "api:/v2/" names a sub-domain; a path alone starts with "/"
      const at = text.startsWith('/') ? -1 : text.indexOf(':');
      return at > 0 ? { host: text.slice(0, at), path: text.slice(at + 1) } : { path: text, ...(o.host !== undefined ? { host: o.host } : {}) };
    });
    const plain = Object.keys(limits).length === 0 && o.host === undefined && named.every(route => route.host === undefined);
    if (paths && plain && named.length === 1) return { route: named[0]!.path, ...(o.websocket ? { websocket: true } : {}) };
    if (!paths && plain && !o.websocket) return undefined;
    const base = paths ? named : routesOf(existing ?? {}).map(route => ({ ...route, ...(o.host !== undefined ? { host: o.host } : {}) }));
    // --websocket alone on an app without a route: the answers' own check names it
    if (base.length === 0 && Object.keys(limits).length === 0 && o.host === undefined) return { websocket: true };
    if (base.length === 0)
      throw new PortalInputError(
        `Invalid --${Object.keys(limits)[0]?.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`) ?? (o.host !== undefined ? 'host' : 'websocket')}: expected it together with --route (the app has no route to apply it to).`,
      );
    return { routes: base.map(route => ({ ...route, ...(o.websocket ? { websocket: true } : {}), ...limits })) };
  }

  /** The app keys given on the command line, in the answers' own names. */
  private _appOptions(): Record<string, unknown> {
    const o = this.options;
    // a list option given twice arrives as a list of lists
    const flat = (value: unknown) => (Array.isArray(value) ? value.flat(2) : value);
    const given: [string, unknown][] = [
      ['image', o.image],
      ['port', o.port],
      ['healthPath', o.healthPath],
      ['settings', flat(o.setting)],
      ['fileSettings', flat(o.fileSetting)],
      ['devSettings', flat(o.devSetting)],
      ['aliases', flat(o.alias)],
      ['writable', flat(o.writable)],
      ['user', o.user],
      ['readWriteRoot', o.readWriteRoot],
      [
        'capabilities',
        o.capabilities === undefined && o.capabilitiesReason === undefined
          ? undefined
          : {
              add: ((flat(o.capabilities) ?? []) as unknown[])
                .flatMap(cap => String(cap).split(','))
                .map(cap => cap.trim())
                .filter(Boolean),
              reason: o.capabilitiesReason ?? '',
            },
      ],
      ['outbound', o.outbound],
      ['health', o.health],
      ['command', o.command],
      ['configFolder', o.configFolder],
      ['devMounts', flat(o.devMount)],
      ['devCommand', o.devCommand],
    ];
    return Object.fromEntries(given.filter(([, value]) => value !== undefined));
  }
}
