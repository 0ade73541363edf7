/**
 * `portal secrets` / `yo portal:secrets`: fills missing secrets of a generated portal; with `--rotate`,
 * replaces them (all, or `--only` some) and says which containers must be recreated to use them.
 * Values are written to .env (0600) and secrets/ (0700) only, never printed and never stored in .yo-rc.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { applyAll } from '../../io/transactional-commit.js';
import { insideRepo, realRoot } from '../../io/repo-paths.js';
import { openRepo } from '../../io/repo-session.js';
import { PRIVATE_FOLDERS } from '../../render/planned-file.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import type { PortalModel } from '../../model/portal-model.js';
import { randomSecrets, seededSecrets } from '../../render/secret-source.js';
import { storedAnswers } from '../services-change.js';
import { envValues, withEnvValues } from '../../secrets/env-line.js';
import { newValues, secretPlans, selectSecrets, servicesToRecreate } from '../../secrets/rotate.js';

type SecretsOptions = BaseOptions & { rotate?: boolean; only?: string; instance?: string; secretSeed?: string };

/** Where a deployment keeps its secrets: .env and secrets/, or an instance's own env file and folder. */
interface SecretHome {
  readonly env: string;
  readonly example: string;
  readonly folder: string;
  /** How apply-secrets.sh is pointed at it. */
  readonly select: string;
}

export default class SecretsGenerator extends Generator<Record<string, unknown>, SecretsOptions> {
  private model!: PortalModel;
  private home!: SecretHome;

  constructor(args: string[], options: SecretsOptions) {
    super(args, options, { customInstallTask: true });
    openRepo(this, `portal secrets ${[args].flat().join(' ')}`.trim());
    this.option('rotate', { type: Boolean, description: 'Replace the secrets with new random values', default: false });
    this.option('only', { type: String, description: 'Comma-separated secret names (e.g. postgres_password) to fill or rotate' });
    this.option('instance', { type: String, description: 'The deployment instance whose secrets to fill or rotate (default: dev and prod)' });
    this.option('secret-seed', { type: String, description: 'Tests only: derive secrets from this seed (insecure)', hide: true });
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
    const answers = storedAnswers(this);
    this.model = buildPortalModel(answers);
    const instance = this.options.instance;
    this.home = PortalInputError.guard(() => {
      if (instance === undefined || instance === '') return { env: '.env', example: '.env.example', folder: 'secrets', select: 'PORTAL_ENV=prod' };
      const names = (answers.instances ?? []).map(i => i.name);
      if (!names.includes(instance))
        throw new PortalInputError(`Invalid --instance "${instance}": the instances of this portal are: ${names.join(', ') || 'none'}.`);
      return {
        env: `instances/${instance}.env`,
        example: `instances/${instance}.env.example`,
        folder: `secrets/${instance}`,
        select: `PORTAL_INSTANCE=${instance}`,
      };
    });
  }

  async writing(): Promise<void> {
    const only = (this.options.only ?? '')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
    const rotating = this.options.rotate === true;
    const selected = PortalInputError.guard(() => {
      let chosen;
      try {
        chosen = selectSecrets(secretPlans(this.model), only);
      } catch (error) {
        throw new PortalInputError((error as Error).message);
      }
      const byHand = chosen.filter(p => p.changedByHand && only.some(o => o === p.name || o === p.env));
      if (rotating && byHand.length > 0) {
        throw new PortalInputError(
          `Invalid --only "${byHand[0]!.name}": the server keeps it in its data, so --rotate cannot change it; ${byHand[0]!.changedByHand}.`,
        );
      }
      return chosen;
    });
    // a password kept inside a database's data is only filled when missing, never rotated here
    const plans = rotating ? selected.filter(p => !p.changedByHand) : selected;
    const leftAlone = rotating ? selected.filter(p => p.changedByHand) : [];
    for (const plan of leftAlone) process.stdout.write(`Not rotated: ${plan.name} (the server keeps it in its data; ${plan.changedByHand}).\n`);
    const home = this.home;
    // nothing is read or written through a link that leaves the repo
    const inRepo = (...parts: string[]) => PortalInputError.guard(() => insideRepo(realRoot(this.destinationRoot()), parts.join('/'), 'the secrets'));
    const envPath = inRepo(home.env);
    const envText = existsSync(envPath) ? readFileSync(envPath, 'utf8') : readFileSync(inRepo(home.example), 'utf8');
    const seed = this.options.secretSeed;
    const source = typeof seed === 'string' && seed !== '' ? seededSecrets(seed) : randomSecrets;
    const rotate = this.options.rotate === true;
    // a value only in secrets/<name> (say .env was lost) is kept, not replaced
    const current = new Map(envValues(envText));
    for (const plan of plans) {
      const file = inRepo(home.folder, plan.name);
      if (!current.get(plan.env) && existsSync(file)) current.set(plan.env, readFileSync(file, 'utf8'));
    }
    const kept = new Map([...current].filter(([env, value]) => value && !envValues(envText).get(env)));
    const values = new Map([...kept, ...newValues(plans, current, source, rotate)]);
    // prod secret files follow .env: the same value in both places
    const files = plans
      .filter(p => values.has(p.env) || !existsSync(inRepo(home.folder, p.name)))
      .map(p => ({
        name: p.name,
        changed: values.has(p.env),
        path: inRepo(home.folder, p.name),
        value: values.get(p.env) ?? envValues(envText).get(p.env) ?? '',
      }))
      .filter(file => file.value !== '');
    PortalInputError.guard(() =>
      applyAll(
        realRoot(this.destinationRoot()),
        [
          ...(values.size > 0 || !existsSync(envPath) ? [{ path: envPath, contents: Buffer.from(withEnvValues(envText, values)), mode: 0o600 }] : []),
          ...files.map(file => ({ path: file.path, contents: Buffer.from(file.value), mode: 0o644 })),
        ],
        { privateFolders: PRIVATE_FOLDERS },
      ),
    );
    const rewritten = files.filter(file => !file.changed).map(file => file.name);
    report(
      home,
      rotate,
      plans.map(p => p.name),
      [...values.keys()],
      servicesToRecreate(plans, values),
      rewritten,
    );
  }
}

/** Yeoman runs every method of a generator as a task: helpers live outside the class. */
function report(
  home: SecretHome,
  rotate: boolean,
  names: readonly string[],
  changed: readonly string[],
  services: readonly string[],
  rewritten: readonly string[],
): void {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  // a secret file lost (say secrets/ was deleted) is written again from .env, with the same value
  if (rewritten.length > 0) out(`Wrote ${home.folder}/ again from ${home.env}: ${rewritten.join(', ')}`);
  if (changed.length === 0) {
    if (rewritten.length > 0) return;
    out(`All ${names.length} secrets are set; nothing changed. Use --rotate to replace them.`);
    return;
  }
  out(`${rotate ? 'New' : 'Filled'} in ${home.env} and ${home.folder}/: ${changed.join(', ')}`);
  if (services.length === 0) return;
  out(`Containers that read them: ${services.join(', ')}`);
  out('Apply to a running stack (sets new passwords inside PostgreSQL, RabbitMQ and Grafana first, then recreates those containers):');
  out(`  ${home.select} scripts/apply-secrets.sh ${services.join(' ')}`);
}
