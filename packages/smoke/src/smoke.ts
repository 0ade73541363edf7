/**
 * The smoke run of one generated repo on a real Docker engine: a copy of the repo boots in prod mode (base +
 * prod compose files, docker secrets, TLS edge) or dev mode (base + dev override, source mounted) on the
 * run's own dockerd, with local stand-ins for the official images; every healthcheck must pass, requests go
 * through the edge, what the engine enforces is checked (networks, read-only roots, capabilities, limits,
 * restarts), and a backup taken from the live stack is restored and compared.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { backupRoundTrip } from './backup-check.js';
import { loadStack } from './compose.js';
import { devChecks } from './dev-checks.js';
import { edgeChecks } from './edge-checks.js';
import { DOCKER_CLI, startEngine, type Engine } from './engine.js';
import { engineChecks, restartCheck } from './engine-checks.js';
import { envValue, runEnv, setEnvValue } from './env-file.js';
import { writeOverride } from './override.js';
import { hostAccess } from './safety.js';
import { RunningStack, sleep, type Report } from './stack.js';
import { copyDataRoot, releaseLocks, seedDataRoot, standInTag } from './standin-images.js';
import { standInFor } from './standin-table.js';
import { swarmAddress, swarmBoot } from './swarm-boot.js';
import { firstLines, runTool } from '@generator-portal/verifier/checks/run-tool.js';

/**
 * Processes of this run still alive after the stop, killed now. The run has a PID namespace of its own
 * (cli.ts), so /proc lists only its processes (dockerd, containerd, shims and containers included); zombies
 * are not counted (this process is their reaper).
 */
async function leftRunning(): Promise<string[]> {
  if (process.pid !== 1) return [];
  const alive = () =>
    readdirSync('/proc')
      .filter(name => /^\d+$/.test(name) && name !== '1')
      .flatMap(pid => {
        try {
          return /^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) ? [] : [pid];
        } catch {
          return [];
        }
      });
  // a killed process may still be tearing down for a moment
  for (let i = 0; i < 30 && alive().length > 0; i++) await sleep(100);
  return alive().map(pid => {
    let command = '';
    try {
      command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // ended meanwhile
    }
    return `${pid} ${command}`;
  });
}

/** Official images the generated scripts run with `docker run` (backup, restore): tagged to their stand-in. */
async function tagScriptImages(engine: Engine, repo: string, report: Report): Promise<void> {
  const folder = join(repo, 'scripts');
  if (!existsSync(folder)) return;
  const text = readdirSync(folder)
    .filter(f => f.endsWith('.sh'))
    .map(f => readFileSync(join(folder, f), 'utf8'))
    .join('\n');
  const images = new Set(
    [...text.matchAll(/^\s*(?:[\w-]+\.)?[\w./-]+:[\w.-]+(?=\s)/gm)].map(m => m[0].trim()).filter(i => /^[a-z0-9][\w./-]*:[\w.-]+$/.test(i) && standInFor(i)),
  );
  for (const image of images) {
    const standIn = standInFor(image)!;
    const tagged = await engine.docker(['tag', standInTag(standIn), image]);
    if (tagged.code !== 0) report.fail(`tagging ${image} for the scripts`, firstLines(tagged.output));
    else report.note(`${image} (run by the scripts with docker run) is the stand-in ${standInTag(standIn)} in this engine`);
  }
}

/**
 * Removes the work folder: first whatever is still mounted below it (an engine killed hard leaves its
 * volumes and network namespaces mounted; a recursive delete must not walk into a bound folder).
 */
