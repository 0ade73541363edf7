/** One hash of every path, mode and byte under a folder: a refused run must leave it equal. */
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';

/** A link by its target, a pipe or device by its kind only (reading it could block); without .git (its commit's times). */
export function treeHash(root: string): string {
  const hash = createHash('sha256');
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      if (entry === '.git' && folder === root) continue;
      const path = join(folder, entry);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink()) {
        hash.update(`${path}\0link\0${readlinkSync(path)}\0`);
        continue;
      }
      hash.update(`${path}\0${stat.mode}\0`);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) hash.update(readFileSync(path));
    }
  };
  walk(root);
  return hash.digest('hex');
}
