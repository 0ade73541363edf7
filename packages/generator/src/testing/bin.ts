/** Test helper: the package's bin as a user runs it, in its own process, with no terminal. */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(DIST, 'cli', 'portal.js');
/** The fault injector (testing/crash-at.ts), loaded before the bin with --import. */
export const CRASH_AT = join(DIST, 'testing', 'crash-at.js');

export interface BinResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BinOptions {
  readonly cwd?: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Modules for `node --import`. */
  readonly imports?: readonly string[];
}

export function runPortal(args: readonly string[], options: BinOptions = {}): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const node = [...(options.imports ?? []).flatMap(module => ['--import', module]), BIN, ...args];
    const child = spawn(process.execPath, node, {
      cwd: options.cwd ?? process.cwd(),
      env: { ...process.env, CI: 'true', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', chunk => (stdout += chunk));
    child.stderr.on('data', chunk => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export interface SyncBinOptions {
  readonly cwd: string;
  /** Added to this process' environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Written to the bin's stdin; without it stdin is empty. */
  readonly input?: string;
  readonly timeout?: number;
}

/** The bin run to its end in its own process, no terminal: status, stdout and stderr as text. */
export function portalSync(args: readonly string[], options: SyncBinOptions): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** Runs the tasks with at most `width` at a time; results in order. */
export async function inPool<T, R>(items: readonly T[], width: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
}
