/** The one journaled commit of a run's changes, for the Yeoman commit step and the bin's own path alike. */
import { join, relative } from 'node:path';
import { commitChanges, type CommitOptions, type FileChange } from './journal.js';
import { realRoot } from './repo-paths.js';

/** Applies every change or none, and survives a crash at any instant (see journal.ts). */
export function applyAll(root: string, changes: readonly FileChange[], options: CommitOptions = {}): void {
  commitChanges(
    realRoot(root),
    changes.map(change => ({ ...change, path: join(realRoot(root), relative(root, change.path)) })),
    options,
  );
}
