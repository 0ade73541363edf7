/**
 * The steps of `portal` / `yo portal` as plain functions, so the Yeoman generator (generator.ts) and the
 * bin's non-interactive path (cli/fast-app.ts) run the same code: answers -> model -> plan -> the writer ->
 * what the user reads at the end. Nothing here loads Yeoman.
 */
import { basename } from 'node:path';
import { checkGivenAnswersApply, defaultAnswers, validateAnswers, type PortalAnswers, type RawAnswers } from '../../answers/answers.js';
import { presetAnswers, presetName } from '../../presets/index.js';
import { readAnswersFile } from '../../answers/answers-file.js';
import { migrateStoredAnswers } from '../../answers/migrate.js';
import { checkStorable } from '../../answers/schema.js';
import { PortalInputError } from '../../answers/input-error.js';
import { writePlan, type PlanTarget, type WriteReport } from '../../io/write-plan.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import type { PortalModel } from '../../model/portal-model.js';
import { planFiles, type PlannedFile } from '../../render/file-plan.js';
import { firstCommit } from '../../io/first-commit.js';
import { realRoot, resolvedInRepo } from '../../io/repo-paths.js';
import { checkDevMountSourcesOnDisk } from '../../io/dev-mount-sources.js';
import { checkServedRepoFolder } from '../../answers/extras.js';
import { quoted } from '../../answers/quoted.js';
import { randomSecrets, seededSecrets } from '../../render/secret-source.js';
import { nextSteps } from './next-steps.js';
import { localDomainWarning } from './local-domain-warning.js';
import { answersFromOptions } from './questions.js';
import { refuseBadGivenAnswers } from './ask.js';

/** The app generator's options, as Yeoman or the bin's own parser gives them (camelCase keys). */
export type AppRunOptions = {
  yes?: boolean;
  secretSeed?: string;
  skipGit?: boolean;
  force?: boolean;
  dryRun?: boolean;
  preset?: unknown;
  imageTag?: unknown;
  answers?: unknown;
  keepSecrets?: boolean;
  addedBy?: unknown;
  answersOverride?: unknown;
} & Record<string, unknown>;

/** Asks the questions in a terminal (Yeoman's prompt): only the interactive path has one. */
export type AskAnswers = (known: RawAnswers, given: RawAnswers, folderName: string) => Promise<RawAnswers>;

export interface CollectedAnswers {
  readonly answers: PortalAnswers;
  /** The answers of the last run, if any: what it generated is the base of three-way merges. */
  readonly previous: PortalAnswers | undefined;
}

/**
 * Answers by precedence: options, --answers FILE, the preset, `.yo-rc.json`, defaults; asked in a terminal
 * unless --yes. `stored` is the generator's `.yo-rc.json` section (fileHashes included).
 */
export async function collectAnswers(options: AppRunOptions, stored: Record<string, unknown>, root: string, ask?: AskAnswers): Promise<CollectedAnswers> {
  const override = options.answersOverride;
  const given = { ...answersFromOptions(options), ...(override && typeof override === 'object' ? (override as RawAnswers) : {}) };
  const file = typeof options.answers === 'string' ? PortalInputError.guard(() => readAnswersFile(options.answers as string)) : {};
  const { fileHashes: storedHashes, ...storedRest } = stored;
  const storedAnswers = PortalInputError.guard(() => migrateStoredAnswers(storedRest));
  // answers with no file generated from them yet (portal import writes only .yo-rc.json): a new portal
  const generatedBefore = typeof storedHashes === 'object' && storedHashes !== null && Object.keys(storedHashes).length > 0;
  const previous = generatedBefore ? previousAnswers(storedAnswers) : undefined;
  const preset = presetLayer(options, storedAnswers, file, given);
  const known: RawAnswers = { ...storedAnswers, ...preset, ...file, ...given };
  const folderName = basename(root);
  let raw: RawAnswers = { ...defaultAnswers(known, folderName), ...known };
  // with nobody to ask, a bad value given is the error to report, not the first question
  if (!options.yes && !process.stdin.isTTY) PortalInputError.guard(() => validateAnswers(raw));
  if (!options.yes) {
    if (!ask) throw new Error('collectAnswers: questions to ask and no prompt');
    if (process.stdin.isTTY) refuseBadGivenAnswers(raw, given);
    raw = await ask(known, given, folderName);
  }
  const answers = PortalInputError.guard(() => {
    const checked = validateAnswers(raw);
    checkGivenAnswersApply({ ...file, ...given }, checked);
    checkStorable(checked);
    return checked;
  });
  return { answers, previous };
}

/**
 * `--preset` (or "preset" in an --answers file) starts a portal: its answers sit below those given in a
 * file or on the command line. A repo that has answers already keeps every one of them; the same preset
 * with --image-tag only moves its in-house images to that tag (routes, ports and the rest stay).
 */
