// Benchmark: time and memory to generate each test scenario, in-process (pure pipeline) and through the bin.
// Prints figures only; targets are read by people, never asserted in tests.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { defaultAnswers, validateAnswers } from '../packages/generator/dist/answers/answers.js';
import { buildPortalModel } from '../packages/generator/dist/model/build-portal-model.js';
import { planFiles } from '../packages/generator/dist/render/file-plan.js';
import { seededSecrets } from '../packages/generator/dist/render/secret-source.js';
import { SCENARIOS } from '../packages/generator/dist/testing/generate.js';

const ROUNDS = 50;
const toRaw = options => {
  const raw = { ...options };
  if (raw.backendPort) raw.backendPort = Number(raw.backendPort);
  return raw;
};

console.log(`pipeline (answers -> model -> files), mean of ${ROUNDS} rounds after warm-up`);
console.log('scenario                  files    bytes   ms/run');
for (const [name, options] of Object.entries(SCENARIOS)) {
  const raw = toRaw(options);
  const run = () => planFiles(buildPortalModel(validateAnswers({ ...defaultAnswers(raw, 'bench'), ...raw })), seededSecrets('bench'));
  run();
  const started = performance.now();
  let files = [];
  for (let i = 0; i < ROUNDS; i++) files = run();
  const ms = (performance.now() - started) / ROUNDS;
  const bytes = files.reduce((sum, file) => sum + file.content.length, 0);
  console.log(`${name.padEnd(24)} ${String(files.length).padStart(6)} ${String(bytes).padStart(8)} ${ms.toFixed(2).padStart(8)}`);
}

console.log('\nbin (`portal --yes`, new process, writes to disk): wall time and peak RSS');
/** One run of the bin, timed, with peak RSS from GNU time when it is there. */
function timedPortal(label, args, cwd) {
  const started = performance.now();
  const result = spawnSync('/usr/bin/time', ['-f', '%M', process.execPath, join(process.cwd(), 'packages/generator/dist/cli/portal.js'), ...args], {
    encoding: 'utf8',
    cwd,
  });
  const ms = performance.now() - started;
  // GNU time prints peak RSS in KiB on the last stderr line; without it only the wall time is known
  const rssKb = Number(result.stderr?.trim().split('\n').at(-1));
  const rss = result.error || !Number.isFinite(rssKb) ? '   n/a' : (rssKb / 1024).toFixed(1).padStart(6);
  console.log(`${label.padEnd(32)} ${ms.toFixed(0).padStart(6)} ms  ${rss} MiB  (exit ${result.status})`);
}

const repos = {};
for (const name of ['defaults', 'every-service']) {
  const args = Object.entries(SCENARIOS[name]).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, c => `-${c.toLowerCase()}`)}`, String(value)]);
  repos[name] = join(mkdtempSync(join(tmpdir(), 'portal-bench-')), 'portal');
  timedPortal(name, ['--yes', '--out', repos[name], ...args], process.cwd());
}

console.log('\nre-runs on the defaults repo after a user edit (three-way merges)');
appendFileSync(join(repos.defaults, 'docker-compose.yml'), '# ops: edited by hand\n');
timedPortal('same answers', ['--yes'], repos.defaults);
timedPortal('add celery grafana', ['add', 'celery', 'grafana'], repos.defaults);
timedPortal('remove celery grafana', ['remove', 'celery', 'grafana'], repos.defaults);
timedPortal('doctor', ['doctor'], repos.defaults);

console.log('\npresets (each with --image-tag 2.3.1), then two instances added to the largest');
for (const preset of ['systemapic', 'housing-portal', 'sagui', 'mupets', 'mlp']) {
  repos[preset] = join(mkdtempSync(join(tmpdir(), 'portal-bench-')), 'portal');
  timedPortal(`preset ${preset}`, ['--yes', '--preset', preset, '--image-tag', '2.3.1', '--out', repos[preset]], process.cwd());
}
timedPortal('instance add eu', ['instance', 'add', 'eu', '--domain', 'eu.systemapic.example.org'], repos.systemapic);
timedPortal('instance add ke', ['instance', 'add', 'ke', '--domain', 'systemapic.example.co.ke'], repos.systemapic);
