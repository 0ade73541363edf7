#!/usr/bin/env node
/**
 * `portal`: runs the package's generators through yeoman-environment, without `yo` (which refuses root).
 * `portal [options]` runs portal:app; `portal <sub-generator> ...` runs portal:<sub-generator>.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEnv } from 'yeoman-environment';
import { PortalInputError } from '../answers/input-error.js';

const generatorsRoot = join(dirname(fileURLToPath(import.meta.url)), '..', 'generators');

export async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  const named = first !== undefined && !first.startsWith('-') && existsSync(join(generatorsRoot, first, 'index.js'));
  const name = named ? first : 'app';
  const args = named ? rest : [...argv];
  const env = createEnv({ skipInstall: true } as Parameters<typeof createEnv>[0]);
  env.register(join(generatorsRoot, name, 'index.js'), { namespace: `portal:${name}` });
  try {
    await env.execute(`portal:${name}`, args);
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isInput = error instanceof PortalInputError || (error instanceof Error && error.name === 'PortalInputError');
    process.stderr.write(`portal: ${message}\n${isInput ? '' : 'Nothing was written. Run with --help for the options.\n'}`);
    return isInput ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
