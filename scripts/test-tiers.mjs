// The two tiers of the suite, by file name. A `*.fast.test.ts` file is pure: it starts no process (no
// validator, no bin, no git), which the fast tier enforces by running with testing/no-processes.js loaded,
// where every child_process call throws. Every other `*.test.ts` is in the full tier only.
import { availableParallelism } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGES = ['generator', 'verifier', 'smoke'].map(name => join('packages', name));
export const NO_PROCESSES = './packages/generator/dist/testing/no-processes.js';

/** Every compiled test file under each package's dist/, sorted. */
export const testFiles = () =>
  PACKAGES.flatMap(folder =>
    readdirSync(join(folder, 'dist'), { recursive: true })
      .map(String)
      .filter(f => f.endsWith('.test.js'))
      .map(f => join(folder, 'dist', f)),
  ).sort();

export const isFast = file => file.endsWith('.fast.test.js');

/** The smoke files boot whole stacks: run last and alone (scripts/test.mjs). */
export const isSmoke = file => /^packages\/smoke\/dist\/smoke-/.test(file);

/** node's arguments for the fast tier: the files, one per core, with process starts forbidden. */
export const fastTierArgs = files => ['--test', `--test-concurrency=${availableParallelism()}`, '--import', NO_PROCESSES, ...files];
