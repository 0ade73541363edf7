/**
 * Boots a generated stack without a container engine: every compose service in start order, each in its
 * sandbox with its own loopback address, waiting on depends_on conditions as compose does; then runs every
 * healthcheck, and stops everything by PID at the end, whatever happened.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SMOKE_DIR } from './images.js';
import { startOrder, unescape, type ComposeStack } from './compose.js';
import { planService, volumeDir, type Plan, type StackPaths } from './containers.js';
import { execIn, startContainer, stopContainer, type Container } from './sandbox.js';
import { firstLines, runTool, type ToolRun } from '../verify/run-tool.js';

export interface Report {
  readonly ok: (what: string) => void;
  readonly fail: (what: string, detail: string) => void;
  readonly note: (what: string) => void;
}

/** How long a one-shot service (migrations) may run before its dependents give up. */
const ONE_SHOT_DEADLINE_MS = 120_000;
export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** Last lines of a service's log, for failure messages. */
export const logTail = (container: Container | undefined, lines = 15): string =>
  container && existsSync(container.log) ? readFileSync(container.log, 'utf8').trim().split('\n').slice(-lines).join('\n') : '';

export class RunningStack {
  readonly containers = new Map<string, Container>();
  readonly plans: Plan[];
  readonly addresses: Map<string, string>;
  private readonly health = new Map<string, Promise<string | undefined>>();
  private readonly exitReported = new Set<string>();
  /** Set when the run is interrupted: nothing more is started. */
  stopping = false;

  constructor(readonly stack: ComposeStack, readonly paths: StackPaths, private readonly report: Report) {
    const names = stack.services.map(s => s.name).sort();
    this.addresses = new Map(names.map((name, i) => [name, `127.0.0.${10 + i}`]));
    const aliases = (name: string) => [...new Set([name, stack.services.find(s => s.name === name)?.hostname ?? name])].join(' ');
    writeFileSync(paths.hostsFile, `127.0.0.1 localhost\n${names.map(n => `${this.addresses.get(n)} ${aliases(n)}`).join('\n')}\n`);
    // planning creates each volume for its first user, with that user as owner (as an image's folder would be)
    this.plans = startOrder(stack.services).map(service => planService(service, stack, paths, this.addresses.get(service.name)!));
    // compose creates every volume at `up`, also those of services that do not start here
    for (const volume of stack.volumes) mkdirSync(volumeDir(stack, paths, volume), { recursive: true });
  }

  /** Starts every service compose would start, honouring depends_on; false when one could not start. */
  async start(): Promise<boolean> {
    let fine = true;
    for (const plan of this.plans) {
      if (this.stopping) return false;
      const { service } = plan;
      if (plan.problem) {
        this.report.fail(`${service.name} starts`, plan.problem);
        fine = false;
        continue;
      }
      if (!plan.spec) {
        this.report.note(`not started: ${service.name}: ${plan.skipped}`);
        continue;
      }
      let blocked = false;
      for (const [dependency, condition] of Object.entries(service.dependsOn)) {
        if (this.notStarted(dependency)) {
          this.report.note(`${service.name} depends on ${dependency} (${condition}), which is not started here`);
          continue;
        }
        const problem = await this.waitFor(dependency, condition);
        if (problem) {
          // compose does not start a service whose dependency failed
          this.report.fail(`${service.name} starts`, `depends on ${dependency} (${condition}): ${problem}`);
          blocked = true;
        }
      }
      if (blocked) {
        fine = false;
        continue;
      }
      if (this.stopping) return false;
      const container = startContainer(plan.spec, this.paths.work);
      this.containers.set(service.name, container);
      this.report.note(`started ${service.name} at ${this.addresses.get(service.name)} (pid ${container.pid}): ${plan.runs}`);
      for (const standIn of plan.standIns) this.report.note(`stand-in for ${service.name}: ${standIn}`);
    }
    return fine;
  }

  /** True for services nothing here can run (their plan says why). */
  notStarted(name: string): boolean {
    return this.plans.some(p => p.service.name === name && p.skipped);
  }

  /** '' when the dependency reached its condition, else what went wrong. */
  private async waitFor(name: string, condition: string): Promise<string | undefined> {
    const container = this.containers.get(name);
    if (!container) return 'not started here';
    if (condition === 'service_completed_successfully') {
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([container.exited, new Promise<'timeout'>(resolve => (timer = setTimeout(() => resolve('timeout'), ONE_SHOT_DEADLINE_MS)))]);
      clearTimeout(timer);
      if (code === 0) return undefined;
      return code === 'timeout' ? 'still running after 2 minutes' : `exited with ${code}:\n${logTail(container)}`;
    }
    if (condition === 'service_healthy') return this.healthy(name);
    return undefined;
  }

  /** Runs the service's compose healthcheck until it passes; undefined on success, else the last failure. */
  healthy(name: string): Promise<string | undefined> {
    const known = this.health.get(name);
    if (known) return known;
    const result = this.pollHealth(name);
    this.health.set(name, result);
    return result;
  }

