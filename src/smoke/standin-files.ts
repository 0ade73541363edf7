/** The stand-in images' build contexts, shipped with the harness (copied into dist/ by the build). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../checks/tools.js';

export const SMOKE_DIR = (() => {
  const dist = join(PACKAGE_ROOT, 'dist', 'smoke', 'standins');
  return existsSync(dist) ? dist : join(PACKAGE_ROOT, 'src', 'smoke', 'standins');
})();
