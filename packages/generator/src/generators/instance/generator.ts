/**
 * `portal instance add <name> --domain <domain>` / `yo portal:instance <name> --domain <domain>`: adds a
 * deployment (staging, one per country ...) with its own env file, secrets, database volume and domain.
 * `portal instance remove <name>` drops its files (edited ones are kept); `portal instance list` prints them.
 */
import { existsSync, readFileSync } from 'node:fs';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { envValues } from '../../secrets/env-line.js';
import { validateAnswers, type PortalAnswers } from '../../answers/answers.js';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { rerunApp, storedAnswers } from '../services-change.js';
import { refuseTakenInstanceDomain } from '../../answers/typed-hosts.js';
import { openRepo } from '../../io/repo-session.js';

type InstanceOptions = BaseOptions & { words?: unknown; domain?: string; dryRun?: boolean; secretSeed?: string; force?: boolean };

const ACTIONS = ['add', 'remove', 'list'] as const;

export default class InstanceGenerator extends Generator<Record<string, unknown>, InstanceOptions> {
  constructor(args: string[], options: InstanceOptions) {
    super(args, options, { customInstallTask: true });
    openRepo(this, `portal instance ${[args].flat().join(' ')}`.trim());
    this.argument('words', { type: Array, required: false, description: '[add|remove|list] <name>' });
    this.option('domain', { type: String, description: 'With add: the domain this instance answers on' });
    this.option('dry-run', { type: Boolean, description: 'Print the changes as a diff and write nothing', default: false });
    this.option('force', { type: Boolean, description: 'Take the new version of edited files that cannot be merged', default: false });
    this.option('secret-seed', { type: String, description: 'Tests only', hide: true });
  }

  async initializing(): Promise<void> {
    quietOnExplainedErrors(this.log);
    const answers = storedAnswers(this);
    const words = Array.isArray(this.options.words) ? this.options.words.map(String) : [];
    const action = (ACTIONS as readonly string[]).includes(words[0] ?? '') ? (words.shift() as (typeof ACTIONS)[number]) : 'add';
    const instances = answers.instances ?? [];
    if (action === 'list') {
      // the result, on stdout (Yeoman logs on stderr): `portal instance list | ...` works
      process.stdout.write([`prod ${answers.domain}`, ...instances.map(i => `${i.name} ${i.domain}`)].join('\n') + '\n');
      return;
    }
    const name = PortalInputError.guard(() => {
      if (words.length !== 1)
        throw new PortalInputError(
          `Invalid portal instance ${action} "${words.join(' ')}": name one instance, e.g. portal instance ${action} staging${action === 'add' ? ' --domain staging.example.org' : ''}.`,
        );
      return words[0]!;
    });
    if (action === 'remove') {
      PortalInputError.guard(() => {
        if (!instances.some(i => i.name === name))
          throw new PortalInputError(`Invalid instance "${name}": the instances of this portal are: ${instances.map(i => i.name).join(', ') || 'none'}.`);
      });
      this.log.info(
        `instance ${name}: its env file, secrets and data are kept; stop it first (PORTAL_INSTANCE=${name} scripts/restart.sh down: afterwards the scripts no longer know it), then delete instances/${name}.env, secrets/${name}/ and its volumes once unused`,
      );
      await rerunApp(this, answers.services, `portal instance remove ${name}`, this.options, { instances: instances.filter(i => i.name !== name) });
      return;
    }
    const changed = PortalInputError.guard(() => this._added(answers, name));
    this._warnKeptEnvFile(
      answers,
      changed.find(i => i.name === name)!,
    );
    await rerunApp(this, answers.services, `portal instance add ${name}`, this.options, { instances: changed });
  }

  /**
   * An instance removed and added again finds the env file it kept, which this run does not rewrite (no
   * record says whether DOMAIN is still as generated): say so when it names another domain.
   */
  private _warnKeptEnvFile(answers: PortalAnswers, instance: { name: string; domain: string }): void {
    if ((answers.instances ?? []).some(i => i.name === instance.name)) return;
    const path = this.destinationPath(`instances/${instance.name}.env`);
    const kept = existsSync(path) ? envValues(readFileSync(path, 'utf8')).get('DOMAIN') : undefined;
    if (kept && kept !== instance.domain) {
      this.log.info(`instances/${instance.name}.env, kept from before, says DOMAIN=${kept}: set DOMAIN=${instance.domain} there if the instance moved`);
    }
  }

  /** The instance list with this one added, or changed to the new domain. */
  private _added(answers: PortalAnswers, name: string): NonNullable<PortalAnswers['instances']> {
    const domain = this.options.domain;
    if (typeof domain !== 'string' || domain === '')
      throw new PortalInputError(`Invalid --domain "": instance "${name}" needs the domain it answers on, e.g. --domain ${name}.example.org.`);
    refuseTakenInstanceDomain(domain, name, answers);
    const others = (answers.instances ?? []).filter(i => i.name !== name);
    return validateAnswers({ ...answers, instances: [...others, { name, domain }] }).instances!;
  }
}
