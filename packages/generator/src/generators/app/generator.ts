/** `yo portal` / `portal`: asks for the answers, builds the model, writes every file of the plan. */
import { basename } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { checkGivenAnswersApply, defaultAnswers, PRESET_IDS, validateAnswers, type PortalAnswers, type RawAnswers } from '../../answers/answers.js';
import { presetAnswers, presetName } from '../../presets/index.js';
import { readAnswersFile } from '../../answers/answers-file.js';
import { migrateStoredAnswers } from '../../answers/migrate.js';
import { checkStorable } from '../../answers/schema.js';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { commitTransactionally, type CommitEnvironment } from '../../io/transactional-commit.js';
import { writePlan, type WriteReport } from '../../io/write-plan.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import type { PortalModel } from '../../model/portal-model.js';
import { planFiles, type PlannedFile } from '../../render/file-plan.js';
import { PRIVATE_FOLDERS } from '../../render/planned-file.js';
import { openRepo } from '../../io/repo-session.js';
import { firstCommit } from '../../io/first-commit.js';
import { realRoot, resolvedInRepo } from '../../io/repo-paths.js';
import { checkDevMountSourcesOnDisk } from '../../io/dev-mount-sources.js';
import { checkServedRepoFolder } from '../../answers/extras.js';
import { quoted } from '../../answers/quoted.js';
import { randomSecrets, seededSecrets } from '../../render/secret-source.js';
import { nextSteps } from './next-steps.js';
import { localDomainWarning } from './local-domain-warning.js';
import { answersFromOptions, QUESTIONS } from './questions.js';
import { askQuestions, refuseBadGivenAnswers } from './ask.js';

type AppOptions = BaseOptions & { yes?: boolean; secretSeed?: string; skipGit?: boolean } & Record<string, unknown>;

