// Benchmark: `portal verify` on a freshly generated defaults repo, beside the Node floor (`node -e 0`), in one
// table: wall time (best and median of a few rounds: others may share the cores), peak RSS, ratio to the floor.
// Prints figures only; the target (issue 17: at most 5 s wall) is read by people, never asserted.
// Run after a build: `node bench/verify.mjs` (BENCH_ROUNDS=N for more rounds).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const PORTAL = join(ROOT, 'packages', 'generator', 'dist', 'cli', 'portal.js');
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/** One run under GNU time (peak RSS in KiB on stderr's last line): wall ms, MiB or NaN, exit code. */
function timed(args, cwd) {
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, ...args], { cwd, encoding: 'utf8', maxBuffer: 16 << 20 });
  const ms = performance.now() - started;
  const kib = Number(run.stderr?.trim().split('\n').at(-1));
  return { ms, mib: run.error || !Number.isFinite(kib) ? NaN : kib / 1024, code: run.status };
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

const work = mkdtempSync(join(tmpdir(), 'portal-bench-verify-'));
const repo = join(work, 'portal');
const generated = spawnSync(process.execPath, [PORTAL, '--yes', '--out', repo, '--secret-seed', 'bench'], { encoding: 'utf8' });
if (generated.status !== 0) {
  console.error(`portal --yes failed (exit ${generated.status}): ${generated.stderr}`);
  process.exit(1);
}

const rows = [
  { label: 'node -e 0 (floor)', args: ['-e', '0'] },
  { label: 'portal verify (defaults)', args: [PORTAL, 'verify'] },
].map(row => ({ ...row, runs: [] }));
// rounds interleaved, so a burst of load from elsewhere falls on both rows alike
for (let round = 0; round < ROUNDS; round++) for (const row of rows) row.runs.push(timed(row.args, repo));

const floor = median(rows[0].runs.map(run => run.ms));
console.log(`portal verify against the Node floor: ${ROUNDS} rounds, wall ms best / median, peak RSS of the median round`);
console.log('command                      best ms  median ms  peak MiB  x floor  exit');
for (const { label, runs } of rows) {
  const walls = runs.map(run => run.ms);
  const middle = runs.find(run => run.ms === median(walls));
  const codes = [...new Set(runs.map(run => run.code))].join(',');
  console.log(
    `${label.padEnd(26)} ${Math.min(...walls)
      .toFixed(0)
      .padStart(9)} ${median(walls).toFixed(0).padStart(10)} ${middle.mib.toFixed(1).padStart(9)} ${(median(walls) / floor).toFixed(1).padStart(8)}  ${codes}`,
  );
}
rmSync(work, { recursive: true, force: true });
