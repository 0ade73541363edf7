/**
 * The generated stack on the run's engine: `docker-compose up` with the repo's files and the run's override,
 * then what the engine says about each container (state, health, logs, addresses, mounts). Healthchecks,
 * depends_on, networks, users, read-only roots, tmpfs, capabilities and limits are the engine's doing.
 */
import type { ComposeStack } from './compose.js';
import type { Engine } from './engine.js';
import type { Override } from './override.js';
import { firstLines, runTool, type ToolRun } from '@generator-portal/verifier/checks/run-tool.js';

export interface Report {
  readonly ok: (what: string) => void;
  readonly fail: (what: string, detail: string) => void;
  readonly note: (what: string) => void;
}

export const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

/** What `docker inspect` says of a container, the parts the checks read. */
export interface Inspected {
  readonly Id: string;
  readonly Name: string;
  readonly RestartCount: number;
  readonly State: {
    readonly Status: string;
    readonly Running: boolean;
    readonly ExitCode: number;
    readonly Pid: number;
    readonly StartedAt: string;
    readonly Health?: { readonly Status: string; readonly Log?: readonly { readonly ExitCode: number; readonly Output: string }[] };
  };
  readonly Config: {
    readonly User: string;
    readonly Labels: Record<string, string>;
    readonly Image: string;
    readonly Healthcheck?: { readonly Test?: string[] };
  };
  readonly HostConfig: {
    readonly ReadonlyRootfs: boolean;
    readonly CapAdd: string[] | null;
    readonly CapDrop: string[] | null;
    readonly Memory: number;
    readonly PidsLimit: number | null;
    readonly NanoCpus: number;
    readonly SecurityOpt: string[] | null;
    readonly Tmpfs: Record<string, string> | null;
    readonly RestartPolicy: { readonly Name: string };
    readonly PortBindings: Record<string, { HostIp: string; HostPort: string }[] | null> | null;
  };
  readonly Mounts: readonly { readonly Type: string; readonly Name?: string; readonly Source: string; readonly Destination: string; readonly RW: boolean }[];
  readonly NetworkSettings: { readonly Networks: Record<string, { readonly IPAddress: string; readonly Aliases: string[] | null }> };
}

export class RunningStack {
  private readonly ids = new Map<string, string>();
  /** Set when the run is interrupted. */
  stopping = false;

  constructor(
    readonly stack: ComposeStack,
    readonly engine: Engine,
    readonly repo: string,
    readonly files: readonly string[],
    readonly override: Override,
    private readonly report: Report,
  ) {}

  private composeArgs(): string[] {
    return [
      '--ansi',
      'never',
      '-p',
      this.stack.project,
      '--project-directory',
      this.repo,
      '--env-file',
      `${this.repo}/.env`,
      ...[...this.files, this.override.file].flatMap(f => ['-f', f]),
    ];
  }

  compose(args: readonly string[], timeoutMs = 600_000): Promise<ToolRun> {
    return runTool('docker-compose', [...this.composeArgs(), ...args], {
      cwd: this.repo,
      env: this.engine.env({ HOME: this.engine.root, LANG: 'C.UTF-8' }),
      timeoutMs,
    });
  }

  /** Seconds each step took, for `--measure` and the bench. */
  readonly timings: Record<string, number> = {};

