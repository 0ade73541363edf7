/** The one writer: PlannedFile[] -> the generator's in-memory file system, committed by Yeoman at the end. */
import { createHash } from 'node:crypto';
import { appendMissingEnv } from '../render/env.js';
import type { PlannedFile } from '../render/file-plan.js';

export interface PlanTarget {
  destinationPath(...path: string[]): string;
  readonly fs: {
    exists(path: string): boolean;
    read(path: string): string;
    write(path: string, contents: string, options?: { stat?: { mode?: number } }): unknown;
    readonly store: { get(path: string): object };
  };
}

export interface WriteReport {
  readonly written: readonly string[];
  /** Secret files already present: never regenerated. */
  readonly kept: readonly string[];
  /** Existing env files that received new variables. */
  readonly extended: readonly string[];
  /** sha256 of each managed file as written now, to tell a pristine file from an edited one next time. */
  readonly hashes: Readonly<Record<string, string>>;
}

/** Regular-file type bits: Yeoman's conflicter compares the full st_mode, so 0o644 alone reads as a change. */
const REGULAR_FILE = 0o100000;

export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * Writes every planned file. A managed file still byte-identical to what the last run wrote is updated
 * without a question; one the user edited goes through Yeoman's conflicter (diff and ask, or kept).
 */
export function writePlan(target: PlanTarget, files: readonly PlannedFile[], addedBy: string, lastHashes: Readonly<Record<string, string>> = {}): WriteReport {
  const written: string[] = [];
  const kept: string[] = [];
  const extended: string[] = [];
  const hashes: Record<string, string> = {};
  for (const file of files) {
    const path = target.destinationPath(file.path);
    const existing = target.fs.exists(path) ? target.fs.read(path) : undefined;
    if (file.ownership === 'secret') {
      const merged = existing === undefined ? file.content : file.path === '.env' ? appendMissingEnv(existing, file.content, addedBy) : existing;
      if (merged === existing) {
        kept.push(file.path);
        continue;
      }
      target.fs.write(path, merged, { stat: { mode: REGULAR_FILE | (file.mode ?? 0o600) } });
      (existing === undefined ? written : extended).push(file.path);
      if (existing !== undefined) markSafeToOverwrite(target, path);
      continue;
    }
    target.fs.write(path, file.content, { stat: { mode: REGULAR_FILE | (file.mode ?? 0o644) } });
    hashes[file.path] = contentHash(file.content);
    written.push(file.path);
    if (existing !== undefined && existing !== file.content && lastHashes[file.path] === contentHash(existing)) {
      markSafeToOverwrite(target, path);
    }
  }
  return { written, kept, extended, hashes };
}

/** A preset conflicter status makes Yeoman write the file without comparing or asking. */
function markSafeToOverwrite(target: PlanTarget, path: string): void {
  (target.fs.store.get(path) as { conflicter?: string }).conflicter = 'force';
}
