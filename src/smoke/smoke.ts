/**
 * The smoke run of one generated repo: a copy of it boots in prod mode (base + prod compose files, docker
 * secrets, TLS edge), every healthcheck must pass, requests go through the edge, and a backup taken from
 * the live stack is restored and compared.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupRoundTrip } from './backup-check.js';
import { loadStack } from './compose.js';
import { edgeChecks } from './edge-checks.js';
import { envValue, runEnv, setEnvValue } from './env-file.js';
import { buildOwnAddressLib, RunningStack, sleep, stackPaths, type Report } from './stack.js';
import { tempDir } from '../verify/namespace.js';
import { firstLines, runTool } from '../verify/run-tool.js';

/**
 * Processes of this run still alive after the stop, killed now. The run has a PID namespace of its own
 * (cli.ts), so /proc lists only its processes; zombies are not counted (this process is their reaper).
 */
async function leftRunning(): Promise<string[]> {
  if (process.pid !== 1) return [];
  const alive = () => readdirSync('/proc').filter(name => /^\d+$/.test(name) && name !== '1').flatMap(pid => {
    try {
      return /^\d+ \(.*\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) ? [] : [pid];
    } catch {
      return [];
    }
  });
  // a killed process may still be tearing down for a moment
  for (let i = 0; i < 20 && alive().length > 0; i++) await sleep(100);
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

export interface SmokeResult {
  readonly failures: number;
  readonly passed: number;
}

export interface SmokeOptions {
  /** Keep the work folder (logs, volumes) for a look after the run. */
  readonly keep?: boolean;
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
    ok: what => { passed++; print(`ok    ${what}`); },
    fail: (what, detail) => { failures++; print(`FAIL  ${what}\n${detail.replace(/^/gm, '      ')}`); },
    note: what => print(`      ${what}`),
  };
  const work = tempDir('smoke');
  const copy = join(work, 'repo');
  cpSync(repo, copy, { recursive: true, filter: source => !source.includes('/node_modules/') });
  print(`smoke run of ${repo} (prod: docker-compose.yml + docker-compose.prod.yml), work folder ${work}`);
  let stack: RunningStack | undefined;
  // stopped from outside (Ctrl-C, a test's timeout): stop the stack and clean up before going
  const interrupted = (signal: NodeJS.Signals) => async () => {
    print(`interrupted (${signal}): stopping every service`);
    if (stack) stack.stopping = true;
    await stack?.stop();
    print(`stopped ${stack?.containers.size ?? 0} services by PID`);
    // the interrupted steps may still be writing there: remove, retrying briefly
    for (let i = 0; i < 10 && !options.keep && existsSync(work); i++) {
      try {
        rmSync(work, { recursive: true, force: true });
      } catch {
        await sleep(200);
      }
    }
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGTERM', interrupted('SIGTERM'));
  process.once('SIGINT', interrupted('SIGINT'));
  try {
    // a fresh clone's first step on a server (see the generated README)
    const secrets = await runTool('bash', ['scripts/create-secrets.sh'], { cwd: copy, env: runEnv(work) });
    if (secrets.code !== 0) {
      report.fail('scripts/create-secrets.sh', firstLines(secrets.output));
      return { failures, passed };
    }
    const project = envValue(join(copy, '.env'), 'COMPOSE_PROJECT_NAME') || 'portal';
    if (envValue(join(copy, '.env'), 'DATA_ROOT')) {
      // bind storage: the host folders go into the work folder, for the containers and the scripts alike
      setEnvValue(join(copy, '.env'), 'DATA_ROOT', join(work, 'data-root'));
      report.note(`DATA_ROOT is ${join(work, 'data-root')} for this run`);
      const storage = await runTool('bash', ['scripts/create-storage.sh'], { cwd: copy, env: runEnv(work) });
      if (storage.code !== 0) {
        report.fail('scripts/create-storage.sh', firstLines(storage.output));
        return { failures, passed };
      }
      report.ok('scripts/create-storage.sh made the host folders of bind storage');
    }
    const compose = await loadStack(copy, ['docker-compose.yml', 'docker-compose.prod.yml'], join(copy, '.env'), project, runEnv(work));
    stack = new RunningStack(compose, stackPaths(work, await buildOwnAddressLib(work)), report);
    await stack.start();
    await stack.checkHealth();
    await edgeChecks(stack, copy, report);
    await backupRoundTrip(stack, copy, report);
    stack.checkStillRunning();
  } catch (error) {
    report.fail('smoke run', error instanceof Error ? error.stack ?? error.message : String(error));
  } finally {
    await stack?.stop();
    const left = await leftRunning();
    if (left.length > 0) report.fail('every process stopped by PID', left.join('\n'));
    else print(`stopped ${stack?.containers.size ?? 0} services by PID, no process left`);
    if (!options.keep) rmSync(work, { recursive: true, force: true });
  }
  print(failures === 0 ? `smoke run passed: ${passed} checks` : `smoke run FAILED: ${failures} failed, ${passed} passed`);
  return { failures, passed };
}
