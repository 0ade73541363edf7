#!/usr/bin/env node
/**
 * `portal`: runs the package's generators through yeoman-environment, without `yo` (which refuses root).
 * `portal [options]` runs portal:app; `portal <sub-generator> ...` runs portal:<sub-generator>;
 * `--out DIR` writes into DIR instead of the current folder.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import { PortalInputError } from '../answers/input-error.js';
import { releaseAllRepoLocks } from '../io/repo-lock.js';
import { NonInteractiveAdapter } from './non-interactive-adapter.js';

const generatorsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'generators');

/** `--out DIR` (the bin's own option): write into DIR, created if needed, instead of the current folder. */
function takeOutFolder(argv: readonly string[]): { cwd: string; args: string[] } {
  const args = [...argv];
  const index = args.findIndex(arg => arg === '--out' || arg.startsWith('--out='));
  if (index < 0) return { cwd: process.cwd(), args };
  const [flag] = args.splice(index, 1);
  const value = flag!.includes('=') ? flag!.slice(flag!.indexOf('=') + 1) : args.splice(index, 1)[0];
  if (!value) throw new PortalInputError('Invalid --out "": expected the folder to write the portal into.');
  const cwd = resolve(value);
  mkdirSync(cwd, { recursive: true });
  return { cwd, args };
}

export async function main(argv: readonly string[]): Promise<number> {
  let out: { cwd: string; args: string[] };
  try {
    out = takeOutFolder(argv);
  } catch (error) {
    process.stderr.write(`portal: ${(error as Error).message}\n`);
    return 2;
  }
  const [first, ...rest] = out.args;
  const named = first !== undefined && !first.startsWith('-') && existsSync(join(generatorsRoot, first, 'index.js'));
  const name = named ? first : 'app';
  const args = named ? rest : out.args;
  const adapter = process.stdin.isTTY ? undefined : new NonInteractiveAdapter();
  const env = createEnv({ cwd: out.cwd, skipInstall: true, ...(adapter ? { adapter } : {}) } as Parameters<typeof createEnv>[0]);
  env.register(join(generatorsRoot, name, 'index.js'), { namespace: `portal:${name}` });
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(
      'Usage: portal [add|remove|instance|doctor|verify|secrets] [options]\n' +
        '  --out DIR  write into DIR (created if needed) instead of the current folder\n\n',
    );
  }
  try {
    await env.execute(`portal:${name}`, args);
    if (adapter && adapter.keptEdits.length > 0) {
      process.stderr.write(
        `portal: kept your edits, not overwritten: ${adapter.keptEdits.join(', ')}\n` +
          'Review them by re-running in a terminal (it shows a diff per file), or pass --force to take the new versions.\n',
      );
      return 3;
    }
    return 0;
  } catch (error) {
    let message = error instanceof Error ? error.message : String(error);
    const kind = error instanceof Error ? error.name : '';
    // Yeoman's own words for a .yo-rc.json edited into broken JSON: an input error like any other
    const brokenRc = /^Could not parse JSON in file: (.*\.yo-rc\.json)\. Detail: (.*)$/.exec(message);
    if (brokenRc) message = `Invalid ${brokenRc[1]}: not valid JSON (${brokenRc[2]}); fix it by hand or restore it from git.`;
    const isInput = error instanceof PortalInputError || kind === 'PortalInputError' || brokenRc !== null;
    // a failed verification or merge conflicts: the run itself finished and said what happened
    const said = kind === 'VerifyFailed' || kind === 'MergeConflicts' || kind === 'PortalBusyError' || kind === 'PortalFsError';
    process.stderr.write(`portal: ${message}\n${isInput || said ? '' : 'Nothing was written. Run with --help for the options.\n'}`);
    return isInput ? 2 : kind === 'MergeConflicts' ? 4 : 1;
  } finally {
    releaseAllRepoLocks();
  }
}

process.exitCode = await main(process.argv.slice(2));
