// `npm run build`: compiles each package's src/ into a new folder, then swaps it in for its dist/. dist/
// and a `portal` linked to it keep working while a build (or the test suite's) runs, and after a failed
// one. The generator goes first: the verifier and the smoke harness compile against its declarations.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** tsc copies only TypeScript output; each package names the other files its dist/ needs. */
const EXTRA_FILES = {
  // the USAGE files, printed by --help
  generator: next =>
    readdirSync('packages/generator/src/generators')
      .map(name => [join('packages/generator/src/generators', name, 'USAGE'), join(next, 'generators', name, 'USAGE')])
      .filter(([from]) => existsSync(from)),
  // the live check's Python driver
  verifier: next => [['packages/verifier/src/verify/live/driver.py', join(next, 'verify/live/driver.py')]],
  // the smoke run's stand-in images
  smoke: next => [['packages/smoke/src/standins', join(next, 'standins')]],
};

for (const name of ['generator', 'verifier', 'smoke']) {
  const folder = join('packages', name);
  const next = join(folder, `dist.next-${process.pid}`);
  const old = join(folder, `dist.old-${process.pid}`);
  try {
    execFileSync(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json'), '--outDir', next], { stdio: 'inherit' });
  } catch {
    rmSync(next, { recursive: true, force: true });
    process.exit(1);
  }
  for (const [from, to] of EXTRA_FILES[name](next)) cpSync(from, to, { recursive: true });
  // tsc writes 0644; the generator's bin is run through its link (npm link, a global install)
  if (name === 'generator') chmodSync(join(next, 'cli/portal.js'), 0o755);
  const dist = join(folder, 'dist');
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}