function presetLayer(options: AppRunOptions, stored: RawAnswers, file: RawAnswers, given: RawAnswers): RawAnswers {
  const id = options.preset ?? file.preset;
  const imageTag = typeof options.imageTag === 'string' && options.imageTag !== '' ? options.imageTag : undefined;
  return PortalInputError.guard(() => {
    if (id === undefined || id === '') {
      if (imageTag) throw new PortalInputError(`Invalid --image-tag "${imageTag}": expected it only with --preset (for the presets that run in-house images).`);
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

/** The model of the answers, after the checks only the disk can answer (links, dev mount sources). */
export function modelOf(root: string, answers: PortalAnswers): PortalModel {
  PortalInputError.guard(() => checkServedFoldersOnDisk(root, answers));
  PortalInputError.guard(() => checkDevMountSourcesOnDisk(root, answers));
  return PortalInputError.guard(() => buildPortalModel(answers));
}

/**
 * The generator's `.yo-rc.json` section once the run stored its answers, changed in place as Yeoman's
 * Storage does (keys keep their order): answers that no longer apply (acmeEmail without traefik) go, so
 * add then remove restores the file.
 */
export function storeAnswers(section: Record<string, unknown>, answers: PortalAnswers): Record<string, unknown> {
  for (const key of Object.keys(section)) {
    if (key !== 'fileHashes' && !(key in answers)) delete section[key];
  }
  return Object.assign(section, answers);
}

export interface WrittenPlan {
  readonly plan: readonly PlannedFile[];
  readonly report: WriteReport;
  /** The model of the last run's answers: the base of merges, and what "Next" compares against. */
  readonly lastModel: PortalModel | undefined;
}

/** Plans the files and hands them to the one writer; `version` is generator-portal's, named in .env. */
export function writeFiles(
  target: PlanTarget,
  model: PortalModel,
  previous: PortalAnswers | undefined,
  options: AppRunOptions,
  lastHashes: Record<string, string>,
  version: string,
): WrittenPlan {
  const seed = options.secretSeed;
  const secrets = typeof seed === 'string' && seed !== '' ? seededSecrets(seed) : randomSecrets;
  // secrets never reach managed files, so any source renders the base
  const lastModel = previous ? buildPortalModel(previous) : undefined;
  const lastPlan = lastModel ? planFiles(lastModel, seededSecrets('base')) : [];
  const command = typeof options.addedBy === 'string' ? options.addedBy : 'portal';
  const plan = planFiles(model, secrets);
  const report = PortalInputError.guard(() =>
    writePlan(target, plan, {
      addedBy: `\`${command}\` (generator-portal ${version})`,
      lastHashes,
      lastPlan,
      keepSecrets: options.keepSecrets === true,
    }),
  );
  return { plan, report, lastModel };
}

export interface RunEnd extends WrittenPlan {
  readonly root: string;
  readonly answers: PortalAnswers;
  readonly model: PortalModel;
  readonly previous: PortalAnswers | undefined;
  readonly options: AppRunOptions;
  readonly version: string;
  /** Edited files kept without a terminal (the non-interactive adapter's list). */
  readonly keptEdits: readonly string[];
  /** Yeoman's log: one message a line, on stderr. */
  readonly log: (message: string) => void;
  readonly info: (message: string) => void;
}

/** What the user reads after the commit, the first git commit of a new portal, and exit 4 on conflicts. */
export function endRun(run: RunEnd): void {
  if (run.options.dryRun) return;
  const { report, log } = run;
  const lines = [
    ...report.merged.map(path => `merged your edits with the new version: ${path}`),
    ...report.removed.map(path => `removed (no longer generated): ${path}`),
    ...report.orphansKept.map(path => `no longer generated, kept because you edited it: ${path}`),
    ...report.deletedKept.map(path => `deleted by you, not written again: ${path}`),
  ];
  if (lines.length > 0) log(lines.join('\n'));
  // conflicts (exit 4) and edits kept without a terminal (exit 3) are the news: no first commit of a
  // half-finished repo, and no "Wrote ... Next" as if all went well
  const finished = report.conflicts.length === 0 && run.keptEdits.length === 0;
  // a new portal only: later runs leave the user's history alone
  if (finished && !run.previous && run.options.skipGit !== true) commitNewPortal(run);
  // a run that wrote nothing (the service was there, a plain re-run) has no steps to take
  const unchanged = run.previous !== undefined && report.changed.length + report.removed.length === 0;
  const done = unchanged
    ? `No change: the ${run.model.answers.name} deployment repo in ${run.root} is already as these answers make it.`
    : nextSteps(run.model, run.root, run.lastModel);
  if (finished) log(done);
  // after the files are written, so that a refused run still says one line only
  const warning = localDomainWarning(run.answers);
  if (warning) process.stderr.write(`portal: ${warning}\n`);
  if (report.conflicts.length > 0) {
    PortalInputError.pending = true;
    throw new MergeConflicts(
      `your edits and the generator changed the same lines; resolve the <<<<<<< ======= >>>>>>> markers in: ${report.conflicts.join(', ')}`,
    );
  }
}

function commitNewPortal(run: RunEnd): void {
  const secret = new Set(run.plan.filter(file => file.ownership === 'secret').map(file => file.path));
  const result = firstCommit(run.root, `Generated by generator-portal ${run.version}`, {
    paths: run.report.written.filter(path => !secret.has(path)),
    ignoreFiles: run.plan.filter(file => file.path === '.gitignore' || file.path.endsWith('/.gitignore')),
  });
  if (result.done) {
    const already =
      result.leftUntracked === 0
        ? ''
        : `; ${result.leftUntracked} ${result.leftUntracked === 1 ? 'file that was' : 'files that were'} already here ${result.leftUntracked === 1 ? 'is' : 'are'} not committed`;
    run.log(`git: a new repository with a first commit of ${result.files} files by ${result.author}; .env and secrets/ stay out (.gitignore)${already}`);
  } else if (!result.quiet) run.info(`git: ${result.why}`);
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
