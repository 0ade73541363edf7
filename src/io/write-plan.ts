/** The one writer: PlannedFile[] -> the generator's in-memory file system, committed by Yeoman at the end. */
import { appendMissingEnv } from '../render/env.js';
import type { PlannedFile } from '../render/file-plan.js';

export interface PlanTarget {
  destinationPath(...path: string[]): string;
  readonly fs: {
    exists(path: string): boolean;
    read(path: string): string;
    write(path: string, contents: string, options?: { stat?: { mode?: number } }): unknown;
  };
}

export interface WriteReport {
  readonly written: readonly string[];
  /** Secret files already present: never regenerated. */
  readonly kept: readonly string[];
  /** Existing env files that received new variables. */
  readonly extended: readonly string[];
}

export function writePlan(target: PlanTarget, files: readonly PlannedFile[], addedBy: string): WriteReport {
  const written: string[] = [];
  const kept: string[] = [];
  const extended: string[] = [];
  for (const file of files) {
    const path = target.destinationPath(file.path);
    if (file.ownership === 'secret' && target.fs.exists(path)) {
      const existing = target.fs.read(path);
      const merged = file.path === '.env' ? appendMissingEnv(existing, file.content, addedBy) : existing;
      if (merged === existing) {
        kept.push(file.path);
      } else {
        target.fs.write(path, merged, { stat: { mode: file.mode ?? 0o600 } });
        extended.push(file.path);
      }
      continue;
    }
    target.fs.write(path, file.content, { stat: { mode: file.mode ?? 0o644 } });
    written.push(file.path);
  }
  return { written, kept, extended };
}
