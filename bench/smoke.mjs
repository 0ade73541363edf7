// Benchmark of the smoke run on the real engine, per stack: the repo's image builds (cold: a fresh engine;
// cached: the same build again), the time from `docker-compose up` to every healthcheck passing, the memory
// of the running stack (docker stats), and the whole run. The stand-in images are built first when this
// machine has none (printed once: the cold figure of the seed). Prints figures, never asserts.
// Needs root and the tools of .ci/install-validators. `--cold-seed` rebuilds the stand-ins in a fresh cache.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SCENARIOS } from '../packages/generator/dist/testing/generate.js';

const PORTALS = {
  defaults: {},
  'every-service': SCENARIOS['every-service-bind'],
  fastapi: { backend: 'fastapi', services: 'postgis,redis,celery,tileserver,varnish,nginx,prometheus,backup' },
  node: { backend: 'node', services: 'postgis,redis,tileserver,varnish,nginx,backup' },
};
const flags = options => Object.entries(options).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`, String(value)]);
const env = process.argv.includes('--cold-seed') ? { ...process.env, PORTAL_SMOKE_CACHE: mkdtempSync(join(tmpdir(), 'portal-bench-cache-')) } : process.env;

let started = performance.now();
const seed = spawnSync(process.execPath, ['packages/smoke/dist/cli.js', '--images'], { encoding: 'utf8', env, timeout: 3_600_000 });
const built = /stand-in images: (\d+) built in (\d+) s/.exec(seed.stdout);
console.log(
  built
    ? `stand-in images: ${built[1]} built in ${built[2]} s (cold, this machine had none)`
    : `stand-in images: cached (checked in ${((performance.now() - started) / 1000).toFixed(1)} s)`,
);
if (seed.status !== 0) {
  console.log(seed.stdout, seed.stderr);
  process.exit(1);
}

console.log('stack            exit  seed copy (s)  build cold (s)  build cached (s)  up->healthy (s)  memory (MiB)  checks  wall (s)');
for (const [name, options] of Object.entries(PORTALS)) {
  const repo = join(mkdtempSync(join(tmpdir(), 'portal-bench-')), name);
  spawnSync(process.execPath, ['packages/generator/dist/cli/portal.js', '--yes', '--skip-git', '--out', repo, ...flags(options)], { encoding: 'utf8' });
  started = performance.now();
  const run = spawnSync(process.execPath, ['packages/smoke/dist/cli.js', repo, '--measure'], { encoding: 'utf8', env, timeout: 1_200_000 });
  const wall = (performance.now() - started) / 1000;
  const f =
    /figures: seed copy ([\d.]+) s, repo images built ([\d.]+) s \(cold\) and ([\d.]+) s \(cached\), up to all healthy ([\d.]+) s, memory (\d+) MiB/.exec(
      run.stdout,
    ) ?? [];
  const checks = (run.stdout.match(/^\s*[\d.]+s ok {4}/gm) ?? []).length;
  const cells = [f[1], f[2], f[3], f[4], f[5]].map((v, i) => String(v ?? '-').padStart([13, 15, 17, 16, 13][i]));
  console.log(`${name.padEnd(16)} ${String(run.status).padStart(4)} ${cells.join(' ')} ${String(checks).padStart(7)} ${wall.toFixed(1).padStart(9)}`);
}
