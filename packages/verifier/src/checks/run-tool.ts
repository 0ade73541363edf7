/** Runs one validator process with a time limit and captures what it printed. */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr, trimmed, for failure messages. */
  readonly output: string;
}

export interface ToolOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly input?: string;
  readonly timeoutMs?: number;
  /** Kills the process when aborted (a check that no longer needs its answer). */
  readonly signal?: AbortSignal;
}

export function runTool(command: string, args: readonly string[], options: ToolOptions = {}): Promise<ToolRun> {
  return new Promise(resolve => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      ...(options.signal ? { signal: options.signal, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout!.on('data', chunk => (stdout += chunk));
    child.stderr!.on('data', chunk => (stderr += chunk));
    child.on('error', error => {
      clearTimeout(timer);
      const code = error.name === 'AbortError' ? 130 : 127;
      resolve({ code, stdout, stderr: `${stderr}${error.message}`, output: error.message });
    });
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code: code ?? 137, stdout, stderr, output: `${stdout}\n${stderr}`.trim() });
    });
    if (child.stdin) {
      // a tool may exit before reading its input; that is its answer, not our error
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
  });
}

/** Absolute path of an executable on PATH (or in extra folders), if present. */
export function findExecutable(name: string, extraFolders: readonly string[] = []): string | undefined {
  for (const folder of [...extraFolders, ...(process.env.PATH ?? '').split(delimiter)]) {
    if (!folder) continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** Keeps failure output readable: the first lines that say something. */
export const firstLines = (text: string, count = 12): string =>
  text
    .split('\n')
    .filter(line => line.trim() !== '' && !line.startsWith('Could not delete'))
    .slice(0, count)
    .join('\n');
