/**
 * How a validator runs: the native binary when installed, else, when a Docker engine answers, the official
 * image of the same tool (the very image the generated stack runs, for nginx, varnish and Prometheus).
 * Checks ask for a runner and never care which one they got.
 */
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { runInNamespace, tempDir } from './namespace.js';
import { runTool, type ToolRun } from '../checks/run-tool.js';
import { DOCKER_TOOLS, isRoot, tool } from '../checks/tools.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RunOptions {
  readonly cwd?: string;
  /** [host path, container path] pairs the tool must see at the container path. */
  readonly mounts?: readonly (readonly [string, string])[];
  /** Names that must resolve (to 127.0.0.1), e.g. compose services an nginx upstream names. */
  readonly hosts?: readonly string[];
}

export interface Runner {
  readonly via: 'native' | 'docker';
  /** False when mounts or hosts are asked for but cannot be given (native tool, not root or no unshare). */
  readonly canIsolate: boolean;
  run(args: readonly string[], options?: RunOptions): Promise<ToolRun>;
}

/** Images for the tools a laptop usually lacks: in tools.ts, whose install hints name them. */
export { DOCKER_TOOLS };

let dockerAnswers: boolean | undefined;
export function dockerEngine(): string | undefined {
  const docker = tool('docker');
  if (!docker) return undefined;
  dockerAnswers ??= spawnSync(docker, ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  return dockerAnswers ? docker : undefined;
}

export function runnerFor(name: string): Runner | undefined {
  const native = tool(name);
  if (native) return nativeRunner(native);
  const docker = dockerEngine();
  if (!docker) return undefined;
  if (name === 'docker-compose')
    return { via: 'docker', canIsolate: false, run: (args, options = {}) => runTool(docker, ['compose', ...args], { cwd: options.cwd }) };
  const image = DOCKER_TOOLS[name];
  return image ? dockerRunner(docker, image.image, image.entrypoint) : undefined;
}

function nativeRunner(binary: string): Runner {
  const canIsolate = isRoot() && tool('unshare') !== undefined;
  return {
    via: 'native',
    canIsolate,
    run(args, options = {}) {
      if (!options.mounts?.length && !options.hosts?.length) return runTool(binary, args, { cwd: options.cwd });
      const hosts = join(tempDir('hosts'), 'hosts');
      writeFileSync(hosts, `127.0.0.1 localhost ${(options.hosts ?? []).join(' ')}\n::1 localhost\n`);
      return runInNamespace([[hosts, '/etc/hosts'], ...(options.mounts ?? [])], binary, args);
    },
  };
}

/** docker run with the working folder and the temp folder at their own paths, so file arguments stay valid. */
export function dockerArgs(image: string, entrypoint: string, args: readonly string[], options: RunOptions = {}): string[] {
  const cwd = options.cwd ?? process.cwd();
  return [
    'run',
    '--rm',
    '--network',
    'none',
    '-v',
    `${cwd}:${cwd}:ro`,
    '-v',
    `${tmpdir()}:${tmpdir()}`,
    ...(options.mounts ?? []).flatMap(([source, target]) => ['-v', `${source}:${target}`]),
    ...(options.hosts ?? []).flatMap(name => ['--add-host', `${name}:127.0.0.1`]),
    '-w',
    cwd,
    '--entrypoint',
    entrypoint,
    image,
    ...args,
  ];
}

function dockerRunner(docker: string, image: string, entrypoint: string): Runner {
  return {
    via: 'docker',
    canIsolate: true,
    run: (args, options = {}) => runTool(docker, dockerArgs(image, entrypoint, args, options), { cwd: options.cwd, timeoutMs: 300_000 }),
  };
}
