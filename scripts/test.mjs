// `npm test` (after the build): every test file under each package's dist/, in three phases. First the fast tier
// (scripts/test-tiers.mjs), with process starts forbidden, so a fast file that starts one fails here too.
// The smoke runs boot whole stacks on a Docker engine of their own and load both cores for minutes; run
// beside the rest, they would slow the servers other tests boot (rabbitmq, postgres) past their time limits.
// So the rest of the full tier next, two files at a time, then the smoke files one at a time (each runs its
// stacks in parallel itself).
import { spawnSync } from 'node:child_process';
import { fastTierArgs, isFast, isSmoke, testFiles } from './test-tiers.mjs';

const files = testFiles();
const fast = files.filter(isFast);
const smoke = files.filter(isSmoke);
const rest = files.filter(f => !smoke.includes(f) && !fast.includes(f));
let failed = false;
const phases = [
  [fast, fastTierArgs(fast)],
  [rest, ['--test', '--test-concurrency=2', ...rest]],
  [smoke, ['--test', '--test-concurrency=1', ...smoke]],
];
for (const [group, args] of phases) {
  if (group.length === 0) continue;
  const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
  failed ||= run.status !== 0;
}
process.exit(failed ? 1 : 0);
