/**
 * One run at a time per repo. The lock is a file in the state folder naming its holder (pid, the
 * process's start time, host and pid namespace); a holder that died (kill -9, a crash) is recognised and
 * its lock taken over, so a stale lock never needs a hand. A second run waits for the first, saying once
 * whom it waits for, and gives up after PORTAL_LOCK_WAIT seconds (default 120) naming the holder.
 */
import fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { PortalBusyError, PortalFsError, PortalInputError } from '../answers/input-error.js';
import { STATE_FOLDER } from '../shared/repo-folders.js';

interface Holder {
  readonly pid: number;
  readonly start: string;
  readonly host: string;
  readonly pidNamespace: string;
  readonly command: string;
  readonly since: string;
}

const TAKEOVER_STALE_MS = 10_000;
const held = new Map<string, string>();

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/** Field 22 of /proc/<pid>/stat: when the process started, so a reused pid is not taken for the holder. */
function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function pidNamespace(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/pid');
  } catch {
    return '';
  }
}

function me(command: string): Holder {
  return { pid: process.pid, start: processStart(process.pid) ?? '', host: hostname(), pidNamespace: pidNamespace(), command, since: new Date().toISOString() };
}

/** false when the holder is certainly gone; true when alive or when this process cannot tell (another host). */
function holderAlive(holder: Holder): boolean {
  if (holder.host !== hostname() || holder.pidNamespace !== pidNamespace()) return true;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  const start = processStart(holder.pid);
  return start === undefined || holder.start === '' || start === holder.start;
}

function readHolder(path: string): Holder | undefined {
  let stat;
  try {
    stat = fs.lstatSync(path);
  } catch {
    return undefined;
  }
  // a pipe would block the read forever
  if (!stat.isFile()) throw new PortalInputError(`Invalid ${STATE_FOLDER}/lock: it is not a regular file; remove it and run again.`);
  try {
    const holder = JSON.parse(fs.readFileSync(path, 'utf8')) as Holder;
    return typeof holder.pid === 'number' ? holder : undefined;
  } catch {
    return undefined;
  }
}

const same = (a: Holder | undefined, b: Holder | undefined): boolean =>
  a !== undefined && b !== undefined && a.pid === b.pid && a.start === b.start && a.host === b.host;

/** Creates the state folder, with a .gitignore that keeps all of it (itself included) out of git. */
export function ensureStateFolder(root: string): string {
  const stateDir = join(root, STATE_FOLDER);
  try {
    fs.mkdirSync(stateDir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  if (!fs.lstatSync(stateDir).isDirectory()) throw new PortalInputError(`Invalid ${STATE_FOLDER}: it is not a folder; remove it and run again.`);
  if (!fs.existsSync(join(stateDir, '.gitignore'))) fs.writeFileSync(join(stateDir, '.gitignore'), '*\n');
  return stateDir;
}

const isMissing = (error: unknown): boolean => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** Takes the repo's lock for this process (again: a no-op). Throws PortalBusyError when another run keeps it. */
export function acquireRepoLock(root: string, command: string, waitSeconds = Number(process.env.PORTAL_LOCK_WAIT ?? 120)): void {
  if (held.has(root)) return;
  const stateDir = join(root, STATE_FOLDER);
  const lock = join(stateDir, 'lock');
  const temp = join(stateDir, `lock.${process.pid}.tmp`);
  const content = `${JSON.stringify(me(command))}\n`;
  const deadline = Date.now() + waitSeconds * 1000;
  let announced = false;
  refuseOddState(stateDir, lock);
  try {
    for (;;) {
      try {
        // the folder may vanish under us when the holder releases and tidies up: make it again
        ensureStateFolder(root);
        fs.writeFileSync(temp, content);
        fs.linkSync(temp, lock);
        break;
      } catch (error) {
        if (isMissing(error)) continue;
        if (error instanceof PortalInputError) throw error;
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
          fs.rmSync(temp, { force: true });
          try {
            tidyStateFolder(root, stateDir);
          } catch {
            // a read-only repo: nothing was made to tidy
          }
          throw new PortalFsError(error, `${STATE_FOLDER}/lock`, 'nothing was changed');
        }
      }
      const holder = readHolder(lock);
      if (holder === undefined || !holderAlive(holder)) {
        if (takeOver(stateDir, lock, temp, holder)) break;
        continue;
      }
      if (Date.now() >= deadline) {
        throw new PortalBusyError(
          `another run holds this repo: pid ${holder.pid} on ${holder.host} (${holder.command}, since ${holder.since}); wait for it to finish, or if that process is gone, delete ${STATE_FOLDER}/lock.`,
        );
      }
      if (!announced) {
        process.stderr.write(`portal: waiting for pid ${holder.pid} (${holder.command}), which is changing this repo\n`);
        announced = true;
      }
      sleep(100);
    }
  } finally {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // no state folder to clean (a file stands in its place): the error above says so
    }
  }
  held.set(root, stateDir);
  removeDeadTemps(stateDir);
}