export default class AppGenerator extends Generator<Record<string, unknown>, AppOptions> {
  private answers!: PortalAnswers;
  private model!: PortalModel;
  /** The answers of the last run, if any: what it generated is the base of three-way merges. */
  private previous: PortalAnswers | undefined;
  private report: WriteReport | undefined;
  private plan: readonly PlannedFile[] = [];
  /** The model of the last run's answers: the base of merges, and what "Next" compares against. */
  private lastModel: PortalModel | undefined;

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
    this.option('yes', { type: Boolean, description: 'Take the default (or stored) answer for everything not given', default: false });
    for (const question of QUESTIONS) this.option(question.option, { type: question.type, description: question.description });
    this.option('preset', { type: String, description: `Start from a known deployment: ${PRESET_IDS.join(' | ')}; other options override it` });
    this.option('image-tag', { type: String, description: 'With a preset that runs in-house images: their pinned release tag' });
    this.option('answers', { type: String, description: 'JSON file of answers (or a .yo-rc.json); options given on the command line win' });
    this.option('force', { type: Boolean, description: 'Take the new version of edited files that cannot be merged', default: false });
    this.option('dry-run', { type: Boolean, description: 'Print the changes as a diff and write nothing', default: false });
    this.option('skip-git', { type: Boolean, description: 'Do not make a git repository with a first commit of a new portal', default: false });
    this.option('keep-secrets', { type: Boolean, description: 'Keep the .env lines and secret files of removed services', hide: true });
    this.option('added-by', { type: String, description: 'Command named in .env for the variables it adds', hide: true });
    this.option('secret-seed', { type: String, description: 'Tests only: derive secrets from this seed (insecure)', hide: true });
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
  }

  async prompting(): Promise<void> {
    const override = this.options.answersOverride;
    const given = { ...answersFromOptions(this.options), ...(override && typeof override === 'object' ? (override as RawAnswers) : {}) };
    const file = typeof this.options.answers === 'string' ? PortalInputError.guard(() => readAnswersFile(this.options.answers as string)) : {};
    const { fileHashes: storedHashes, ...stored } = this.config.getAll() as Record<string, unknown>;
    const storedAnswers = PortalInputError.guard(() => migrateStoredAnswers(stored));
    // answers with no file generated from them yet (portal import writes only .yo-rc.json): a new portal
    const generatedBefore = typeof storedHashes === 'object' && storedHashes !== null && Object.keys(storedHashes).length > 0;
    this.previous = generatedBefore ? previousAnswers(storedAnswers) : undefined;
    const preset = this._presetAnswers(storedAnswers, file, given);
    const known: RawAnswers = { ...storedAnswers, ...preset, ...file, ...given };
    const folderName = basename(this.destinationRoot());
    let raw: RawAnswers = { ...defaultAnswers(known, folderName), ...known };
    // with nobody to ask, a bad value given is the error to report, not the first question
    if (!this.options.yes && !process.stdin.isTTY) PortalInputError.guard(() => validateAnswers(raw));
    if (!this.options.yes) {
      if (process.stdin.isTTY) refuseBadGivenAnswers(raw, given);
      // the prompt table is data; inquirer's per-type unions cannot be narrowed from it
      raw = await askQuestions(question => this.prompt(question as unknown as Parameters<this['prompt']>[0]), known, given, folderName);
    }
    this.answers = PortalInputError.guard(() => {
      const answers = validateAnswers(raw);
      checkGivenAnswersApply({ ...file, ...given }, answers);
      checkStorable(answers);
      return answers;
    });
  }

  /**
   * `--preset` (or "preset" in an --answers file) starts a portal: its answers sit below those given in a
   * file or on the command line. A repo that has answers already keeps every one of them; the same preset
   * with --image-tag only moves its in-house images to that tag (routes, ports and the rest stay).
   */
  private _presetAnswers(stored: RawAnswers, file: RawAnswers, given: RawAnswers): RawAnswers {
    const id = this.options.preset ?? file.preset;
    const imageTag = typeof this.options.imageTag === 'string' && this.options.imageTag !== '' ? this.options.imageTag : undefined;
    return PortalInputError.guard(() => {
      if (id === undefined || id === '') {
        if (imageTag)
          throw new PortalInputError(`Invalid --image-tag "${imageTag}": expected it only with --preset (for the presets that run in-house images).`);
        return {};
      }
      const preset = validateAnswers({ ...defaultAnswers({}, 'portal'), preset: id }).preset!;
      const name = given.name ?? file.name ?? presetName(preset);
      const domain = String(given.domain ?? file.domain ?? `${String(name)}.localhost`).toLowerCase();
      if (stored.name === undefined) return presetAnswers(preset, { domain, ...(imageTag ? { imageTag } : {}) });
      if (stored.preset !== preset) {
        throw new PortalInputError(
          `Invalid --preset "${preset}": this portal ${stored.preset ? `was generated with preset ${String(stored.preset)}` : 'has answers of its own'}; a preset starts a new portal (run it in an empty folder), and portal add / remove / instance change this one.`,
        );
      }
      return imageTag ? retagged(stored, presetAnswers(preset, { domain, imageTag })) : {};
    });
  }

  configuring(): void {
    PortalInputError.guard(() => checkServedFoldersOnDisk(this.destinationRoot(), this.answers));
    PortalInputError.guard(() => checkDevMountSourcesOnDisk(this.destinationRoot(), this.answers));
    this.model = PortalInputError.guard(() => buildPortalModel(this.answers));
    for (const note of this.model.notes) this.log.info(note);
    // answers that no longer apply (acmeEmail without traefik) go, so add then remove restores the file
    for (const key of Object.keys(this.config.getAll())) {
      if (key !== 'fileHashes' && !(key in this.answers)) this.config.delete(key);
    }
    this.config.set({ ...this.answers });
  }

  writing(): void {
    const seed = this.options.secretSeed;
    const secrets = typeof seed === 'string' && seed !== '' ? seededSecrets(seed) : randomSecrets;
    const lastHashes = (this.config.get('fileHashes') ?? {}) as Record<string, string>;
    // secrets never reach managed files, so any source renders the base
    this.lastModel = this.previous ? buildPortalModel(this.previous) : undefined;
    const lastPlan = this.lastModel ? planFiles(this.lastModel, seededSecrets('base')) : [];
    const command = typeof this.options.addedBy === 'string' ? this.options.addedBy : 'portal';
    this.plan = planFiles(this.model, secrets);
    this.report = PortalInputError.guard(() =>
      writePlan(this, this.plan, {
        addedBy: `\`${command}\` (generator-portal ${this.rootGeneratorVersion()})`,
        lastHashes,
        lastPlan,
        keepSecrets: this.options.keepSecrets === true,
      }),
    );
    this.config.set('fileHashes', this.report.hashes);
  }

  end(): void {
    if (this.options.dryRun) return;
    const report = this.report!;
    const lines = [
      ...report.merged.map(path => `merged your edits with the new version: ${path}`),
      ...report.removed.map(path => `removed (no longer generated): ${path}`),
      ...report.orphansKept.map(path => `no longer generated, kept because you edited it: ${path}`),
      ...report.deletedKept.map(path => `deleted by you, not written again: ${path}`),
    ];
    if (lines.length > 0) this.log(lines.join('\n'));
    // conflicts (exit 4) and edits kept without a terminal (exit 3) are the news: no first commit of a
    // half-finished repo, and no "Wrote ... Next" as if all went well
    const kept = (this.env.adapter as { keptEdits?: readonly string[] }).keptEdits ?? [];
    const finished = report.conflicts.length === 0 && kept.length === 0;
    // a new portal only: later runs leave the user's history alone
    if (finished && !this.previous && this.options.skipGit !== true) this._firstCommit(report);
    // a run that wrote nothing (the service was there, a plain re-run) has no steps to take
    const unchanged = this.previous !== undefined && report.changed.length + report.removed.length === 0;
    const done = unchanged
      ? `No change: the ${this.model.answers.name} deployment repo in ${this.destinationRoot()} is already as these answers make it.`
      : nextSteps(this.model, this.destinationRoot(), this.lastModel);
    if (finished) this.log(done);
    // after the files are written, so that a refused run still says one line only
    const warning = localDomainWarning(this.answers);
    if (warning) process.stderr.write(`portal: ${warning}\n`);
    if (report.conflicts.length > 0) {
      PortalInputError.pending = true;
      throw new MergeConflicts(
        `your edits and the generator changed the same lines; resolve the <<<<<<< ======= >>>>>>> markers in: ${report.conflicts.join(', ')}`,
      );
    }
  }

  private _firstCommit(report: WriteReport): void {
    const secret = new Set(this.plan.filter(file => file.ownership === 'secret').map(file => file.path));
    const result = firstCommit(this.destinationRoot(), `Generated by generator-portal ${this.rootGeneratorVersion()}`, {
      paths: report.written.filter(path => !secret.has(path)),
      ignoreFiles: this.plan.filter(file => file.path === '.gitignore' || file.path.endsWith('/.gitignore')),
    });
    if (result.done) {
      const already =
        result.leftUntracked === 0
          ? ''
          : `; ${result.leftUntracked} ${result.leftUntracked === 1 ? 'file that was' : 'files that were'} already here ${result.leftUntracked === 1 ? 'is' : 'are'} not committed`;
      this.log(`git: a new repository with a first commit of ${result.files} files by ${result.author}; .env and secrets/ stay out (.gitignore)${already}`);
    } else if (!result.quiet) this.log.info(`git: ${result.why}`);
  }
}

