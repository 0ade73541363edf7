#!/usr/bin/env node
/**
 * `portal`: runs the package's generators through yeoman-environment (yeoman-run.ts), without `yo` (which
 * refuses root); `portal --yes` runs the app generator's steps without Yeoman (fast-app.ts), same files.
 * `portal [options]` runs portal:app; `portal <sub-generator> ...` runs portal:<sub-generator>;
 * `--out DIR` writes into DIR instead of the current folder. `--help` is ours (./help.ts), `--version` the package's.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortalInputError } from '../answers/input-error.js';
import { releaseAllRepoLocks } from '../io/repo-lock.js';
import { refuseEmptyValues, refuseRepeatedOptions, removeCreatedOut, takeOutFolder, type OutFolder } from './command-line.js';
import { fastAppModule } from './fast-bundle.js';

const CLI_FOLDER = dirname(fileURLToPath(import.meta.url));
const generatorsRoot = join(CLI_FOLDER, '..', 'generators');
/** fast-app.js, from the build's bundle when it holds this code (cli/fast-bundle.ts). */
const fastApp = async () => (await import(fastAppModule(CLI_FOLDER))) as typeof import('./fast-app.js');
const GENERATORS = readdirSync(generatorsRoot).filter(name => existsSync(join(generatorsRoot, name, 'index.js')));
const packageJson = join(generatorsRoot, '..', '..', 'package.json');
const packageVersion = () => (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;

/** One line, whatever the message holds: a value with a newline must not start a line of its own. */
const oneLine = (text: string) => text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();

export async function main(argv: readonly string[]): Promise<number> {
  let out: OutFolder | undefined;
  let code = 1;
  try {
    if (argv.includes('--version') || argv.includes('-V')) {
      process.stdout.write(`${packageVersion()}\n`);
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
  const [first] = out.args;
  const named = first !== undefined && GENERATORS.includes(first);
  // `portal verify` with its own flags only: the verifier's checks, without Yeoman's environment
  if (first === 'verify') {
    const verify = await import('./verify-without-yeoman.js');
    if (verify.takesOnlyItsFlags(out.args.slice(1))) {
      await verify.verifyWithoutYeoman(out.cwd, out.args.slice(1));
      return 0;
    }
  }
  // `portal --yes ...` asks nothing: it runs without loading Yeoman, unless it needs Yeoman after all
  if (!named && out.args.includes('--yes') && !out.args.includes('--help') && !out.args.includes('-h')) {
    const { runFast } = await fastApp();
    const code = await runFast(out.cwd, out.args, packageVersion());
    if (code !== undefined) return code;
  }
  // `portal add|remove <service>...` likewise: the sub-generator's decisions, then the same run
  if (first === 'add' || first === 'remove') {
    const { runFastChange } = await fastApp();
    const code = await runFastChange(out.cwd, out.args, packageVersion());
    if (code !== undefined) return code;
  }
  const { runWithYeoman } = await import('./yeoman-run.js');
  return runWithYeoman(out, generatorsRoot, GENERATORS);
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
