/**
 * Loaded with `node --import` in each file of the fast tier (scripts/test-fast.mjs): every way to start a
 * process throws, so a fast test that starts one fails instead of silently slowing the tier. The test
 * runner's own process (which starts one per file) is left alone: only its children carry NODE_TEST_CONTEXT.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const STARTERS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const;

if (process.env['NODE_TEST_CONTEXT'] !== undefined) {
  const childProcess = createRequire(import.meta.url)('node:child_process') as Record<string, unknown>;
  for (const name of STARTERS) {
    childProcess[name] = (command: unknown) => {
      throw new Error(`a fast test started a process (child_process.${name} ${String(command)}): name the file *.test.ts, not *.fast.test.ts`);
    };
  }
  syncBuiltinESMExports();
}
