/**
 * The writer's target without Yeoman: the files of a run held in memory, then committed with the decisions
 * yeoman-environment's commit step makes (transactional-commit.ts runs that step for the generator), so
 * the bin's non-interactive path writes the same files and prints the same lines:
 * - mem-fs-editor: a file read is loaded from disk; every write makes it pending, even with the same bytes;
 *   a file written without a mode keeps the one on disk;
 * - @yeoman/conflicter 4.2.0 (read at its published dist/conflicter.js): a file marked `force` (the writer's
 *   markSafeToOverwrite, and every .yo-rc.json) is written, `create` when new and `identical` when its
 *   bytes and mode are on disk already (our labelAsOnDisk); any other file is `create` when missing,
 *   `force` with --force, `identical` (skipped) when bytes and mode match, else a conflict to ask about.
 * A conflict, or a `.yo-resolve` file that could decide one, is not decided here: `commit` says so
 * before anything is written, and the caller hands the run to Yeoman.
 */
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { applyAll } from './apply-changes.js';
import type { FileChange } from './journal.js';
import type { PlanTarget } from './write-plan.js';

interface DraftFile {
  contents: Buffer | null;
  /** st_mode as loaded from disk or given by the writer. */
  mode: number | undefined;
  pending: boolean;
  deleted: boolean;
  conflicter?: string;
}

export type CommitStatus = 'create' | 'force' | 'identical' | 'skip';

export class PlainDraft implements PlanTarget {
  private readonly files = new Map<string, DraftFile>();

  constructor(private readonly root: string) {}

  destinationRoot(): string {
    return this.root;
  }

  destinationPath(...path: string[]): string {
    const joined = join(...path);
    return isAbsolute(joined) ? joined : join(this.root, joined);
  }

  readonly fs = {
    exists: (path: string): boolean => this.get(path).contents !== null,
    read: (path: string): string => {
      const file = this.get(path);
      if (file.contents === null) throw new Error(`${path} doesn't exist`);
      return file.contents.toString('utf8');
    },
    write: (path: string, contents: string, options?: { stat?: { mode?: number } }): string => {
      const file = this.get(path);
      file.contents = Buffer.from(contents);
      if (options?.stat) file.mode = options.stat.mode;
      file.pending = true;
      file.deleted = false;
      return contents;
    },
    delete: (path: string): void => {
      const file = this.get(path);
      file.contents = null;
      file.pending = true;
      file.deleted = true;
    },
    store: { get: (path: string): object => this.get(path) },
  };

  /** mem-fs's load: the file's bytes and mode, or nothing (missing, a folder, unreadable). */
  private get(path: string): DraftFile {
    const absolute = resolve(path);
    let file = this.files.get(absolute);
    if (!file) {
      const stat = statSync(absolute, { throwIfNoEntry: false });
      let contents: Buffer | null = null;
      if (stat && !stat.isDirectory()) {
        try {
          contents = readFileSync(absolute);
        } catch {
          contents = null;
        }
      }
      file = { contents, mode: contents === null ? undefined : stat?.mode, pending: false, deleted: false };
      this.files.set(absolute, file);
    }
    return file;
  }

  /**
   * Writes every pending file in one journaled commit; `log` receives each file's status as the conflicter
   * prints it. Returns false, having written and printed nothing, when a file needs a question.
   */
  commit(options: { force: boolean; privateFolders: readonly string[] }, log: (status: CommitStatus, path: string) => void): boolean {
    const decided: { path: string; file: DraftFile; status: CommitStatus; isNew: boolean }[] = [];
    const folders = new Set<string>();
    for (const [path, file] of this.files) {
      if (!file.pending) continue;
      const isNew = !existsSync(path);
      // deleted before it ever reached the disk: nothing to commit
      if (file.deleted && isNew) continue;
      const status = this.statusOf(path, file, options.force, isNew);
      if (status === undefined) return false;
      decided.push({ path, file, status, isNew });
      for (let folder = dirname(path); !folders.has(folder); folder = dirname(folder)) {
        folders.add(folder);
        if (folder === dirname(folder)) break;
      }
    }
    // a .yo-resolve in any folder above a file may tell Yeoman to skip or force it: Yeoman reads it
    if ([...folders].some(folder => existsSync(join(folder, '.yo-resolve')))) return false;
    const changes: FileChange[] = [];
    for (const { path, file, status, isNew } of decided) {
      log(status, relative(this.root, path));
      if (status === 'identical') continue;
      changes.push({ path, contents: file.deleted ? null : file.contents, mode: file.mode, remove: file.deleted && !isNew });
    }
    applyAll(this.root, changes, { privateFolders: options.privateFolders });
    return true;
  }

  private statusOf(path: string, file: DraftFile, force: boolean, isNew: boolean): CommitStatus | undefined {
    // .yo-rc.json is always forced (the conflicter's forceYoFiles)
    const preset = file.conflicter ?? (/(^|\/)\.yo-rc\.json$/.test(path) ? 'force' : undefined);
    if (preset === 'force') {
      if (file.contents === null) return 'force';
      const disk = lstatSync(path, { throwIfNoEntry: false });
      if (!disk) return 'create';
      const same = disk.isFile() && readFileSync(path).equals(file.contents) && (file.mode === undefined || file.mode === disk.mode);
      return same ? 'identical' : 'force';
    }
    if (preset !== undefined) return undefined;
    if (isNew) return 'create';
    if (force) return 'force';
    const disk = statSync(path);
    if (disk.isDirectory() || (file.mode !== undefined && file.mode !== disk.mode)) return undefined;
    return readFileSync(path).equals(file.contents ?? Buffer.alloc(0)) ? 'identical' : undefined;
  }
}
