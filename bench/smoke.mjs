// Benchmark: wall time of the smoke run per portal, and when its stack was up (last service started).
// The issue's target is the whole smoke run under 5 minutes in CI; this prints figures, never asserts.
// Needs root and the servers of .ci/install-validators.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SCENARIOS } from '../dist/testing/generate.js';

const PORTALS = {
  defaults: {},
  'every-service': SCENARIOS['every-service'],
  fastapi: { backend: 'fastapi', services: 'postgis,redis,celery,tileserver,varnish,nginx,prometheus,backup' },
  node: { backend: 'node', services: 'postgis,redis,tileserver,varnish,nginx,backup' },
};
const flags = options => Object.entries(options).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`, String(value)]);
const seconds = (output, pattern) => [...output.matchAll(pattern)].map(m => Number(m[1])).at(-1);

console.log('portal             exit  up (s)  checks  wall (s)');
for (const [name, options] of Object.entries(PORTALS)) {
  const repo = join(mkdtempSync(join(tmpdir(), 'portal-bench-')), name);
  spawnSync(process.execPath, ['dist/cli/portal.js', '--yes', '--out', repo, ...flags(options)], { encoding: 'utf8' });
  const started = performance.now();
  const run = spawnSync(process.execPath, ['dist/smoke/cli.js', repo], { encoding: 'utf8', timeout: 600_000 });
  const wall = (performance.now() - started) / 1000;
  const up = seconds(run.stdout, /^\s*([\d.]+)s\s+started /gm);
  const checks = (run.stdout.match(/^\s*[\d.]+s ok {4}/gm) ?? []).length;
  console.log(`${name.padEnd(18)} ${String(run.status).padStart(4)} ${String(up ?? '-').padStart(7)} ${String(checks).padStart(7)} ${wall.toFixed(1).padStart(9)}`);
}
