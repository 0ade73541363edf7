/** Test helper: runs the smoke CLI on a generated repo, the way `npm run smoke` does. */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingForSmoke } from '../smoke/requirements.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '..', 'smoke', 'cli.js');

export function runSmoke(repo: string): { code: number; output: string } {
  const run = spawnSync(process.execPath, [CLI, repo], { encoding: 'utf8', timeout: 300_000, killSignal: 'SIGTERM' });
  return { code: run.status ?? 1, output: `${run.stdout}\n${run.stderr}` };
}

/** CI installs every server (.ci/install-validators), so nothing may be skipped there. */
export const smokeSkip = (): string | false => (process.env.CI === 'true' ? false : missingForSmoke() ?? false);
