/**
 * `npm run goldens:update`: writes test/goldens/ again from the generator (after the build), then refuses to
 * finish when git would ignore a stored file. Review the diff it leaves: it is what the change does to the output.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { GOLDEN_SCENARIOS, GOLDENS, generateScenario, listingPath, readTree, storedName, treePath } from './goldens.js';

const stored: string[] = [];
for (const name of Object.keys(GOLDEN_SCENARIOS)) {
  const tree = readTree(await generateScenario(name));
  rmSync(treePath(name), { recursive: true, force: true });
  for (const [path, bytes] of tree.files) {
    const target = join(treePath(name), storedName(path));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, bytes);
    stored.push(relative(GOLDENS, target));
  }
  writeFileSync(listingPath(name), tree.listing);
  console.log(`${name}: ${tree.files.size} files`);
}
// exit 0: some path is ignored, 1: none is
const check = spawnSync('git', ['check-ignore', '--no-index', '--stdin'], { cwd: GOLDENS, input: stored.join('\n'), encoding: 'utf8' });
if (check.status !== 1) {
  console.error(`git would ignore these golden files (or git failed); rename them in goldens.ts (storedName):\n${check.stdout}${check.stderr}`);
  process.exit(1);
}