  /** Builds the repo's images, then starts every service that can run here; compose waits on depends_on. */
  async up(): Promise<boolean> {
    for (const [name, why] of this.override.skipped) this.report.note(`not started: ${name}: ${why}`);
    // networks the files declare as external exist on the operator's host (a shared proxy's): here too
    for (const network of Object.values(this.stack.networks).filter(n => n.external)) {
      const made = await this.engine.docker(['network', 'create', network.name]);
      if (made.code === 0) this.report.note(`external network ${network.name} created in the run's engine, as the operator's host has it`);
    }
    const failed = (what: string, run: ToolRun) =>
      this.report.fail(
        what,
        firstLines(
          run.output
            .split('\n')
            .filter(l => !/^(Building|Step|Creating|Starting|Successfully|#\d+ (?!ERROR)|\s*--->)/.test(l))
            .join('\n'),
          15,
        ),
      );
    let started = Date.now();
    const build = await this.compose(['build', ...this.override.startable], 900_000);
    this.timings.build = (Date.now() - started) / 1000;
    if (build.code !== 0) {
      failed('docker-compose build', build);
      return false;
    }
    started = Date.now();
    this.upStarted = started;
    const run = await this.compose(['up', '-d', '--no-build', '--remove-orphans', ...this.override.startable], 900_000);
    await this.refresh();
    if (run.code !== 0) {
      failed('docker-compose up', run);
      return false;
    }
    this.report.note(
      `docker-compose up: ${this.ids.size} containers in ${((Date.now() - started) / 1000).toFixed(0)} s (images built in ${this.timings.build.toFixed(0)} s)`,
    );
    return true;
  }

  private upStarted = 0;

  /** `--measure`: the repo's images built again (cached), and the memory the running stack uses. */
  async measure(): Promise<void> {
    this.timings.healthy = (Date.now() - this.upStarted) / 1000;
    const started = Date.now();
    await this.compose(['build', ...this.override.startable], 900_000);
    this.timings.cachedBuild = (Date.now() - started) / 1000;
    const stats = await this.engine.docker(['stats', '--no-stream', '--format', '{{.MemUsage}}', ...this.ids.values()], { timeoutMs: 60_000 });
    const units: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, kB: 1e3, MB: 1e6, GB: 1e9 };
    this.timings.memoryMiB =
      stats.stdout
        .split('\n')
        .filter(Boolean)
        .reduce((sum, line) => {
          const m = /^([\d.]+)\s*([A-Za-z]+)/.exec(line);
          return sum + (m ? Number(m[1]) * (units[m[2]!] ?? 0) : 0);
        }, 0) /
      2 ** 20;
  }

  /** Container ids by service, from compose's labels. */
  async refresh(): Promise<void> {
    const run = await this.engine.docker([
      'ps',
      '-a',
      '--filter',
      `label=com.docker.compose.project=${this.stack.project}`,
      '--format',
      '{{.ID}} {{.Label "com.docker.compose.service"}}',
    ]);
    this.ids.clear();
    for (const line of run.stdout.split('\n').filter(Boolean)) {
      const [id, service] = line.split(' ');
      if (id && service) this.ids.set(service, id);
    }
  }

  id(name: string): string | undefined {
    return this.ids.get(name);
  }

  async inspect(name: string): Promise<Inspected | undefined> {
    const id = this.ids.get(name);
    if (!id) return undefined;
    const run = await this.engine.docker(['inspect', id]);
    return run.code === 0 ? (JSON.parse(run.stdout) as Inspected[])[0] : undefined;
  }

  /** Started here (a container exists), whatever its state. */
  started(name: string): boolean {
    return this.ids.has(name);
  }

  /** True for services nothing here can run (the override says why). */
  notStarted(name: string): boolean {
    return this.override.skipped.has(name);
  }

  async running(name: string): Promise<boolean> {
    return (await this.inspect(name))?.State.Running === true;
  }

  /** Services others wait on to complete (migrations): they are expected to exit 0. */
  get oneShot(): Set<string> {
    return new Set(
      this.stack.services.flatMap(s =>
        Object.entries(s.dependsOn)
          .filter(([, c]) => c === 'service_completed_successfully')
          .map(([d]) => d),
      ),
    );
  }

  /** The container's output, stdout and stderr as docker logs gives them. */
  async logs(name: string, tail?: number): Promise<string> {
    const id = this.ids.get(name);
    if (!id) return '';
    const run = await this.engine.docker(['logs', ...(tail ? ['--tail', String(tail)] : []), id], { timeoutMs: 30_000 });
    return `${run.stdout}${run.stderr}`;
  }

  async logTail(name: string, lines = 15): Promise<string> {
    return (await this.logs(name, lines)).trim();
  }

  /**
   * Waits as the engine runs each healthcheck: every long-lived service healthy (or running, without one),
   * every one-shot exited 0; reports each.
   */
  async checkHealth(): Promise<void> {
    const deadlines = new Map(this.stack.services.map(s => [s.name, Date.now() + 2 * Math.max(s.healthDeadlineMs, 30_000)]));
    const pending = new Set([...this.ids.keys()]);
    while (pending.size > 0 && !this.stopping) {
      for (const name of [...pending]) {
        const seen = await this.inspect(name);
        const service = this.stack.services.find(s => s.name === name);
        if (!seen || !service) {
          pending.delete(name);
          continue;
        }
        const late = Date.now() > (deadlines.get(name) ?? 0);
        if (this.oneShot.has(name)) {
          if (seen.State.Running && !late) continue;
          pending.delete(name);
          if (seen.State.Running) this.report.fail(`${name} runs to completion`, 'still running after its deadline');
          else if (seen.State.ExitCode === 0) this.report.ok(`${name} ran to completion (exit 0)`);
          else this.report.fail(`${name} runs to completion`, `exited with ${seen.State.ExitCode}:\n${await this.logTail(name)}`);
          continue;
        }
        const health = seen.State.Health?.Status;
        const test = service.healthcheck;
        if (!seen.State.Running && (seen.State.Status === 'exited' || seen.State.Status === 'dead' || seen.State.Status === 'created')) {
          pending.delete(name);
          this.report.fail(
            test ? `healthcheck of ${name}` : `${name} keeps running`,
            `the container is ${seen.State.Status} (exit ${seen.State.ExitCode}):\n${(await this.logTail(name)) || '(no output)'}`,
          );
          continue;
        }
        if (!test || !health) {
          pending.delete(name);
          this.report.note(`${name} has no healthcheck: it is ${seen.State.Status}`);
          continue;
        }
        if (health === 'healthy') {
          pending.delete(name);
          this.report.ok(`healthcheck of ${name}: ${test.slice(1).join(' ').replaceAll('$$', '$').slice(0, 100)}`);
        } else if (health === 'unhealthy' || late) {
          pending.delete(name);
          const last = seen.State.Health?.Log?.at(-1);
          this.report.fail(
            `healthcheck of ${name}`,
            `${health}${last ? `: exit ${last.ExitCode}: ${firstLines(last.Output, 5)}` : ''}\n${await this.logTail(name, 10)}`,
          );
        }
      }
      if (pending.size > 0) await sleep(1000);
    }
  }

  /** Long-running services that stopped or restarted while the checks ran. */
  async checkStillRunning(): Promise<void> {
    for (const name of this.ids.keys()) {
      if (this.oneShot.has(name)) continue;
      const seen = await this.inspect(name);
      if (seen && !seen.State.Running)
        this.report.fail(`${name} keeps running`, `it is ${seen.State.Status} (exit ${seen.State.ExitCode}):\n${await this.logTail(name)}`);
    }
  }

  /** `docker exec` into a running service, as its own user. */
  async exec(name: string, argv: readonly string[], options: { input?: string; user?: string; timeoutMs?: number } = {}): Promise<ToolRun> {
    const id = this.ids.get(name);
    if (!id) throw new Error(`${name} is not running`);
    return this.engine.docker(
      ['exec', ...(options.input !== undefined ? ['-i'] : []), ...(options.user ? ['--user', options.user] : []), id, ...argv],
      options,
    );
  }

  /** The host folder of a named volume (its bind device for bind storage). */
  async volume(name: string): Promise<string> {
    const device = this.stack.volumeDevices[name];
    if (device) return device;
    const run = await this.engine.docker(['volume', 'inspect', '--format', '{{.Mountpoint}}', `${this.stack.project}_${name}`]);
    return run.stdout.trim();
  }

  /** Address of a service on its first network, for requests from the harness (the engine's host). */
  async address(name: string): Promise<string> {
    const networks = Object.values((await this.inspect(name))?.NetworkSettings.Networks ?? {});
    return networks.find(n => n.IPAddress)?.IPAddress ?? '127.0.0.1';
  }

  /** Stops and removes the stack (volumes too: the data root goes anyway). */
  async down(): Promise<void> {
    await this.compose(['down', '--volumes', '--remove-orphans', '--timeout', '3'], 180_000);
  }
}
