/**
 * A Docker engine of the run's own: Debian's dockerd (with its containerd and runc) started inside the run's
 * private network, mount and PID namespaces (cli.ts), with its own data root, exec root and socket. Bridges,
 * 172.x addresses, iptables chains and published ports exist only in that namespace; stopping the engine
 * stops every container, and the namespace's end stops whatever is left.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { firstLines, runTool, type ToolRun } from '@generator-portal/verifier/checks/run-tool.js';

/** Debian's CLI, the one that matches dockerd 20.10 and uses its built-in BuildKit (no buildx needed). */
export const DOCKER_CLI = '/usr/bin/docker';

export interface Engine {
  readonly root: string;
  readonly socket: string;
  /** Environment for docker, docker-compose and the generated scripts: they talk to this engine only. */
  readonly env: (extra?: NodeJS.ProcessEnv) => NodeJS.ProcessEnv;
  readonly docker: (args: readonly string[], options?: { input?: string; timeoutMs?: number }) => Promise<ToolRun>;
  readonly stop: () => Promise<void>;
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

/** The engine answers its API on the socket. */
const ping = (socket: string): Promise<boolean> =>
  new Promise(resolve => {
    const req = request({ socketPath: socket, path: '/_ping', timeout: 2000 }, res => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });

/** dockerd and containerd are gone (also after SIGKILL: their children are reaped by the namespace). */
const exited = (child: ChildProcess): Promise<void> =>
  new Promise(resolve => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

/**
 * Starts dockerd with `root` as its data root (a seeded copy with the stand-in images, see standin-images.ts)
 * and a short exec root: unix socket paths are limited to 108 bytes.
 */
export async function startEngine(root: string, bin: string, log: (line: string) => void): Promise<Engine> {
  const data = join(root, 'data');
  const exec = join(root, 'x');
  const socket = join(root, 'docker.sock');
  mkdirSync(data, { recursive: true });
  mkdirSync(exec, { recursive: true });
  const logFile = join(root, 'dockerd.log');
  const out = openSync(logFile, 'a');
  const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...extra,
    // the run's bin first: `docker` is Debian's CLI there (see DOCKER_CLI)
    PATH: `${bin}:${extra.PATH ?? process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin'}`,
    DOCKER_HOST: `unix://${socket}`,
    // compose builds through the CLI, so BuildKit builds the Dockerfiles as a developer's machine does
    COMPOSE_DOCKER_CLI_BUILD: '1',
    DOCKER_BUILDKIT: '1',
    DOCKER_CONFIG: join(root, 'cli-config'),
    COMPOSE_HTTP_TIMEOUT: '300',
  });
  const child = spawn(
    'dockerd',
    [
      '--data-root',
      data,
      '--exec-root',
      exec,
      '--host',
      `unix://${socket}`,
      '--pidfile',
      join(root, 'dockerd.pid'),
      '--storage-driver=overlay2',
      '--ip6tables=false',
      '--iptables=true',
      '--log-level=warn',
      // nothing can be pulled here: a missing image must fail at once, not after registry timeouts
      '--registry-mirror=http://127.0.0.1:9',
      '--max-download-attempts=1',
    ],
    { stdio: ['ignore', out, out], env: { PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin' } },
  );
  closeSync(out);
  let ready = false;
  for (let i = 0; i < 150 && !ready && child.exitCode === null; i++) {
    ready = existsSync(socket) && (await ping(socket));
    if (!ready) await sleep(200);
  }
  if (!ready) {
    child.kill('SIGKILL');
    await exited(child);
    throw new Error(`dockerd did not start: ${firstLines(readFileSync(logFile, 'utf8'), 8)}`);
  }
  log(`engine: dockerd (Debian's docker.io) on ${socket}, data root ${data}`);
  const docker: Engine['docker'] = (args, options = {}) => runTool(DOCKER_CLI, [...args], { env: env(), ...options });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      // containers first, with their stop signals and grace periods; then the daemon, which stops containerd
      const ids = (await docker(['ps', '-aq'], { timeoutMs: 30_000 })).stdout.split('\n').filter(Boolean);
      if (ids.length > 0) await docker(['rm', '-f', ...ids], { timeoutMs: 60_000 });
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited(child);
      clearTimeout(timer);
    })());
  return { root, socket, env, docker, stop };
}
