/**
 * A container without a container engine: the process gets its own mount and UTS namespaces, a root that is
 * a throwaway overlay of the host's root (so container paths can be created without touching the host),
 * the compose volumes, secrets and tmpfs mounts at their container paths, the stack's hosts file, and the
 * compose user. Everything runs inside the smoke run's own network and PID namespaces (see cli.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, fchmodSync, mkdirSync, openSync, readdirSync, readlinkSync, realpathSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { runTool, type ToolRun } from '../verify/run-tool.js';

export interface Bind {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly directory: boolean;
}

export interface ContainerSpec {
  readonly name: string;
  readonly hostname: string;
  readonly binds: readonly Bind[];
  /** [target, mount options] */
  readonly tmpfs: readonly (readonly [string, string])[];
  /** [path, target] symbolic links made in the container's root before it starts. */
  readonly links: readonly (readonly [string, string])[];
  readonly env: Readonly<Record<string, string>>;
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly workdir: string;
  readonly argv: readonly string[];
  /** compose's read_only: the root is read-only; volumes and tmpfs mounts stay writable */
  readonly readOnly?: boolean;
  /** compose's stop_signal, else the image's STOPSIGNAL, else SIGTERM */
  readonly stopSignal?: NodeJS.Signals;
}

export interface Container {
  readonly spec: ContainerSpec;
  readonly pid: number;
  readonly child: ChildProcess;
  readonly log: string;
  /** Resolves with the exit code when the process ends. */
  readonly exited: Promise<number>;
}

/** POSIX shell quoting. */
export const q = (text: string): string => `'${text.replaceAll("'", "'\\''")}'`;

const depth = (path: string) => path.split('/').length;

/**
 * A container path with the symbolic links of its existing part resolved (/var/run -> /run): the root is
 * an overlay of the host's, and an absolute link followed from outside the chroot would leave it.
 */
export function resolveInRoot(path: string): string {
  const parts = path.split('/').filter(Boolean);
  for (let i = parts.length; i > 0; i--) {
    const prefix = `/${parts.slice(0, i).join('/')}`;
    if (!existsSync(prefix)) continue;
    return posix.join(realpathSync(prefix), ...parts.slice(i));
  }
  return path;
}

/** The commands that enter the container's environment and user, then run argv. */
const enter = (spec: ContainerSpec, argv: readonly string[], env: Readonly<Record<string, string>> = spec.env) => [
  '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
  ...(spec.user ? ['/usr/bin/setpriv', `--reuid=${spec.user.uid}`, `--regid=${spec.user.gid}`, '--clear-groups'] : []),
  '/bin/sh', '-c', 'cd "$1" && shift && exec "$@"', 'sh', spec.workdir, ...argv,
];

function setupScript(spec: ContainerSpec, dir: string): string {
  const root = join(dir, 'root');
  const layer = join(dir, 'layer');
  const lines = [
    'set -eu',
    `mount -t tmpfs -o mode=0755 tmpfs ${q(layer)}`,
    `mkdir ${q(`${layer}/u`)} ${q(`${layer}/w`)}`,
    `mount -t overlay overlay -o lowerdir=/,upperdir=${q(`${layer}/u`)},workdir=${q(`${layer}/w`)} ${q(root)}`,
    `mount --rbind /dev ${q(`${root}/dev`)}`,
    // shared memory of the container's own, not the host's (postgres keeps segments there)
    `mount -t tmpfs -o mode=1777,size=64m shm ${q(`${root}/dev/shm`)}`,
    `mount -t proc proc ${q(`${root}/proc`)}`,
    `mount --rbind /sys ${q(`${root}/sys`)}`,
    `mount -o remount,bind,ro ${q(`${root}/sys`)}`,
    `hostname ${q(spec.hostname)}`,
  ];
  // parents before children: a bind into /tmp must come after the tmpfs on /tmp
  const mounts = [
    ...spec.tmpfs.map(([path, options]) => ({ target: resolveInRoot(path), options })).map(({ target, options }) => ({ target, line: `mkdir -p ${q(root + target)} && mount -t tmpfs -o ${q(options || 'mode=1777')} tmpfs ${q(root + target)}` })),
    ...spec.binds.map(bind => ({ ...bind, target: resolveInRoot(bind.target) })).map(b => {
      const at = q(root + b.target);
      const make = b.directory ? `mkdir -p ${at}` : `mkdir -p "$(dirname ${at})" && { [ -e ${at} ] || touch ${at}; }`;
      const ro = b.readOnly ? ` && mount -o remount,bind,ro ${at}` : '';
      return { target: b.target, line: `${make} && mount --bind ${q(b.source)} ${at}${ro}` };
    }),
  ].sort((a, b) => depth(a.target) - depth(b.target));
  lines.push(...mounts.map(m => m.line));
  lines.push(...spec.links.map(([path, target]) => `mkdir -p -m 0755 "$(dirname ${q(root + path)})" && chmod 0755 "$(dirname ${q(root + path)})" && ln -sfn ${q(target)} ${q(root + path)}`));
  if (spec.readOnly) lines.push(`mount -o remount,ro ${q(root)}`);
  lines.push(`exec chroot ${q(root)} ${enter(spec, spec.argv).map(q).join(' ')}`);
  return `${lines.join('\n')}\n`;
}

