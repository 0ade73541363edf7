// `npm test` (after the build): every test file under dist/, in two phases. The smoke runs boot whole stacks
// on a Docker engine of their own and load both cores for minutes; run beside the rest, they would slow the
// servers other tests boot (rabbitmq, postgres) past their time limits. So the rest first, two files at a
// time, then the smoke files one at a time (each runs its stacks in parallel itself).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const files = readdirSync('dist', { recursive: true }).map(String).filter(f => f.endsWith('.test.js')).map(f => join('dist', f)).sort();
const smoke = files.filter(f => /^dist\/smoke\/smoke-/.test(f));
const rest = files.filter(f => !smoke.includes(f));
let failed = false;
for (const [concurrency, group] of [[2, rest], [1, smoke]]) {
  if (group.length === 0) continue;
  const run = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...group], { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