  private async pollHealth(name: string): Promise<string | undefined> {
    const container = this.containers.get(name);
    const service = this.stack.services.find(s => s.name === name);
    const test = service?.healthcheck;
    if (!container) return 'not started here';
    if (!test || test[0] === 'NONE') return 'has no healthcheck';
    const argv = test[0] === 'CMD-SHELL' ? ['/bin/sh', '-c', unescape(test.slice(1).join(' '))] : test.slice(1).map(unescape);
    if (argv.length === 0 || argv.at(-1) === '') return `the healthcheck has no command: ${JSON.stringify(test)}`;
    const deadline = Date.now() + Math.max(service!.healthDeadlineMs, 5000);
    let last = '';
    let exitCode: number | undefined;
    void container.exited.then(code => (exitCode = code));
    while (Date.now() < deadline) {
      // twice compose's timeout: a loaded CI machine is slower than a server
      const run = await execIn(container, argv, { timeoutMs: 2 * service!.healthTimeoutMs });
      if (run.code === 0) return undefined;
      last = `exit ${run.code}: ${run.output.split('\n').slice(0, 5).join('\n')}`;
      if (exitCode !== undefined) return `the service exited (${exitCode}) before it was healthy:\n${logTail(container)}`;
      await sleep(2000);
    }
    return `still failing after ${Math.round(service!.healthDeadlineMs / 1000)} s (start_period + retries × interval): ${last}\n${logTail(container)}`;
  }

  /** The compose healthcheck of every running long-lived service must pass. */
  async checkHealth(): Promise<void> {
    for (const [name, container] of this.containers) {
      if (this.oneShot.has(name)) {
        const problem = await this.waitFor(name, 'service_completed_successfully');
        if (problem) this.report.fail(`${name} runs to completion`, problem);
        else this.report.ok(`${name} ran to completion (exit 0)`);
        continue;
      }
      if (container.child.exitCode !== null || container.child.signalCode !== null) {
        this.exitReported.add(name);
        this.report.fail(`${name} keeps running`, `it exited (${container.child.exitCode ?? container.child.signalCode}):\n${logTail(container) || '(no output)'}`);
        continue;
      }
      const test = this.stack.services.find(s => s.name === name)?.healthcheck;
      if (!test) {
        this.report.note(`${name} has no healthcheck: it is running`);
        continue;
      }
      // a failure seen by a depends_on wait stands; a pass is checked again: the service may have failed since
      const remembered = await this.health.get(name);
      const problem = remembered ?? (await this.pollHealth(name));
      if (problem) this.report.fail(`healthcheck of ${name}`, problem);
      else this.report.ok(`healthcheck of ${name}: ${unescape(test.slice(1).join(' ')).slice(0, 100)}`);
    }
  }

  /** Long-running services that stopped while the checks ran. */
  checkStillRunning(): void {
    for (const [name, container] of this.containers) {
      if (this.oneShot.has(name) || this.exitReported.has(name) || container.child.exitCode === null && container.child.signalCode === null) continue;
      this.report.fail(`${name} keeps running`, `it exited during the checks (${container.child.exitCode ?? container.child.signalCode}):\n${logTail(container)}`);
    }
  }

  /** Services others wait on to complete (migrations): they are expected to exit 0. */
  private get oneShot(): Set<string> {
    return new Set(this.stack.services.flatMap(s => Object.entries(s.dependsOn).filter(([, c]) => c === 'service_completed_successfully').map(([d]) => d)));
  }

  /** Stops every started process by PID, last started first. */
  async stop(): Promise<void> {
    for (const container of [...this.containers.values()].reverse()) await stopContainer(container);
  }

  /** `docker exec` into a running service. */
  exec(name: string, argv: readonly string[], options: { input?: string } = {}): Promise<ToolRun> {
    const container = this.containers.get(name);
    if (!container) throw new Error(`${name} is not running`);
    return execIn(container, argv, options);
  }

  /** The folder that holds a named volume's files. */
  volume(name: string): string {
    return volumeDir(this.stack, this.paths, name);
  }

  container(name: string): Container | undefined {
    return this.containers.get(name);
  }

  /** Host of a service for requests from the harness. */
  address(name: string): string {
    return this.addresses.get(name) ?? '127.0.0.1';
  }
}

export const stackPaths = (work: string, ownAddressLib: string): StackPaths => ({
  work, hostsFile: join(work, 'hosts'), volumes: join(work, 'volumes'), ownAddressLib,
});

/** Compiles the own-address library for this machine (requirements.ts makes sure a compiler is here). */
export async function buildOwnAddressLib(work: string): Promise<string> {
  const lib = join(work, 'lib', 'own-address.so');
  mkdirSync(dirname(lib), { recursive: true });
  const run = await runTool('cc', ['-shared', '-fPIC', '-O2', '-o', lib, join(SMOKE_DIR, 'lib', 'own-address.c'), '-ldl']);
  if (run.code !== 0) throw new Error(`building the own-address library failed: ${firstLines(run.output, 3)}`);
  return lib;
}
