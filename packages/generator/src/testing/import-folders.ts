/** Test helper for `portal import`: an old deployment folder written from file texts, and an empty new one beside it. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { freshFolder } from './generate.js';

export function importFolders(files: Readonly<Record<string, string>>, name = 'case'): { top: string; old: string; destination: string } {
  const top = freshFolder(name);
  const old = join(top, 'old');
  const destination = join(top, 'new');
  mkdirSync(old);
  mkdirSync(destination);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(old, path)), { recursive: true });
    writeFileSync(join(old, path), text);
  }
  return { top, old, destination };
}
