/** Test helpers: what a folder holds, by path, and one hash of it (a refused run must leave it equal). */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Every file's mode and bytes (sha256) by repo-relative path. With `whole`, also folders (`path/`), links
 * by their target (not followed), pipes and devices by their kind only (reading one could block); without
 * it, links are followed. Never .git at the top: the first commit's times differ between two runs.
 */
export function tree(root: string, whole = false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      if (entry === '.git' && folder === root) continue;
      const path = join(folder, entry);
      const key = relative(root, path);
      const stat = whole ? lstatSync(path) : statSync(path);
      const mode = stat.mode.toString(8);
      if (stat.isSymbolicLink()) out[key] = `link ${readlinkSync(path)}`;
      else if (stat.isDirectory()) {
        if (whole) out[`${key}/`] = `folder ${mode}`;
        walk(path);
      } else if (stat.isFile()) out[key] = `${mode} ${sha256(readFileSync(path))}`;
      else out[key] = `${stat.isFIFO() ? 'pipe' : stat.isSocket() ? 'socket' : 'device'} ${mode}`;
    }
  };
  walk(root);
  return out;
}

/** One hash of tree(root, true). */
export const treeHash = (root: string): string => sha256(JSON.stringify(tree(root, true)));
