#!/usr/bin/env node
/**
 * `portal`: runs the package's generators through yeoman-environment, without `yo` (which refuses root).
 * `portal [options]` runs portal:app; `portal <sub-generator> ...` runs portal:<sub-generator>;
 * `--out DIR` writes into DIR instead of the current folder. `--help` is ours (./help.ts), `--version` the package's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortalInputError } from '../answers/input-error.js';
import { releaseAllRepoLocks } from '../io/repo-lock.js';
import { helpText, usageFileOf, type HelpSource } from './help.js';
import {
  fromCommander,
  isCommanderError,
  quietCommand,
  refuseEmptyValues,
  refuseRepeatedOptions,
  removeCreatedOut,
  takeOutFolder,
  type OutFolder,
} from './command-line.js';

const generatorsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'generators');
const GENERATORS = readdirSync(generatorsRoot).filter(name => existsSync(join(generatorsRoot, name, 'index.js')));
const SUB_COMMANDS = GENERATORS.filter(name => name !== 'app');
const packageJson = join(generatorsRoot, '..', '..', 'package.json');

/** One line, whatever the message holds: a value with a newline must not start a line of its own. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

export async function main(argv: readonly string[]): Promise<number> {
  let out: OutFolder | undefined;
  let code = 1;
  try {
    if (argv.includes('--version') || argv.includes('-V')) {
      process.stdout.write(`${(JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version}\n`);
      return 0;
    }
    out = takeOutFolder(argv);
    refuseEmptyValues(out.args);
    refuseRepeatedOptions(out.args);
    code = await run(out);
  } catch (error) {
    code = report(error);
  } finally {
    releaseAllRepoLocks();
    // a refused run, or a help, leaves no --out folder behind
    const helpOnly = argv.includes('--help') || argv.includes('-h');
    if (out && (helpOnly || (code !== 0 && code !== 3 && code !== 4))) removeCreatedOut(out);
  }
  return code;
}

async function run(out: OutFolder): Promise<number> {
  const [first, ...rest] = out.args;
  // `portal app set <id> ...` changes an app that exists: portal:add with the app's options
  const appSet = first === 'app' && rest[0] === 'set';
  const named = first !== undefined && GENERATORS.includes(first);
  const name = appSet ? 'add' : named ? first : 'app';
  const args = appSet ? ['app', ...rest.slice(1), '--change-only'] : named ? rest : out.args;
  if (name === 'verify') {
    const verify = await import('./verify-without-yeoman.js');
    if (verify.takesOnlyItsFlags(args)) {
      await verify.verifyWithoutYeoman(out.cwd, args);
      return 0;
    }
  }
  // Yeoman's environment is loaded only for the commands that run through it
  const [{ createEnv }, { NonInteractiveAdapter }] = await Promise.all([import('yeoman-environment'), import('./non-interactive-adapter.js')]);
  const adapter = process.stdin.isTTY ? undefined : new NonInteractiveAdapter();
  const command = await quietCommand();
  const env = createEnv({ cwd: out.cwd, skipInstall: true, command, ...(adapter ? { adapter } : {}) } as Parameters<typeof createEnv>[0]);
  if (args.includes('--help') || args.includes('-h')) {
    // the generator only declares its options here: it runs nothing
    const meta = env.register(join(generatorsRoot, name, 'index.js'), { namespace: `portal:${name}` }) as unknown as { instantiateHelp(): Promise<HelpSource> };
    process.stdout.write(helpText(name, await meta.instantiateHelp(), usageFileOf(generatorsRoot, name), Math.min(process.stdout.columns || 100, 100)));
    return 0;
  }
  env.register(join(generatorsRoot, name, 'index.js'), { namespace: `portal:${name}` });
  try {
    await env.execute(`portal:${name}`, args);
  } catch (error) {
    if (!isCommanderError(error)) throw error;
    const input = fromCommander(error, command as unknown as Parameters<typeof fromCommander>[1], named ? `portal ${name}` : 'portal', SUB_COMMANDS);
    if (input) throw input;
    return error.exitCode;
  }
  if (adapter && adapter.keptEdits.length > 0) {
    process.stderr.write(
      `portal: kept your edits, not overwritten: ${adapter.keptEdits.join(', ')}\n` +
        'Review them by re-running in a terminal (it shows a diff per file), or pass --force to take the new versions.\n',
    );
    return 3;
  }
  return 0;
}

/** The error as the user reads it, and the exit code: 2 bad input, 4 merge conflicts, 1 anything else. */
function report(error: unknown): number {
  let message = error instanceof Error ? error.message : String(error);
  const kind = error instanceof Error ? error.name : '';
  // Yeoman's own words for a .yo-rc.json edited into broken JSON: an input error like any other
  const brokenRc = /^Could not parse JSON in file: (.*\.yo-rc\.json)\. Detail: (.*)$/.exec(message);
  if (brokenRc) message = `Invalid ${brokenRc[1]}: not valid JSON (${brokenRc[2]}); fix it by hand or restore it from git.`;
  const isInput = error instanceof PortalInputError || kind === 'PortalInputError' || brokenRc !== null;
  // a failed verification or merge conflicts: the run itself finished and said what happened
  const said = kind === 'VerifyFailed' || kind === 'MergeConflicts' || kind === 'PortalBusyError' || kind === 'PortalFsError';
  if (isInput) message = oneLine(message);
  process.stderr.write(`portal: ${message}\n${isInput || said ? '' : 'Nothing was written. Run with --help for the options.\n'}`);
  return isInput ? 2 : kind === 'MergeConflicts' ? 4 : 1;
}

process.exitCode = await main(process.argv.slice(2));
