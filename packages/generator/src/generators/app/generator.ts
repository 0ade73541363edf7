/**
 * `yo portal` / `portal`: asks for the answers, builds the model, writes every file of the plan. The steps
 * are run-steps.ts, shared with the bin's non-interactive path (cli/fast-app.ts); this wires them to Yeoman.
 */
import Generator, { type BaseOptions } from 'yeoman-generator';
import type { PortalAnswers } from '../../answers/answers.js';
import { quietOnExplainedErrors } from '../../answers/input-error.js';
import { commitTransactionally, type CommitEnvironment } from '../../io/transactional-commit.js';
import type { PortalModel } from '../../model/portal-model.js';
import { PRIVATE_FOLDERS } from '../../render/planned-file.js';
import { openRepo } from '../../io/repo-session.js';
import { APP_OPTIONS } from './app-options.js';
import { askQuestions } from './ask.js';
import { collectAnswers, endRun, MergeConflicts, modelOf, storeAnswers, writeFiles, type AskAnswers, type WrittenPlan } from './run-steps.js';

type AppOptions = BaseOptions & { yes?: boolean; secretSeed?: string; skipGit?: boolean } & Record<string, unknown>;

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private answers!: PortalAnswers;
  private model!: PortalModel;
  /** The answers of the last run, if any: what it generated is the base of three-way merges. */
  private previous: PortalAnswers | undefined;
  /** The plan, the writer's report and the last run's model, for `end`. */
  private written: WrittenPlan | undefined;

  constructor(args: string[], options: AppOptions) {
    // the generated repo installs nothing on the host: no package manager step (said by the composing
    // command when add, remove or instance runs this one: two would make Yeoman log which it chose);
    // and every file lands, or none
    // the commit task is given to super(), before `this` exists: it reaches the generator through `self`
    let self!: AppGenerator; // eslint-disable-line prefer-const
    super(args, options, {
      ...(options.addedBy ? {} : { customInstallTask: true }),
      customCommitTask: () =>
        commitTransactionally(self.env as unknown as CommitEnvironment, {
          dryRun: self.options.dryRun === true,
          force: self.options.force === true,
          root: self.destinationRoot(),
          privateFolders: PRIVATE_FOLDERS,
        }),
    });
    self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    openRepo(this, `portal ${[args].flat().join(' ')}`.trim());
    for (const { name, ...spec } of APP_OPTIONS) this.option(name, spec);
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
  }

  async prompting(): Promise<void> {
    // the prompt table is data; inquirer's per-type unions cannot be narrowed from it
    const ask: AskAnswers = (known, given, folderName) =>
      askQuestions(question => this.prompt(question as unknown as Parameters<this['prompt']>[0]), known, given, folderName);
    const collected = await collectAnswers(this.options, this.config.getAll() as Record<string, unknown>, this.destinationRoot(), ask);
    this.answers = collected.answers;
    this.previous = collected.previous;
  }

  configuring(): void {
    this.model = modelOf(this.destinationRoot(), this.answers);
    for (const note of this.model.notes) this.log.info(note);
    const stored = storeAnswers(this.config.getAll() as Record<string, unknown>, this.answers);
    for (const key of Object.keys(this.config.getAll())) if (!(key in stored)) this.config.delete(key);
    this.config.set(stored);
  }

  writing(): void {
    const lastHashes = (this.config.get('fileHashes') ?? {}) as Record<string, string>;
    this.written = writeFiles(this, this.model, this.previous, this.options, lastHashes, this.rootGeneratorVersion());
    this.config.set('fileHashes', this.written.report.hashes);
  }

  end(): void {
    endRun({
      ...this.written!,
      root: this.destinationRoot(),
      answers: this.answers,
      model: this.model,
      previous: this.previous,
      options: this.options,
      version: this.rootGeneratorVersion(),
      keptEdits: (this.env.adapter as { keptEdits?: readonly string[] }).keptEdits ?? [],
      log: message => this.log(message),
      info: message => this.log.info(message),
    });
  }
}

export { MergeConflicts };