async function removeWork(work: string): Promise<void> {
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map(line => line.split(' ')[1]?.replace(/\\040/g, ' ') ?? '')
    .filter(point => point.startsWith(`${work}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of mounts) await runTool('umount', ['--lazy', point]);
  try {
    rmSync(work, { recursive: true, force: true });
  } catch (error) {
    process.stderr.write(`smoke: could not remove ${work}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

const ALIVE = '.alive';

/**
 * Work folders of runs that died without cleaning up (kill -9 of the whole group, a machine reset): each run
 * touches its folder's `.alive` every 10 s, so one untouched for 5 minutes (an hour without the file) is
 * nobody's. They hold a repo copy with its secrets and links to seed layers.
 */
async function sweepDeadRuns(own: string): Promise<void> {
  const folder = dirname(own);
  for (const name of readdirSync(folder).filter(n => /^portal-smoke-/.test(n))) {
    const path = join(folder, name);
    if (path === own) continue;
    try {
      const alive = existsSync(join(path, ALIVE)) ? statSync(join(path, ALIVE)).mtimeMs : statSync(path).mtimeMs + 55 * 60_000;
      if (Date.now() - alive > 5 * 60_000) await removeWork(path);
    } catch {
      // another run removed it meanwhile
    }
  }
}

/** A folder with `docker` as Debian's CLI, first on the PATH of compose and the scripts (engine.ts). */
function dockerBin(work: string): string {
  const bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(DOCKER_CLI, join(bin, 'docker'));
  return bin;
}

/**
 * The run's own folder (its engine's data, the repo's copy): the run removes it itself once its engine has
 * stopped, not the verifier's exit hook, which would find the engine's mounts still busy.
 */
const runFolder = (prefix: string): string => mkdtempSync(join(tmpdir(), `portal-${prefix}-`));

/** `--images`: builds the stand-in images for this machine if it has none for the current definitions. */
export async function prepareImages(): Promise<boolean> {
  const work = runFolder('smoke-images');
  const print = (line: string) => process.stdout.write(`${line}\n`);
  // an interrupted build leaves no lock for the next run to wait on, and no half-built folder
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      print(`interrupted (${signal}): the stand-in images are not built`);
      releaseLocks();
      rmSync(work, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    print(`stand-in images ready: ${await seedDataRoot(dockerBin(work), print)}`);
    return true;
  } catch (error) {
    print(`stand-in images: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The compose boot and every check on it. */
async function composeBoot(
  stack: RunningStack,
  copy: string,
  work: string,
  report: Report,
  options: SmokeOptions,
  seedCopy: number,
  print: (line: string) => void,
): Promise<void> {
  if (!(await stack.up())) {
    // which service failed, then nothing more: the checks would only repeat that the stack is not up
    await stack.checkHealth();
    return;
  }
  await stack.checkHealth();
  if (options.measure) {
    await stack.measure();
    const t = stack.timings;
    print(
      `figures: seed copy ${seedCopy.toFixed(1)} s, repo images built ${t.build?.toFixed(1)} s (cold) and ${t.cachedBuild?.toFixed(1)} s (cached), up to all healthy ${t.healthy?.toFixed(1)} s, memory ${t.memoryMiB?.toFixed(0)} MiB`,
    );
  }
  await engineChecks(stack, report, options.dev);
  if (options.dev) await devChecks(stack, copy, report);
  else {
    await edgeChecks(stack, copy, report);
    await backupRoundTrip(stack, copy, work, report);
    await restartCheck(stack, report);
  }
  await stack.checkStillRunning();
}

export interface SmokeResult {
  readonly failures: number;
  readonly passed: number;
}

export interface SmokeOptions {
  /** Keep the work folder (logs, volumes) for a look after the run. */
  readonly keep?: boolean;
  /** Boot the dev files (base + docker-compose.override.yml, source mounted) instead of prod. */
  readonly dev?: boolean;
  /** Deploy deploy/swarm/stack.yml on a single-node Swarm of the run's engine instead of compose. */
  readonly swarm?: boolean;
  /** Print the figures the bench reads: seed copy, image builds (cold and cached), boot to healthy, memory. */
  readonly measure?: boolean;
  readonly print?: (line: string) => void;
}

export async function smoke(repo: string, options: SmokeOptions = {}): Promise<SmokeResult> {
  const started = Date.now();
  const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`;
  const write = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const print = (line: string) => write(`${clock()} ${line}`);
  let failures = 0;
  let passed = 0;
  const report: Report = {
    ok: what => {
      if (!interrupting) {
        passed++;
        print(`ok    ${what}`);
      }
    },
    fail: (what, detail) => {
      if (!interrupting) {
        failures++;
        print(`FAIL  ${what}\n${detail.replace(/^/gm, '      ')}`);
      }
    },
    note: what => {
      if (!interrupting) print(`      ${what}`);
    },
  };
  const work = runFolder('smoke');
  const copy = join(work, 'repo');
  const mode = options.dev ? 'dev' : 'prod';
  if (options.swarm && !existsSync(join(repo, 'deploy', 'swarm', 'stack.yml'))) {
    print(`${repo} has no deploy/swarm/stack.yml: generate it with --targets swarm (or portal add target swarm)`);
    return { failures: 1, passed: 0 };
  }
  const files = options.dev ? ['docker-compose.yml', 'docker-compose.override.yml'] : ['docker-compose.yml', 'docker-compose.prod.yml'];
  // links are copied as links (a relative one stays relative: it must not point back into the original)
  cpSync(repo, copy, { recursive: true, verbatimSymlinks: true, filter: source => !source.slice(repo.length).split('/').includes('node_modules') });
  print(`smoke run of ${repo} (${mode}: ${files.join(' + ')}) on a real Docker engine, work folder ${work}`);
  const bin = dockerBin(work);
  writeFileSync(join(work, ALIVE), '');
  const heartbeat = setInterval(() => {
    try {
      utimesSync(join(work, ALIVE), new Date(), new Date());
    } catch {
      // removed: the run is ending
    }
  }, 10_000);
  heartbeat.unref();
  await sweepDeadRuns(work);
  let engine: Engine | undefined;
  let stack: RunningStack | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      if (stack) stack.stopping = true;
      if (stack && !options.keep) await stack.down();
      await engine?.stop();
    })());
  // stopped from outside (Ctrl-C, a test's timeout): stop the stack and the engine, clean up, then go;
  // the steps still running see a stack torn down under them: what they find is not reported
  let interrupting = false;
  const interrupted = (signal: NodeJS.Signals) => async () => {
    interrupting = true;
    write(`interrupted (${signal}): stopping the stack and the engine`);
    await cleanUp();
    releaseLocks();
    if (!options.keep) await removeWork(work);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', interrupted('SIGTERM'));
  process.once('SIGINT', interrupted('SIGINT'));
  try {
    const env = runEnv(work, { PORTAL_ENV: mode });
    // a fresh clone's first step on a server (see the generated README)
    const secrets = await runTool('bash', ['scripts/create-secrets.sh'], { cwd: copy, env });
    if (secrets.code !== 0) {
      report.fail('scripts/create-secrets.sh', firstLines(secrets.output));
      return { failures, passed };
    }
    const project = envValue(join(copy, '.env'), 'COMPOSE_PROJECT_NAME') || 'portal';
    if (envValue(join(copy, '.env'), 'DATA_ROOT')) {
      // bind storage: the host folders go into the work folder, for the containers and the scripts alike
      setEnvValue(join(copy, '.env'), 'DATA_ROOT', join(work, 'data-root'));
      report.note(`DATA_ROOT is ${join(work, 'data-root')} for this run`);
      const storage = await runTool('bash', ['scripts/create-storage.sh'], { cwd: copy, env });
      if (storage.code !== 0) {
        report.fail('scripts/create-storage.sh', firstLines(storage.output));
        return { failures, passed };
      }
      report.ok('scripts/create-storage.sh made the host folders of bind storage');
    }
    const compose = await loadStack(copy, files, join(copy, '.env'), project, env);
    const refused = hostAccess(compose, [copy, work]);
    if (refused.length > 0) {
      report.fail('the run keeps to its own folders and namespaces: refused, nothing started', refused.join('\n'));
      return { failures, passed };
    }
    const seed = await seedDataRoot(bin, print);
    const engineRoot = join(work, 'e');
    const copying = Date.now();
    await copyDataRoot(seed, join(engineRoot, 'data'));
    const seedCopy = (Date.now() - copying) / 1000;
    if (options.swarm) await swarmAddress();
    engine = await startEngine(engineRoot, bin, print);
    await tagScriptImages(engine, copy, report);
    const override = writeOverride(compose, work);
    for (const line of override.notes) report.note(line);
    stack = new RunningStack(compose, engine, copy, files, override, report);
    if (options.swarm) await swarmBoot(stack, engine, copy, report);
    else await composeBoot(stack, copy, work, report, options, seedCopy, print);
  } catch (error) {
    // compose refusing the files is the repo's fault, said in compose's words; anything else is ours
    const message = error instanceof Error ? error.message : String(error);
    if (/^docker-compose config failed/.test(message)) report.fail('docker-compose config', message.replace(/^docker-compose config failed: /, ''));
    else report.fail('smoke run', error instanceof Error ? (error.stack ?? message) : message);
  } finally {
    if (!interrupting) {
      await cleanUp();
      const left = await leftRunning();
      if (left.length > 0) report.fail('every process stopped', left.join('\n'));
      else print(`stopped the stack and the engine, no process left`);
      if (!options.keep) await removeWork(work);
      print(failures === 0 ? `smoke run passed: ${passed} checks` : `smoke run FAILED: ${failures} failed, ${passed} passed`);
    }
  }
  return { failures, passed };
}
