/**
 * `docker-compose config` of a file set, rendered once per verify run: the compose checks and the checklist
 * both need it, and each render is a Python start (about 0.4 s of CPU).
 */
import { runTool, type ToolRun } from './run-tool.js';
import { tool } from './tools.js';

/** The files compose merges, as its options: `--env-file FILE -f BASE -f OVERRIDE ...`. */
export type ComposeFileSet = readonly string[];

/** Starts one process: the command (binary and its leading arguments), its arguments and folder. */
export type Spawn = (command: readonly string[], args: readonly string[], cwd: string) => Promise<ToolRun>;

const spawnTool: Spawn = (command, args, cwd) => runTool(command[0]!, [...command.slice(1), ...args], { cwd });

/** docker-compose 1.29 when installed, else the docker CLI's `docker compose`. */
export function composeCommand(): string[] | undefined {
  const v1 = tool('docker-compose');
  if (v1) return [v1];
  const docker = tool('docker');
  return docker ? [docker, 'compose'] : undefined;
}

/** The renders of one verify run: a file set asked for twice (even at once) is rendered once. */
export class ComposeRenders {
  private readonly renders = new Map<string, Promise<ToolRun>>();

  constructor(private readonly spawn: Spawn = spawnTool) {}

  /** `config` of the file set in `repo`: stdout is the merged model, stderr compose's warnings. */
  config(command: readonly string[], repo: string, files: ComposeFileSet): Promise<ToolRun> {
    const key = JSON.stringify([command, repo, files]);
    let render = this.renders.get(key);
    if (!render) {
      render = this.spawn(command, [...files, 'config'], repo);
      this.renders.set(key, render);
    }
    return render;
  }
}
