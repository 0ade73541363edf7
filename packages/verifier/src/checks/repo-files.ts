/** The one walk over a generated repo's files, for the validators and the checklist. */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders never read: untracked data and dependencies. */
const SKIP = new Set(['.git', 'node_modules', 'secrets', 'backups']);

export interface WalkOptions {
  /**
   * Follow links (a validator checks what a tool would read, a linked source folder too); without it a link
   * is passed over: it may lead out of the repo, and what it points at is not the repo's to check.
   */
  readonly followLinks?: boolean;
}

/** Files below `root` (paths relative to it, folders in sorted order) that `keep` takes. */
export function repoFiles(root: string, keep: (path: string) => boolean, options: WalkOptions = {}): string[] {
  const out: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      if (SKIP.has(entry)) continue;
      const path = join(folder, entry);
      const stat = options.followLinks ? statSync(path) : lstatSync(path);
      if (stat.isSymbolicLink()) continue;
      if (stat.isDirectory()) walk(path);
      else if (keep(relative(root, path))) out.push(relative(root, path));
    }
  };
  walk(root);
  return out;
}
