/** The bin's commands run through yeoman-environment: loaded only by the commands that need it. */
import { join } from 'node:path';
import { addEnvironmentOptions, createEnv } from 'yeoman-environment';
import { helpText, usageFileOf, type HelpSource } from './help.js';
import { fromCommander, isCommanderError, type OutFolder } from './command-line.js';
import { NonInteractiveAdapter } from './non-interactive-adapter.js';

/** Yeoman's command, told to throw instead of printing and exiting, so every refusal is ours to word. */
export function quietCommand(): ReturnType<typeof addEnvironmentOptions> {
  // the environment's own command class, without the environment's options (they install nothing here)
  const YeomanCommand = addEnvironmentOptions().constructor as new () => ReturnType<typeof addEnvironmentOptions>;
  const command = new YeomanCommand();
  command.exitOverride();
  command.configureOutput({ outputError: () => undefined });
  return command;
}

export async function runWithYeoman(out: OutFolder, generatorsRoot: string, GENERATORS: readonly string[]): Promise<number> {
  const SUB_COMMANDS = GENERATORS.filter(name => name !== 'app');
  const [first, ...rest] = out.args;
  // `portal app set <id> ...` changes an app that exists: portal:add with the app's options
  const appSet = first === 'app' && rest[0] === 'set';
  const named = first !== undefined && GENERATORS.includes(first);
  const name = appSet ? 'add' : named ? first : 'app';
  const args = appSet ? ['app', ...rest.slice(1), '--change-only'] : named ? rest : out.args;
  const adapter = process.stdin.isTTY ? undefined : new NonInteractiveAdapter();
  const command = quietCommand();
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