/** Conflicts were written as markers: the run finished, but the user has work to do, and the exit code says so. */
export class MergeConflicts extends Error {
  override readonly name = 'MergeConflicts';
}

/** The stored backend image and apps with the preset's in-house images at its new tag; nothing else changes. */
function retagged(stored: RawAnswers, preset: RawAnswers): RawAnswers {
  const repository = (image: unknown) => String(image).replace(/:[^:/]+$/, '');
  const fresh = new Map<string, string>();
  for (const image of [preset.backendImage, ...(Array.isArray(preset.apps) ? preset.apps.map(app => (app as { image: string }).image) : [])]) {
    if (typeof image === 'string') fresh.set(repository(image), image);
  }
  const apps = Array.isArray(stored.apps)
    ? (stored.apps as Record<string, unknown>[]).map(app => ({ ...app, image: fresh.get(repository(app.image)) ?? app.image }))
    : undefined;
  return {
    ...(typeof stored.backendImage === 'string' ? { backendImage: fresh.get(repository(stored.backendImage)) ?? stored.backendImage } : {}),
    ...(apps ? { apps } : {}),
  };
}

/** The stored answers when they are valid; otherwise there is nothing trustworthy to merge against. */
function previousAnswers(stored: RawAnswers): PortalAnswers | undefined {
  if (stored.name === undefined) return undefined;
  try {
    return validateAnswers(stored);
  } catch {
    return undefined;
  }
}

/** A served folder that is a link must land where a folder given by name could: never the repo, secrets or .git. */
function checkServedFoldersOnDisk(root: string, answers: PortalAnswers): void {
  const real = realRoot(root);
  for (const folder of answers.folders ?? []) {
    if (folder.repo === undefined) continue;
    const resolved = resolvedInRepo(real, folder.repo, '--folders');
    if (resolved === folder.repo) continue;
    if (resolved === '')
      throw new PortalInputError(
        `Invalid --folders ${quoted(folder.repo)}: it is a link to the repository itself; nginx would serve .yo-rc.json and .env. Serve a sub-folder instead.`,
      );
    try {
      checkServedRepoFolder(resolved);
    } catch {
      throw new PortalInputError(
        `Invalid --folders ${quoted(folder.repo)}: it is a link to ${quoted(resolved)}, which nginx must not serve (secrets, env files, git); serve a folder of its own.`,
      );
    }
  }
}
