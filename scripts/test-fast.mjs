// `npm run test:fast`: the build (skipped when each package's dist/ is newer than every source), then the fast tier alone
// (scripts/test-tiers.mjs), with the wall time of each.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fastTierArgs, isFast, PACKAGES, testFiles } from './test-tiers.mjs';

const seconds = start => ((performance.now() - start) / 1000).toFixed(1);
const run = args => spawnSync(process.execPath, args, { stdio: 'inherit' }).status === 0;
const mtimes = folder => readdirSync(folder, { recursive: true }).map(f => statSync(join(folder, String(f))).mtimeMs);

/** tsc reads every source before it writes its first output: a source changed since then is newer than it. */
function distIsCurrent() {
  if (!PACKAGES.every(folder => existsSync(join(folder, 'dist')))) return false;
  const built = Math.min(...PACKAGES.flatMap(folder => mtimes(join(folder, 'dist'))));
  const sources = PACKAGES.flatMap(folder => [...mtimes(join(folder, 'src')), statSync(join(folder, 'tsconfig.json')).mtimeMs]);
  return Math.max(...sources, ...['tsconfig.base.json', 'scripts/build.mjs'].map(f => statSync(f).mtimeMs)) < built;
}

let start = performance.now();
const current = distIsCurrent();
if (!current && !run(['scripts/build.mjs'])) process.exit(1);
const build = current ? 'build skipped: dist/ is newer than src/ in each package' : `build ${seconds(start)} s`;
const fast = testFiles().filter(isFast);
start = performance.now();
const passed = run(fastTierArgs(fast));
console.log(`fast tier: ${fast.length} files in ${seconds(start)} s wall (${build})${passed ? '' : ': FAILED'}`);
process.exit(passed ? 0 : 1);
