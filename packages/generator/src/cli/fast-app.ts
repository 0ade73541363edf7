/**
 * `portal --yes ...` without Yeoman: the app generator's steps (generators/app/run-steps.ts) on a plain
 * in-memory draft (io/plain-commit.ts), committed by the same journal. yeoman-environment alone costs
 * more than the whole run, and a run with every answer given asks nothing. Whatever needs Yeoman (a
 * question, --dry-run's diff, an option only Yeoman knows, a .yo-resolve file) is handed back before a
 * byte is written or a line printed: `runFast` then returns undefined.
 */
import { join } from 'node:path';
import { openRepo } from '../io/repo-session.js';
import { PlainDraft, type CommitStatus } from '../io/plain-commit.js';
import { PRIVATE_FOLDERS } from '../render/planned-file.js';
import { parseAppOptions } from '../generators/app/app-options.js';
import { collectAnswers, endRun, modelOf, storeAnswers, writeFiles, type AppRunOptions } from '../generators/app/run-steps.js';
import { addedServices, removedServices, rerunOptions, storedAnswersIn } from '../generators/services-change.js';
import { settleRemovedData } from '../generators/remove/removed-data.js';

/** Yeoman's log line for a file's status: the word right-aligned to "identical", coloured as its adapter does. */
const COLOURS: Readonly<Record<string, number>> = { create: 32, force: 33, skip: 33, identical: 36, info: 90 };
const coloured = (): boolean => {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return process.stdout.isTTY === true && process.env.TERM !== 'dumb' && process.env.NO_COLOR === undefined;
};
const statusLine = (status: string, text: string): string => {
  const word = status.padStart('identical'.length);
  return `${coloured() ? `\u001b[${COLOURS[status] ?? 39}m${word}\u001b[39m` : word} ${text}\n`;
};

export async function runFast(cwd: string, args: readonly string[], version: string): Promise<number | undefined> {
  const options = parseAppOptions(args) as AppRunOptions | undefined;
  if (!options?.yes || options.dryRun) return undefined;
  return runApp(cwd, version, 'portal', () => ({ options }));
}

/** The flags `portal add|remove <service>...` takes on the fast path; any other hands the run to Yeoman. */
const CHANGE_FLAGS: Readonly<Record<'add' | 'remove', readonly string[]>> = { add: ['--yes'], remove: ['--delete-data'] };

/**
 * `portal add <service>...` and `portal remove <service>...` (services only: apps and targets, --dry-run and
 * Yeoman's options go to Yeoman): the sub-generator's decisions (generators/services-change.ts) made on the
 * stored answers, then the app's run, as `rerunApp` composes it.
 */
export async function runFastChange(cwd: string, args: readonly string[], version: string): Promise<number | undefined> {
  const [verb, ...rest] = args as [string, ...string[]];
  if (verb !== 'add' && verb !== 'remove') return undefined;
  const names: string[] = [];
  const flags = new Set<string>();
  let secretSeed: string | undefined;
  for (let index = 0; index < rest.length; index++) {
    const arg = rest[index]!;
    if (arg === '--secret-seed' && index + 1 < rest.length) secretSeed = rest[++index];
    else if (CHANGE_FLAGS[verb].includes(arg)) flags.add(arg);
    else if (!arg.startsWith('-')) names.push(arg);
    else return undefined;
  }
  if (names.length === 0 || names[0] === 'app' || names[0] === 'target') return undefined;
  const given = secretSeed === undefined ? {} : { secretSeed };
  const deleteData = flags.has('--delete-data');
  return runApp(cwd, version, `portal ${verb} ${names.join(' ')}`, (section, info) => {
    const answers = storedAnswersIn(cwd, section);
    const kept = Array.isArray(section?.alternatives) ? (section.alternatives as string[]) : [];
    if (verb === 'add') {
      const { services, command, already } = addedServices(answers, names);
      if (already.length > 0) info(`already chosen: ${already.join(', ')}`);
      return { options: rerunOptions(kept, services, command, given) as AppRunOptions };
    }
    const { services, command, droppedStorage } = removedServices(answers, names);
    const keepSecrets = droppedStorage.length > 0 && !deleteData;
    return {
      options: rerunOptions(kept, services, command, { ...given, keepSecrets }) as AppRunOptions,
      end: log => settleRemovedData(cwd, answers, droppedStorage, deleteData, log),
    };
  });
}

/** What a run does: the app's options, and the sub-generator's end once the files are committed. */
interface RunDecision {
  readonly options: AppRunOptions;
  readonly end?: (log: (message: string) => void) => void;
}

/**
 * The app generator's run without Yeoman. `decide` makes the run's decision from the stored `.yo-rc.json`
 * section (undefined: no such file), once the lock is held.
 */
async function runApp(
  cwd: string,
  version: string,
  command: string,
  decide: (section: Record<string, unknown> | undefined, info: (message: string) => void) => RunDecision,
): Promise<number | undefined> {
  const root = cwd;
  // what the generator's constructor does first: the lock, an interrupted run finished, .yo-rc.json checked
  // (the lock is released by the bin at exit, and kept if Yeoman takes over)
  openRepo({ destinationRoot: () => root, env: { once: () => undefined } }, command);
  // nothing is printed until the run is ours to finish: Yeoman would print it again
  const printed: string[] = [];
  const info = (message: string) => printed.push(statusLine('info', message));
  const flush = () => process.stderr.write(printed.splice(0).join(''));
  const draft = new PlainDraft(root);
  const rcPath = join(root, '.yo-rc.json');
  try {
    const rc = (draft.fs.exists(rcPath) ? JSON.parse(draft.fs.read(rcPath)) : undefined) as Record<string, unknown> | undefined;
    const section = (rc?.['generator-portal'] ?? {}) as Record<string, unknown>;
    const { options, end } = decide(rc ? section : undefined, info);
    const storeRc = () => draft.fs.write(rcPath, `${JSON.stringify({ ...rc, 'generator-portal': section }, undefined, 2)}\n`);
    const { answers, previous } = await collectAnswers(options, structuredClone(section), root);
    const model = modelOf(root, answers);
    for (const note of model.notes) info(note);
    storeAnswers(section, answers);
    storeRc();
    const lastHashes = (section.fileHashes ?? {}) as Record<string, string>;
    const written = writeFiles(draft, model, previous, options, lastHashes, version);
    section.fileHashes = written.report.hashes;
    storeRc();
    // the statuses come only once the commit is decided (then printed even if the disk fails it)
    const committed = draft.commit({ force: options.force === true, privateFolders: PRIVATE_FOLDERS }, (status: CommitStatus, path: string) =>
      printed.push(statusLine(status, path)),
    );
    if (!committed) {
      printed.length = 0;
      return undefined;
    }
    flush();
    // the sub-generator's end comes before the app's, as Yeoman runs them
    end?.(message => process.stderr.write(`${message}\n`));
    endRun({
      ...written,
      root,
      answers,
      model,
      previous,
      options,
      version,
      keptEdits: [],
      log: message => process.stderr.write(`${message}\n`),
      info: message => process.stderr.write(statusLine('info', message)),
    });
    return 0;
  } finally {
    flush();
  }
}
