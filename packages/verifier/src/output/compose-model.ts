/** Test helper: the merged model compose renders for a file set, asserted to render at all. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { composeCommand } from '../checks/compose-config.js';

/** `<compose> <fileSet> config` in `root` (fileSet: `--env-file F -f A -f B ...`), parsed. */
export function composeModel<T>(root: string, fileSet: readonly string[]): T {
  const [command, ...leading] = composeCommand() ?? ['docker-compose'];
  const run = spawnSync(command!, [...leading, ...fileSet, 'config'], { cwd: root, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return parse(run.stdout) as T;
}
