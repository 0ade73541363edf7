/** Test helper: runs the smoke CLI on a generated repo, the way `npm run smoke` does. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingForSmoke } from './requirements.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), 'cli.js');

/**
 * Asynchronous, so that several runs (each in its own namespaces, with its own engine) can go at once.
 * `args` are the CLI's: `--dev`, or `--images` alone to build the stand-in images.
 */
export function runSmoke(repo: string, args: readonly string[] = [], timeoutMs = 600_000): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, ...(repo ? [repo] : []), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    // the run stops its stack and cleans up on SIGTERM
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** CI installs every server (.ci/install-validators), so nothing may be skipped there. */
export const smokeSkip = (): string | false => (process.env.CI === 'true' ? false : (missingForSmoke() ?? false));

/**
 * Builds the stand-in images once for this machine (a cold build makes a root filesystem with mmdebstrap:
 * minutes), so that the runs after it do not each wait for it inside their own time limit.
 */
export async function prepareStandIns(): Promise<void> {
  const run = await runSmoke('', ['--images'], 45 * 60_000);
  if (run.code !== 0) throw new Error(`building the stand-in images failed:\n${run.output}`);
}
