/**
 * `portal remove <service>...` / `yo portal:remove`: drops services from the answers and re-renders; files
 * only they needed are deleted when untouched. Their data (volumes, folders) is kept unless --delete-data.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { envValues } from '../../secrets/env-line.js';
import { spawnSync } from 'node:child_process';
import Generator, { type BaseOptions } from 'yeoman-generator';
import type { PortalAnswers } from '../../answers/answers.js';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import { namedServices, rerunApp, storedAnswers } from '../services-change.js';
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
    const removed = namedServices(this.options.services, 'remove', this.answers.services);
    PortalInputError.guard(() => {
      const absent = removed.filter(id => !this.answers.services.includes(id));
      if (absent.length > 0) {
        throw new PortalInputError(`Invalid remove "${absent.join(' ')}": not among the chosen services (${this.answers.services.join(', ') || 'none'}).`);
      }
    });
    const remaining = this.answers.services.filter(id => !removed.includes(id));
    const after = buildPortalModel({ ...this.answers, services: remaining });
    PortalInputError.guard(() => {
      const needed = removed.filter(id => after.services.includes(id));
      if (needed.length > 0) {
        throw new PortalInputError(
          `Invalid remove "${needed.join(' ')}": ${after.notes.filter(n => needed.some(id => n.startsWith(`added ${id}:`))).join('; ')}; remove what needs it too.`,
        );
      }
    });
    const before = new Set(buildPortalModel(this.answers).storage.map(s => s.name));
    this.dropped = [...before].filter(name => !after.storage.some(s => s.name === name));
    // kept data stays usable: the secrets that open it stay in .env and secrets/ unless the data goes too
    await rerunApp(this, remaining, `portal remove ${removed.join(' ')}`, {
      ...this.options,
      keepSecrets: this.dropped.length > 0 && !this.options.deleteData,
    });
  }

  end(): void {
    if (this.dropped.length === 0 || this.options.dryRun) return;
    const bind = this.answers.storage === 'bind';
    // every deployment's copy, where its env file says (a renamed portal keeps its project name there)
    const fromEnv = (file: string, fallback: { root: string | undefined; project: string }) => {
      const path = this.destinationPath(file);
      const values = existsSync(path) ? envValues(readFileSync(path, 'utf8')) : new Map<string, string>();
      return { root: values.get('DATA_ROOT') || fallback.root, project: values.get('COMPOSE_PROJECT_NAME') || fallback.project };
    };
    const deployments = [
      fromEnv('.env', { root: this.answers.dataRoot, project: this.answers.name }),
      ...(this.answers.instances ?? []).map(i =>
        fromEnv(`instances/${i.name}.env`, { root: `${this.answers.dataRoot}/instances/${i.name}`, project: `${this.answers.name}-${i.name}` }),
      ),
    ];
    const names = deployments.flatMap(d => this.dropped.map(name => (bind ? `${d.root}/${name}` : `${d.project}_${name}`)));
    if (!this.options.deleteData) {
      this.log(
        `kept the data of the removed services (${bind ? 'folders' : 'volumes'}): ${names.join(', ')}, and the secrets that open it; pass --delete-data to delete them`,
      );
      return;
    }
    for (const name of names) {
      if (bind) rmSync(name, { recursive: true, force: true });
      else if (spawnSync('docker', ['volume', 'rm', name], { stdio: 'ignore' }).status !== 0) {
        this.log(`could not delete volume ${name} (no Docker engine here, or in use): docker volume rm ${name}`);
        continue;
      }
      this.log(`deleted ${name}`);
    }
  }
}
