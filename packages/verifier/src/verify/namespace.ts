/**
 * Runs a validator in a private mount namespace where compose service names resolve to 127.0.0.1 and
 * generated folders sit at their container paths; the host's files are never touched.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { runTool, type ToolRun } from '../checks/run-tool.js';

/** Every service name of the compose files of a repo, for the hosts file. */
export function composeServiceNames(repo: string): string[] {
  const names = new Set<string>();
  // the dev override too: a service of dev only (a front end's dev server) is named by the dev site
  for (const file of ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml']) {
    try {
      const doc = parse(readFileSync(join(repo, file), 'utf8')) as { services?: Record<string, unknown> };
      for (const name of Object.keys(doc?.services ?? {})) names.add(name);
    } catch {
      // a missing or broken file is reported by the compose checks
    }
  }
  return [...names].sort();
}

/** The run's temporary folders (configs, hosts files, throwaway servers' data): gone when the process ends. */
const made = new Set<string>();

export function tempDir(prefix: string): string {
  if (made.size === 0) removeAtExit();
  const dir = mkdtempSync(join(tmpdir(), `portal-${prefix}-`));
  made.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made) {
    stopServersOf(dir);
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    } catch {
      // still busy (a server slow to stop): left for the system's temp cleaning, never an error at exit
    }
  }
  made.clear();
}

/**
 * A throwaway server still running (varnishd daemonizes into a session of its own, so neither Ctrl-C nor
 * its script's cleanup reaches it once the folder with its pid file is gone) is stopped by its pid file.
 */
function stopServersOf(dir: string): void {
  // varnish.pid and nginx's beside their files, PostgreSQL's data/postmaster.pid a folder down
  for (const file of pidFiles(dir, 2)) {
    const pid = Number(readFileSync(file, 'utf8').split('\n')[0]!.trim());
    try {
      if (Number.isInteger(pid) && pid > 1) process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

function pidFiles(dir: string, depth: number): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
      if (entry.isFile() && entry.name.endsWith('.pid')) return [join(dir, entry.name)];
      return entry.isDirectory() && depth > 1 ? pidFiles(join(dir, entry.name), depth - 1) : [];
    });
  } catch {
    return [];
  }
}

let watching = false;
/** At exit, and on Ctrl-C or a TERM (which end Node without its exit event): then the signal ends us as before. */
function removeAtExit(): void {
  if (watching) return;
  watching = true;
  process.once('exit', removeTempDirs);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      removeTempDirs();
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    });
  }
}

/**
 * `mounts` are [source, target] bind mounts; targets must already exist on the host. With `network`, the
 * command also gets a network namespace of its own with only loopback up: servers started there cannot
 * collide with the host's ports or with a parallel run.
 */
export function runInNamespace(
  mounts: readonly (readonly [string, string])[],
  command: string,
  args: readonly string[],
  options: { network?: boolean; timeoutMs?: number } = {},
): Promise<ToolRun> {
  const steps = [...mounts.map((_, i) => `mount --bind "$${2 * i + 1}" "$${2 * i + 2}"`), ...(options.network ? ['ip link set lo up'] : [])];
  const script = [...steps, `shift ${mounts.length * 2}`, 'exec "$@"'].join(' && ');
  return runTool('unshare', [options.network ? '-mn' : '-m', 'sh', '-c', script, 'sh', ...mounts.flat(), command, ...args], {
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
}
