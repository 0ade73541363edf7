#!/usr/bin/env node
/**
 * `docker` and `docker-compose` for the generated scripts during a smoke run (backup.sh, restore.sh): the
 * two things they ask of the engine, `compose exec -T SERVICE cmd` and `docker run --rm -v VOLUME:PATH
 * IMAGE cmd`, done against the running sandboxes. Anything else fails loudly, so a script that starts to
 * need more is noticed. The run's state (PIDs, container specs, volume folders) comes from PORTAL_SMOKE_STATE.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { containerCommand, execArgs, type Bind, type ContainerSpec } from './sandbox.js';

export interface SmokeState {
  readonly project: string;
  readonly work: string;
  /** Volume name -> folder. */
  readonly volumes: Readonly<Record<string, string>>;
  readonly hostsFile: string;
  readonly path: string;
  readonly containers: Record<string, { readonly pid: number; readonly spec: ContainerSpec }>;
}

const refuse = (message: string): never => {
  process.stderr.write(`docker (smoke run stand-in): ${message}\n`);
  process.exit(125);
};

const run = (command: string, args: string[]) => {
  // from /: the caller's folder does not exist inside the container
  const child = spawn(command, args, { stdio: 'inherit', cwd: '/' });
  child.on('exit', code => process.exit(code ?? 1));
};

/** `docker-compose [--env-file F] [-f F]... exec [-T] SERVICE cmd...` */
function composeExec(state: SmokeState, args: string[]) {
  const rest = [...args];
  while (rest[0] && rest[0] !== 'exec') rest.splice(0, ['--env-file', '-f', '--file', '-p', '--project-name'].includes(rest[0]) ? 2 : 1);
  if (rest.shift() !== 'exec') refuse(`only "compose exec" is available here, not: ${args.join(' ')}`);
  while (rest[0]?.startsWith('-')) {
    if (rest[0] !== '-T') refuse(`compose exec option ${rest[0]} is not available here`);
    rest.shift();
  }
  const [service, ...argv] = rest;
  const container = service ? state.containers[service] : undefined;
  if (!container) refuse(`service ${service} is not running here`);
  run('nsenter', execArgs(container!.pid, container!.spec, argv));
}

/** `docker run --rm -v SOURCE:TARGET[:ro]... IMAGE cmd...`: a throwaway sandbox with those volumes. */
function dockerRun(state: SmokeState, args: string[]) {
  const binds: Bind[] = [{ source: state.hostsFile, target: '/etc/hosts', readOnly: true, directory: false }];
  const rest = [...args];
  while (rest[0]?.startsWith('-')) {
    const flag = rest.shift()!;
    if (flag === '--rm' || flag === '-i') continue;
    if (flag !== '-v' && flag !== '--volume') refuse(`docker run option ${flag} is not available here`);
    const [source, target, mode] = rest.shift()!.split(':') as [string, string, string?];
    const prefix = `${state.project}_`;
    const path = source.startsWith('/') ? source : (source.startsWith(prefix) && state.volumes[source.slice(prefix.length)]) || refuse(`unknown volume ${source}`);
    if (!existsSync(path)) refuse(`volume ${source} does not exist`);
    binds.push({ source: path, target, readOnly: mode === 'ro', directory: true });
  }
  const [, ...argv] = rest;
  const spec: ContainerSpec = { name: 'run', hostname: 'run', binds, tmpfs: [], links: [], env: { PATH: state.path }, workdir: '/', argv };
  const [command, commandArgs] = containerCommand(spec, state.work, `run-${process.pid}`);
  run(command, commandArgs);
}

const state = JSON.parse(readFileSync(process.env.PORTAL_SMOKE_STATE ?? refuse('PORTAL_SMOKE_STATE is not set'), 'utf8')) as SmokeState;
const [flavour, ...args] = process.argv.slice(2);
if (flavour === 'docker-compose') composeExec(state, args);
else if (args[0] === 'compose') {
  // lib.sh asks `docker compose version` to choose v2; answer as a machine with compose v1 only
  if (args[1] === 'version') process.exit(1);
  composeExec(state, args.slice(1));
} else if (args[0] === 'run') dockerRun(state, args.slice(1));
// lib.sh's check that the engine answers: the sandboxes are the engine here
else if (args[0] === 'version') process.exit(0);
else refuse(`only "run" and "compose exec" are available here, not: ${args.join(' ')}`);
