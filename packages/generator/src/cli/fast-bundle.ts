/**
 * Whether `portal --yes` loads the build's one-file bundle of fast-app.js (scripts/build.mjs) or the
 * modules themselves. The build marks the fast-app.js it bundled; tsc alone rewrites it without the mark,
 * leaving a bundle of older code. Not file times: an install (npm, pnpm) sets them as it unpacks, in any order.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const BUNDLE_FILE = 'fast-app.bundle.js';
/** The last line the build appends to the fast-app.js it bundled. */
export const BUNDLED_MARK = `// bundled into ${BUNDLE_FILE} by scripts/build.mjs`;

/** The module to import for fast-app.js, relative to cli/ (`folder`). */
export function fastAppModule(folder: string): string {
  const source = readFileSync(join(folder, 'fast-app.js'), 'utf8');
  return source.endsWith(`\n${BUNDLED_MARK}\n`) && existsSync(join(folder, BUNDLE_FILE)) ? `./${BUNDLE_FILE}` : './fast-app.js';
}