/** What stands where the state folder or the lock belongs is refused before anything is made there. */
function refuseOddState(stateDir: string, lock: string): void {
  const folder = fs.lstatSync(stateDir, { throwIfNoEntry: false });
  if (folder && !folder.isDirectory()) throw new PortalInputError(`Invalid ${STATE_FOLDER}: it is not a folder; remove it and run again.`);
  const file = folder && fs.lstatSync(lock, { throwIfNoEntry: false });
  if (file && !file.isFile()) throw new PortalInputError(`Invalid ${STATE_FOLDER}/lock: it is not a regular file; remove it and run again.`);
}

/** A run killed while taking the lock leaves its lock.<pid>.tmp behind. */
function removeDeadTemps(stateDir: string): void {
  for (const entry of fs.readdirSync(stateDir)) {
    const pid = /^lock\.(\d+)\.tmp$/.exec(entry)?.[1];
    if (pid === undefined || Number(pid) === process.pid) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') fs.rmSync(join(stateDir, entry), { force: true });
    }
  }
}

/** Replaces a dead holder's lock; one process at a time does it, through a second, short-lived lock. */
function takeOver(stateDir: string, lock: string, temp: string, stale: Holder | undefined): boolean {
  const takeover = join(stateDir, 'lock.takeover');
  try {
    fs.linkSync(temp, takeover);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // its maker died in the few instructions it holds it: old enough means gone
    const age = Date.now() - (fs.statSync(takeover, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > TAKEOVER_STALE_MS) fs.rmSync(takeover, { force: true });
    else sleep(20);
    return false;
  }
  try {
    const now = readHolder(lock);
    if (!same(now, stale) && !(now === undefined && stale === undefined)) return false;
    fs.renameSync(takeover, lock);
    return true;
  } finally {
    fs.rmSync(takeover, { force: true });
  }
}

/** Gives the lock back; the state folder goes too when this run made it and left nothing in it. */
export function releaseRepoLock(root: string): void {
  const stateDir = held.get(root);
  if (!stateDir) return;
  held.delete(root);
  fs.rmSync(join(stateDir, 'lock'), { force: true });
  tidyStateFolder(root, stateDir);
}

/** The state folder goes when nothing is left in it, so a run leaves the repo as it found it. */
function tidyStateFolder(root: string, stateDir: string): void {
  if (!fs.existsSync(stateDir) || fs.readdirSync(stateDir).some(entry => entry !== '.gitignore')) return;
  // entry by entry, never recursively: a run that just started waiting may have put its file here
  fs.rmSync(join(stateDir, '.gitignore'), { force: true });
  try {
    fs.rmdirSync(stateDir);
  } catch {
    if (fs.existsSync(stateDir)) ensureStateFolder(root);
  }
}

export function releaseAllRepoLocks(): void {
  for (const root of [...held.keys()]) {
    try {
      releaseRepoLock(root);
    } catch {
      // at exit, a lock left behind is recognised as stale by the next run
    }
  }
}

export const holdsRepoLock = (root: string): boolean => held.has(root);

process.once('exit', releaseAllRepoLocks);
