/** Where a package's files are: the nearest folder with a package.json above the given module (src/ or dist/). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageRootOf(moduleUrl: string): string {
  let folder = dirname(fileURLToPath(moduleUrl));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(moduleUrl)}`);
    folder = parent;
  }
  return folder;
}

/** This package's root: templates/, schema/ and test/goldens/ are found from here. */
export const PACKAGE_ROOT = packageRootOf(import.meta.url);
