/**
 * How a run's files reach the disk so that a crash at any instant loses nothing.
 *
 * 1. stage: every new file is written (and synced) into .portal/tx-<id>/new/, nothing else is touched;
 * 2. commit point: journal.json, listing every change, appears by one rename;
 * 3. apply: each target moves to .portal/tx-<id>/old/ and its staged file takes its place;
 * 4. the transaction folder is deleted.
 * A run that dies before 2 left only a staging folder: the next run deletes it. One that dies after 2
 * is completed by the next run (every step of 3 can be done again). An error during 3 (a read-only
 * folder) puts back every file already replaced, and marks the journal rollback.json first, so a crash
 * during that undo is undone too. The state folder ignores itself, so no leftover is ever committable.
 */
import fs from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { PortalFsError, PortalInputError } from '../answers/input-error.js';
import { ensureStateFolder } from './repo-lock.js';
import { checkedAbsolute } from './repo-paths.js';

export interface FileChange {
  /** Absolute path inside the repo. */
  readonly path: string;
  readonly contents: Buffer | null;
  readonly mode?: number | undefined;
  readonly remove?: boolean;
}

export interface CommitOptions {
  /** Repo-relative folders kept 0700 (created so, and tightened when found looser). */
  readonly privateFolders?: readonly string[];
}

interface Entry {
  readonly path: string;
  readonly remove: boolean;
  readonly existed: boolean;
}

interface Journal {
  readonly entries: readonly Entry[];
  /** Folders the apply step creates, outermost first, with their mode. */
  readonly folders: readonly { readonly path: string; readonly mode: number }[];
  readonly privateFolders: readonly string[];
}

const STATE = 'the state folder .portal';
const exists = (path: string): boolean => fs.lstatSync(path, { throwIfNoEntry: false }) !== undefined;
const isPrivate = (folder: string, privateFolders: readonly string[]) => privateFolders.some(p => folder === p || folder.startsWith(`${p}/`));
const toRepoPath = (root: string, path: string) => relative(root, path).split(sep).join('/');

/** Writes every change or none; see the header for how a crash is survived. */
export function commitChanges(root: string, changes: readonly FileChange[], options: CommitOptions = {}): void {
  if (changes.length === 0) return;
  const stateDir = ensureStateFolder(root);
  const privateFolders = options.privateFolders ?? [];
  const entries: Entry[] = [];
  const folders: { path: string; mode: number }[] = [];
  const device = fs.statSync(stateDir).dev;
  let tx = '';
  let current = STATE;
  try {
    tx = fs.mkdtempSync(join(stateDir, 'tx-'));
    fs.mkdirSync(join(tx, 'new'));
    fs.mkdirSync(join(tx, 'old'));
    for (const [index, change] of changes.entries()) {
      const path = toRepoPath(root, checkedAbsolute(root, change.path, 'the files to write'));
      current = path;
      entries.push({ path, remove: change.remove === true, existed: exists(change.path) });
      if (change.remove) continue;
      if (!change.contents) throw new Error(`${path}: cannot write an empty file`);
      for (const folder of missingFolders(root, dirname(path))) {
        if (!folders.some(f => f.path === folder)) folders.push({ path: folder, mode: isPrivate(folder, privateFolders) ? 0o700 : 0o755 });
      }
      sameDevice(root, path, device);
      writeSynced(join(tx, 'new', String(index)), change.contents, change.mode);
    }
    current = STATE;
    writeSynced(join(tx, 'journal.json.tmp'), Buffer.from(JSON.stringify({ entries, folders, privateFolders } satisfies Journal)));
    fs.renameSync(join(tx, 'journal.json.tmp'), join(tx, 'journal.json'));
    syncFolder(tx);
  } catch (error) {
    if (tx) fs.rmSync(tx, { recursive: true, force: true });
    throw error instanceof PortalInputError ? error : new PortalFsError(error, current, 'nothing was changed');
  }
  const journal: Journal = { entries, folders, privateFolders };
  try {
    apply(root, tx, journal, path => (current = path));
  } catch (error) {
    fs.renameSync(join(tx, 'journal.json'), join(tx, 'rollback.json'));
    undo(root, tx, journal);
    fs.rmSync(tx, { recursive: true, force: true });
    throw new PortalFsError(error, current, 'every file was put back as it was');
  }
  fs.rmSync(tx, { recursive: true, force: true });
}