/** Writes the container's setup script; returns the command that runs it (in new mount and UTS namespaces). */
export function containerCommand(spec: ContainerSpec, work: string, id: string = spec.name): [string, string[]] {
  const dir = join(work, 'containers', id);
  mkdirSync(join(dir, 'root'), { recursive: true });
  mkdirSync(join(dir, 'layer'), { recursive: true });
  writeFileSync(join(dir, 'start.sh'), setupScript(spec, dir));
  return ['unshare', ['-mu', '--propagation', 'private', '/bin/sh', join(dir, 'start.sh')]];
}

export function startContainer(spec: ContainerSpec, work: string): Container {
  const [command, args] = containerCommand(spec, work);
  const log = join(work, 'logs', `${spec.name}.log`);
  mkdirSync(join(work, 'logs'), { recursive: true });
  const fd = openSync(log, 'a');
  // the image's user must be able to reopen its own output (/dev/stderr), as it can with docker's pipes
  fchmodSync(fd, 0o666);
  const child = spawn(command, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<number>(resolve => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
    child.on('error', () => resolve(127));
  });
  return { spec, pid: child.pid!, child, log, exited };
}

/** `nsenter` arguments that run argv inside a running container, as `docker exec` does. */
export const execArgs = (pid: number, spec: ContainerSpec, argv: readonly string[], env: Readonly<Record<string, string>> = spec.env): string[] =>
  ['-t', String(pid), '-m', '-u', '-r', '-w', '--', ...enter(spec, argv, env)];

/**
 * Runs a command inside a running container, as `docker exec` does: same mounts, root, environment and
 * user (unless `asRoot`). `input` is fed to its standard input.
 */
export function execIn(container: Container, argv: readonly string[], options: { input?: string; env?: Record<string, string>; asRoot?: boolean; timeoutMs?: number } = {}): Promise<ToolRun> {
  const spec = options.asRoot ? { ...container.spec, user: undefined } : container.spec;
  const env = { ...container.spec.env, ...options.env };
  return runTool('nsenter', execArgs(container.pid, spec, argv, env), {
    cwd: '/',
    ...(options.input !== undefined ? { input: options.input } : {}),
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}

/** PIDs of the processes in a mount namespace (`mnt:[id]`), found through /proc. */
function processesIn(namespace: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc').filter(n => /^\d+$/.test(n))) {
    try {
      if (readlinkSync(`/proc/${name}/ns/mnt`) === namespace) found.push(Number(name));
    } catch {
      // ended meanwhile
    }
  }
  return found;
}

/**
 * Stops a container by PID as `docker stop` does: TERM to its main process, KILL after a grace period, then
 * KILL to whatever else still runs in the container (its mount namespace), such as a child left behind.
 */
export async function stopContainer(container: Container, graceMs = 5000): Promise<void> {
  let namespace: string | undefined;
  try {
    namespace = readlinkSync(`/proc/${container.pid}/ns/mnt`);
  } catch {
    // already gone
  }
  if (container.child.exitCode === null && container.child.signalCode === null) {
    container.child.kill(container.spec.stopSignal ?? 'SIGTERM');
    const timer = setTimeout(() => container.child.kill('SIGKILL'), graceMs);
    await container.exited;
    clearTimeout(timer);
  }
  // the harness shares no mount namespace with a container: this never matches our own processes
  if (namespace && namespace !== readlinkSync('/proc/self/ns/mnt')) {
    for (const pid of processesIn(namespace)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // ended meanwhile
      }
    }
  }
}
