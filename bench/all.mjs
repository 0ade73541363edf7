// `npm run bench`: every bench/*.mjs but the smoke run's (its own script) and this one, in name order,
// each in its own process, so one run prints every figure side by side.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

const SKIP = new Set(['all.mjs', 'smoke.mjs']);
let failed = 0;
for (const name of readdirSync('bench')
  .filter(file => file.endsWith('.mjs') && !SKIP.has(file))
  .sort()) {
  console.log(`\n== bench/${name}`);
  const result = spawnSync(process.execPath, [join('bench', name)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed === 0 ? 0 : 1;
