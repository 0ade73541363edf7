// The bin's non-interactive figures against Node's own start (`node -e 0`), side by side: wall time and
// peak RSS (GNU time) of `portal --yes` for the defaults and every service, of a re-run with the answers
// unchanged, with the bytes that re-run wrote, and of `portal add` / `portal remove` of a service. Median
// of ROUNDS runs each; figures only, the targets (4x the floor, 80 MiB, 0 bytes) are printed next to them,
// never asserted.
import { spawnSync } from 'node:child_process';
import { cpSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SCENARIOS } from '../packages/generator/dist/testing/generate.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BIN = join(process.cwd(), 'packages/generator/dist/cli/portal.js');
const TARGET_RATIO = 4;
const TARGET_MIB = 80;

const optionArgs = options => Object.entries(options).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`, String(value)]);

/**
 * One process under GNU time: wall ms (measured here), CPU ms (user + system: what the run itself costs
 * when other work shares the cores) and peak RSS in MiB (its %M, KiB).
 */
function timed(args, cwd) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%U %S %M', process.execPath, ...args], { encoding: 'utf8', cwd });
  const ms = performance.now() - started;
  const [user, system, kib] = (result.stderr?.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
  if (result.error || result.status !== 0) throw new Error(`${args.join(' ')}: exit ${result.status}\n${result.stderr}`);
  return { ms, cpu: (user + system) * 1000, mib: kib / 1024 };
}

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Median wall time and peak RSS of ROUNDS runs; `prepare` gives each run its arguments and folder. */
function measure(prepare) {
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    const { args, cwd, after } = prepare(round);
    runs.push({ ...timed(args, cwd), extra: after?.() });
  }
  return {
    ms: median(runs.map(run => run.ms)),
    cpu: median(runs.map(run => run.cpu)),
    mib: median(runs.map(run => run.mib)),
    extras: runs.map(run => run.extra),
  };
}

/** Each file's identity and time: a rewrite (even of the same bytes) changes them. */
function snapshot(root) {
  const files = new Map();
  const walk = folder => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (relative(root, path) === '.portal') continue;
      if (entry.isDirectory()) walk(path);
      else {
        const stat = lstatSync(path, { bigint: true });
        files.set(path, { key: `${stat.ino} ${stat.mtimeNs} ${stat.ctimeNs}`, size: Number(stat.size) });
      }
    }
  };
  walk(root);
  return files;
}

/** Bytes of the files a run rewrote or created (by identity, not content). */
const bytesWritten = (before, after) => [...after].reduce((sum, [path, file]) => (before.get(path)?.key === file.key ? sum : sum + file.size), 0);

const scratch = mkdtempSync(join(tmpdir(), 'portal-bench-fast-'));
const fresh = name => join(mkdtempSync(join(scratch, `${name}-`)), 'portal');
const rows = [];
rows.push({ label: 'node -e 0 (floor)', ...measure(() => ({ args: ['-e', '0'], cwd: scratch })) });
for (const name of ['defaults', 'every-service']) {
  const base = ['--yes', '--skip-git', '--secret-seed', 'bench', ...optionArgs(SCENARIOS[name])];
  rows.push({ label: `portal --yes ${name}`, ...measure(() => ({ args: [BIN, ...base, '--out', fresh(name)], cwd: scratch })) });
}
const repo = fresh('rerun');
timed([BIN, '--yes', '--skip-git', '--secret-seed', 'bench', '--out', repo], scratch);
let before;
const rerun = measure(() => {
  before = snapshot(repo);
  return { args: [BIN, '--yes'], cwd: repo, after: () => bytesWritten(before, snapshot(repo)) };
});
rows.push({ label: 'portal --yes re-run, unchanged', ...rerun, bytes: Math.max(...rerun.extras) });

// a service added to, then removed from, a copy of the defaults repo each round
for (const [verb, label] of [
  ['add', 'portal add celery'],
  ['remove', 'portal remove celery'],
]) {
  rows.push({
    label,
    ...measure(() => {
      const copy = fresh(verb);
      cpSync(repo, copy, { recursive: true });
      if (verb === 'remove') timed([BIN, 'add', 'celery', '--secret-seed', 'bench'], copy);
      return { args: [BIN, verb, 'celery', '--secret-seed', 'bench'], cwd: copy };
    }),
  });
}

const [floor] = rows;
console.log(`portal's non-interactive runs against the Node floor: median of ${ROUNDS} runs (targets: ${TARGET_RATIO}x, ${TARGET_MIB} MiB, 0 bytes)`);
console.log(
  `load average ${loadavg()
    .map(load => load.toFixed(1))
    .join(' ')} on ${availableParallelism()} cores: wall time grows with it, CPU time much less`,
);
console.log('run                                wall ms   x floor    CPU ms   x floor   peak MiB   bytes written');
for (const row of rows) {
  const figures = [row.ms.toFixed(0), (row.ms / floor.ms).toFixed(1), row.cpu.toFixed(0), (row.cpu / floor.cpu).toFixed(1)];
  const bytes = row.bytes === undefined ? '' : String(row.bytes).padStart(13);
  console.log(`${row.label.padEnd(34)} ${figures.map(figure => figure.padStart(7)).join('   ')} ${row.mib.toFixed(1).padStart(10)}   ${bytes}`);
}
rmSync(scratch, { recursive: true, force: true });
