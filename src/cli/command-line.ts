/**
 * The bin's command line before and around Yeoman's parser (commander): `--out`, empty values, and
 * commander's own refusals turned into the one-line input errors every other bad value gets (exit 2).
 */
import { lstatSync, mkdirSync, readdirSync, rmdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';

export interface OutFolder {
  readonly cwd: string;
  readonly args: string[];
  /** The first folder this run created for --out: removed again when the run is refused. */
  readonly created?: string;
}

const invalid = (message: string): never => {
  throw new PortalInputError(message);
};

/** `--out DIR` (the bin's own option): write into DIR, created if needed, instead of the current folder. */
export function takeOutFolder(argv: readonly string[]): OutFolder {
  const args = [...argv];
  const index = args.findIndex(arg => arg === '--out' || arg.startsWith('--out='));
  if (index < 0) return { cwd: process.cwd(), args };
  const [flag] = args.splice(index, 1);
  const value = flag!.includes('=') ? flag!.slice(flag!.indexOf('=') + 1) : args.splice(index, 1)[0];
  if (!value || value.startsWith('-')) invalid(`Invalid --out ${quoted(value ?? '')}: expected the folder to write the portal into.`);
  if (args.some(arg => arg === '--out' || arg.startsWith('--out='))) invalid('Invalid --out: given twice; expected one folder to write the portal into.');
  const cwd = resolve(value!);
  let stat;
  try {
    stat = lstatSync(cwd, { throwIfNoEntry: false });
  } catch (error) {
    // a file on the way (ENOTDIR), a name too long: one line, as for every other bad value
    return invalid(`Invalid --out ${quoted(value)}: cannot use it (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a folder you can write.`);
  }
  if (stat && !stat.isDirectory()) {
    invalid(
      `Invalid --out ${quoted(value)}: it is ${stat.isSymbolicLink() ? 'a link' : 'a file'}; expected a folder (new or existing) to write the portal into.`,
    );
  }
  try {
    const created = mkdirSync(cwd, { recursive: true });
    return { cwd, args, ...(created ? { created } : {}) };
  } catch (error) {
    return invalid(`Invalid --out ${quoted(value)}: cannot create it (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a folder you can write.`);
  }
}

/** Removes the folders --out created when they are still empty: a refused run leaves no trace. */
export function removeCreatedOut(out: OutFolder): void {
  const top = out.created;
  if (!top) return;
  const below = (folder: string) => folder === top || !relative(top, folder).startsWith('..');
  for (let folder = out.cwd; below(folder); folder = dirname(folder)) {
    try {
      if (readdirSync(folder).length > 0) return;
      rmdirSync(folder);
    } catch {
      return;
    }
    if (folder === top) return;
  }
}

/**
 * An empty value (`--services=`, `--only ,`, `--name ''`) is a typo, never a choice: on a re-run it would
 * remove every service or rotate every secret. The words that say "nothing" are "none" where allowed.
 */
export function refuseEmptyValues(args: readonly string[]): void {
  const blank = (value: string) => /^[\s,;]*$/.test(value);
  args.forEach((arg, index) => {
    const option = arg.startsWith('--') ? arg.split('=')[0]! : undefined;
    if (option && arg.includes('=') && blank(arg.slice(arg.indexOf('=') + 1))) {
      invalid(`Invalid ${option} ${quoted(arg.slice(arg.indexOf('=') + 1))}: expected a value (leave the option out to keep the current one).`);
    }
    if (!arg.startsWith('-') && blank(arg)) {
      const before = args[index - 1];
      const culprit = before?.startsWith('--') && !before.includes('=') ? before : 'argument';
      invalid(`Invalid ${culprit} ${quoted(arg)}: expected a value (leave it out to keep the current one).`);
    }
  });
}

/** An option given twice would silently keep the last value: say so instead. */
/** List options of `portal add app`: given more than once, or with several values after them. */
const REPEATABLE_OPTIONS = ['--setting', '--file-setting', '--dev-setting', '--alias', '--writable', '--route', '--cors', '--dev-mount'];

export function refuseRepeatedOptions(args: readonly string[]): void {
  const seen = new Set<string>();
  for (const arg of args) {
    if (!arg.startsWith('--') || arg === '--') continue;
    const option = arg.split('=')[0]!;
    if (REPEATABLE_OPTIONS.includes(option)) continue;
    if (seen.has(option)) invalid(`Invalid ${option}: given twice; give it once.`);
    seen.add(option);
  }
}

type YeomanCommand = ReturnType<(typeof import('yeoman-environment'))['addEnvironmentOptions']>;

/** Yeoman's command, told to throw instead of printing and exiting, so every refusal is ours to word. */
export async function quietCommand(): Promise<YeomanCommand> {
  // the environment's own command class, without the environment's options (they install nothing here)
  const { addEnvironmentOptions } = await import('yeoman-environment');
  const Command = addEnvironmentOptions().constructor as new () => YeomanCommand;
  const command = new Command();
  command.exitOverride();
  command.configureOutput({ outputError: () => undefined });
  return command;
}

interface CommanderFailure {
  readonly code: string;
  readonly exitCode: number;
  readonly message: string;
}

export const isCommanderError = (error: unknown): error is CommanderFailure =>
  error instanceof Error &&
  typeof (error as Partial<CommanderFailure>).code === 'string' &&
  String((error as Partial<CommanderFailure>).code).startsWith('commander.');

/** commander's refusal as our input error, naming the option or word; help and version are not errors. */
export function fromCommander(
  error: CommanderFailure,
  command: { commands: readonly { args: readonly string[]; registeredArguments: readonly unknown[] }[] },
  label: string,
  subCommands: readonly string[],
): PortalInputError | undefined {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version') return undefined;
  const help = `run ${label} --help for the options`;
  const named = /'([^']+)'/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'commander.unknownOption': {
      const suggestion = /Did you mean (\S+)\?/.exec(error.message)?.[1];
      return new PortalInputError(`Invalid option ${quoted(named)} for ${label}: ${suggestion ? `did you mean ${suggestion}? ` : ''}${help}.`);
    }
    case 'commander.optionMissingArgument':
      return new PortalInputError(`Invalid ${named.split(' ')[0]}: it needs a value (${named.split(' ')[0]} VALUE); ${help}.`);
    case 'commander.excessArguments': {
      const sub = command.commands[0];
      const extra = sub ? sub.args.slice(sub.registeredArguments.length) : [];
      const word = quoted(extra.join(' '));
      return label === 'portal'
        ? new PortalInputError(`Invalid command ${word}: expected one of ${subCommands.join(', ')}, or options only; run portal --help.`)
        : new PortalInputError(`Invalid argument ${word} for ${label}: it takes ${sub?.registeredArguments.length ? 'fewer words' : 'no words'}; ${help}.`);
    }
    default:
      return new PortalInputError(`Invalid command line for ${label}: ${error.message.replace(/^error: /, '').split('\n')[0]}; ${help}.`);
  }
}
