/**
 * Tests only, loaded with `node --import`: counts every call that changes the file system below
 * PORTAL_CRASH_ROOT and sends SIGKILL to the process at call number PORTAL_CRASH_AT (a torn write with
 * PORTAL_CRASH_TORN=1: half the bytes reach the file first). PORTAL_CRASH_COUNT names a file that
 * receives the number of such calls when the process exits normally, and their names with
 * PORTAL_CRASH_TRACE=1.
 */
import fs from 'node:fs';
import { resolve } from 'node:path';

const root = process.env.PORTAL_CRASH_ROOT ? `${resolve(process.env.PORTAL_CRASH_ROOT)}/` : undefined;
const crashAt = Number(process.env.PORTAL_CRASH_AT ?? 0);
const torn = process.env.PORTAL_CRASH_TORN === '1';
const countFile = process.env.PORTAL_CRASH_COUNT;
const trace: string[] = [];
const fdPaths = new Map<number, string>();
let count = 0;
/** Calls made by a counted call (rmSync unlinking, say) are part of it, not calls of their own. */
let depth = 0;

const inside = (path: unknown): path is string =>
  root !== undefined && (typeof path === 'string' || path instanceof URL) && `${resolve(String(path))}/`.startsWith(root);
const pathOf = (target: unknown): unknown => (typeof target === 'number' ? fdPaths.get(target) : target);

/** True when this call is the one to die at. */
function tick(name: string, target: unknown): boolean {
  if (depth > 0 || !inside(pathOf(target))) return false;
  count++;
  if (process.env.PORTAL_CRASH_TRACE === '1') trace.push(`${count} ${name} ${String(pathOf(target)).slice(root!.length)}`);
  return count === crashAt;
}

const die = (): never => {
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

type AnyFn = (...args: unknown[]) => unknown;
const mutable = fs as unknown as Record<string, AnyFn>;

function wrap(name: string, onCrash?: (original: AnyFn, args: unknown[]) => void): void {
  const original = mutable[name]!;
  mutable[name] = (...args: unknown[]) => {
    if (tick(name, args[0])) {
      onCrash?.(original, args);
      die();
    }
    depth++;
    try {
      return original(...args);
    } finally {
      depth--;
    }
  };
}

const tearWrite = (original: AnyFn, args: unknown[]) => {
  if (!torn) return;
  const data = args[1];
  const bytes = typeof data === 'string' ? Buffer.from(data) : (data as Buffer);
  original(args[0], bytes.subarray(0, Math.floor(bytes.length / 2)));
};

for (const name of ['renameSync', 'linkSync', 'unlinkSync', 'rmSync', 'rmdirSync', 'mkdirSync', 'mkdtempSync', 'chmodSync', 'copyFileSync', 'symlinkSync'])
  wrap(name);
wrap('writeFileSync', tearWrite);
wrap('appendFileSync', tearWrite);

const openSync = mutable.openSync!;
mutable.openSync = (...args: unknown[]) => {
  const flags = String(args[1] ?? 'r');
  const writes = /[wa+]/.test(flags);
  if (writes && tick('openSync', args[0])) die();
  const fd = openSync(...args) as number;
  if (inside(args[0])) fdPaths.set(fd, resolve(String(args[0])));
  return fd;
};

// the asynchronous API must not write below the root behind the journal's back: counted, and fatal where chosen
const promises = fs.promises as unknown as Record<string, AnyFn>;
for (const name of ['writeFile', 'appendFile', 'rename', 'unlink', 'rm', 'rmdir', 'mkdir', 'chmod', 'copyFile', 'symlink', 'link']) {
  const original = promises[name]!;
  promises[name] = (...args: unknown[]) => (tick(`promises.${name}`, args[0]) ? die() : original(...args));
}

process.on('exit', () => {
  if (countFile) fs.writeFileSync(countFile, `${count}\n${trace.join('\n')}`);
});
