/** The stand-in images' build contexts, kept beside the harness (copied into dist/ by the build). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRootOf } from 'generator-portal/shared/package-root.js';

export const SMOKE_ROOT = packageRootOf(import.meta.url);

export const SMOKE_DIR = (() => {
  const dist = join(SMOKE_ROOT, 'dist', 'standins');
  return existsSync(dist) ? dist : join(SMOKE_ROOT, 'src', 'standins');
})();