/** Finishes or undoes what an interrupted run left in the state folder; returns a sentence per transaction. */
export function recoverInterrupted(root: string, stateDir: string): string[] {
  const said: string[] = [];
  for (const name of fs
    .readdirSync(stateDir)
    .filter(entry => entry.startsWith('tx-'))
    .sort()) {
    const tx = join(stateDir, name);
    const read = (file: string) => JSON.parse(fs.readFileSync(join(tx, file), 'utf8')) as Journal;
    if (exists(join(tx, 'journal.json'))) {
      const journal = read('journal.json');
      apply(root, tx, journal);
      said.push(`completed the changes of an interrupted run (${journal.entries.length} file(s))`);
    } else if (exists(join(tx, 'rollback.json'))) {
      undo(root, tx, read('rollback.json'));
      said.push('undid the half-applied changes of an interrupted run');
    } else {
      said.push('dropped the staged files of an interrupted run (nothing had been changed)');
    }
    fs.rmSync(tx, { recursive: true, force: true });
  }
  return said;
}

/** Every step can be repeated: a staged file still there has not reached its target yet. */
function apply(root: string, tx: string, journal: Journal, at: (path: string) => void = () => undefined): void {
  for (const folder of journal.folders) {
    at(folder.path);
    const path = join(root, folder.path);
    if (!exists(path)) fs.mkdirSync(path, { mode: folder.mode });
  }
  for (const [index, entry] of journal.entries.entries()) {
    const target = join(root, entry.path);
    const staged = join(tx, 'new', String(index));
    const old = join(tx, 'old', String(index));
    at(entry.path);
    if (entry.remove) {
      if (exists(target) && !exists(old)) fs.renameSync(target, old);
      continue;
    }
    if (!exists(staged)) continue;
    if (exists(target) && !exists(old)) fs.renameSync(target, old);
    fs.renameSync(staged, target);
  }
  for (const folder of journal.privateFolders) {
    const path = join(root, folder);
    const stat = fs.lstatSync(path, { throwIfNoEntry: false });
    if (stat?.isDirectory() && (stat.mode & 0o077) !== 0) fs.chmodSync(path, 0o700);
  }
  // folders left empty by removed files go too (a removed service's config folder), never the repo itself
  for (const entry of journal.entries.filter(e => e.remove)) removeEmptyParents(root, dirname(entry.path));
}

function undo(root: string, tx: string, journal: Journal): void {
  for (const [index, entry] of [...journal.entries.entries()].reverse()) {
    const target = join(root, entry.path);
    const old = join(tx, 'old', String(index));
    if (exists(old)) fs.renameSync(old, target);
    else if (!entry.existed && !entry.remove && !exists(join(tx, 'new', String(index)))) fs.rmSync(target, { force: true });
  }
  for (const folder of [...journal.folders].reverse()) {
    try {
      fs.rmdirSync(join(root, folder.path));
    } catch {
      // not empty, or already gone
    }
  }
}

function removeEmptyParents(root: string, folder: string): void {
  for (let current = folder; current !== '.' && current !== ''; current = dirname(current)) {
    try {
      fs.rmdirSync(join(root, current));
    } catch {
      return;
    }
  }
}

/** The folders of `folder` (repo-relative) that do not exist yet, outermost first. */
function missingFolders(root: string, folder: string): string[] {
  const missing: string[] = [];
  for (let current = folder; current !== '.' && current !== '' && !exists(join(root, current)); current = dirname(current)) missing.unshift(current);
  return missing;
}

/** A rename cannot cross file systems: a folder mounted from elsewhere is refused before anything moves. */
function sameDevice(root: string, path: string, device: number): void {
  let current = dirname(path);
  while (current !== '.' && !exists(join(root, current))) current = dirname(current);
  const at = current === '.' ? root : join(root, current);
  if (fs.statSync(at).dev !== device) {
    throw new PortalInputError(
      `Invalid folder "${current}": it is mounted from another file system, so its files cannot be replaced all at once; unmount it or make it a plain folder of the repo.`,
    );
  }
}

function writeSynced(path: string, contents: Buffer, mode?: number): void {
  fs.writeFileSync(path, contents, { flag: 'wx', mode: mode === undefined ? 0o644 : mode & 0o7777 });
  const fd = fs.openSync(path, 'r');
  try {
    // the exact mode, whatever the umask; and the bytes on disk before the journal names them
    if (mode !== undefined) fs.fchmodSync(fd, mode & 0o7777);
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncFolder(path: string): void {
  const fd = fs.openSync(path, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
