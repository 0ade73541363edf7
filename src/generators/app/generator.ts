/** `yo portal` / `portal`: asks for the answers, builds the model, writes every file of the plan. */
import { chmodSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { defaultAnswers, validateAnswers, type PortalAnswers, type RawAnswers } from '../../answers/answers.js';
import { readAnswersFile } from '../../answers/answers-file.js';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { commitTransactionally, type CommitEnvironment } from '../../io/transactional-commit.js';
import { writePlan } from '../../io/write-plan.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import type { PortalModel } from '../../model/portal-model.js';
import { planFiles } from '../../render/file-plan.js';
import { randomSecrets, seededSecrets } from '../../render/secret-source.js';
import { nextSteps } from './next-steps.js';
import { answersFromOptions, QUESTIONS } from './questions.js';

type AppOptions = BaseOptions & { yes?: boolean; secretSeed?: string } & Record<string, unknown>;

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private answers!: PortalAnswers;
  private model!: PortalModel;

  constructor(args: string[], options: AppOptions) {
    // the generated repo installs nothing on the host: no package manager step; and every file lands, or none
    let self!: AppGenerator;
    super(args, options, { customInstallTask: true, customCommitTask: () => commitTransactionally(self.env as unknown as CommitEnvironment) });
    self = this;
    this.option('yes', { type: Boolean, description: 'Take the default (or stored) answer for everything not given', default: false });
    for (const question of QUESTIONS) this.option(question.option, { type: question.type, description: question.description });
    this.option('answers', { type: String, description: 'JSON file of answers (or a .yo-rc.json); options given on the command line win' });
    this.option('secret-seed', { type: String, description: 'Tests only: derive secrets from this seed (insecure)', hide: true });
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
  }

  async prompting(): Promise<void> {
    const given = answersFromOptions(this.options);
    const file = typeof this.options.answers === 'string' ? PortalInputError.guard(() => readAnswersFile(this.options.answers as string)) : {};
    const stored = this.config.getAll() as RawAnswers & { fileHashes?: unknown };
    const { fileHashes: _hashes, ...storedAnswers } = stored;
    const known: RawAnswers = { ...storedAnswers, ...file, ...given };
    const defaults = defaultAnswers(known, basename(this.destinationRoot()));
    const raw: RawAnswers = { ...defaults, ...known };
    if (!this.options.yes) {
      for (const question of QUESTIONS) {
        if (question.key in given || (question.when && !question.when(raw))) continue;
        // the prompt table is data; inquirer's per-type unions cannot be narrowed from it
        const prompt = { ...question.prompt, name: question.key, default: raw[question.key] } as unknown as Parameters<this['prompt']>[0];
        const answer = await this.prompt<Record<string, unknown>>(prompt);
        (raw as Record<string, unknown>)[question.key] = answer[question.key];
      }
    }
    this.answers = PortalInputError.guard(() => validateAnswers(raw));
  }

  configuring(): void {
    this.model = PortalInputError.guard(() => buildPortalModel(this.answers));
    for (const note of this.model.notes) this.log.info(note);
    this.config.set({ ...this.answers });
  }

  writing(): void {
    const seed = this.options.secretSeed;
    const secrets = typeof seed === 'string' && seed !== '' ? seededSecrets(seed) : randomSecrets;
    const lastHashes = (this.config.get('fileHashes') ?? {}) as Record<string, string>;
    const report = writePlan(this, planFiles(this.model, secrets), `generator-portal ${this.rootGeneratorVersion()}`, lastHashes);
    this.config.set('fileHashes', report.hashes);
  }

  end(): void {
    // mem-fs creates folders with the default mode; the secrets folder must be private
    const secretsFolder = this.destinationPath('secrets');
    if (existsSync(secretsFolder)) chmodSync(secretsFolder, 0o700);
    this.log(nextSteps(this.model, this.destinationRoot()));
  }
}

/**
 * Yeoman logs "An error occured while running portal:app#..." before rethrowing; for a bad answer the
 * PortalInputError line says everything, so only that line reaches the user.
 */
