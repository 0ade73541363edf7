/** Test helper: runs the smoke CLI on a generated repo, the way `npm run smoke` does. */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingForSmoke } from '../smoke/requirements.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'smoke', 'cli.js');

/** Asynchronous, so that several runs (each in its own namespaces) can go at once. */
export function runSmoke(repo: string): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [CLI, repo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', chunk => (output += chunk));
    child.stderr.on('data', chunk => (output += chunk));
    // the run stops its stack and cleans up on SIGTERM
    const timer = setTimeout(() => child.kill('SIGTERM'), 300_000);
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

/** CI installs every server (.ci/install-validators), so nothing may be skipped there. */
export const smokeSkip = (): string | false => (process.env.CI === 'true' ? false : missingForSmoke() ?? false);
