/**
 * Golden trees: the whole generated repo of a few scenarios, stored under test/goldens/ so that a change's
 * effect on the output shows in its diff. `npm run goldens:update` writes them (update-goldens.ts);
 * goldens.fast.test.ts generates each scenario again and compares. The secrets come from a public seed,
 * so they are test values, the same on every machine.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { freshFolder, generate, SCENARIOS, type GeneratorOptions } from './generate.js';

export const GOLDENS = join(PACKAGE_ROOT, 'test', 'goldens');
export const GOLDEN_SEED = 'golden-test-only';

export const GOLDEN_SCENARIOS: Readonly<Record<string, GeneratorOptions>> = {
  defaults: SCENARIOS['defaults']!,
  'every-service': SCENARIOS['every-service']!,
  'preset-sagui': { preset: 'sagui', imageTag: '2.3.1' },
  'targets-kubernetes-swarm': { targets: 'kubernetes,swarm' },
};

/**
 * Names git would read as its own settings inside the golden folder: a generated `.gitignore` would hide
 * the golden's `.env` and secrets from `git add`. They are stored with this suffix.
 */
const GIT_NAMES = new Set(['.gitignore', '.gitattributes']);
export const GIT_NAME_SUFFIX = '.golden';
export const storedName = (path: string): string => (GIT_NAMES.has(path.split('/').at(-1)!) ? `${path}${GIT_NAME_SUFFIX}` : path);

export interface GoldenTree {
  /** `<mode> <path>` per folder (`path/`) and file, sorted: what the `.files` listing holds. */
  readonly listing: string;
  /** path -> bytes, files only, as generated. */
  readonly files: ReadonlyMap<string, Buffer>;
}

/** A folder as a golden: modes and paths listed, bytes kept; no .git (the generator is run without it). */
export function readTree(root: string): GoldenTree {
  const lines: string[] = [];
  const files = new Map<string, Buffer>();
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      const path = join(folder, entry);
      const key = relative(root, path);
      const stat = lstatSync(path);
      const mode = (stat.mode & 0o777).toString(8);
      if (stat.isDirectory()) {
        lines.push(`${mode} ${key}/`);
        walk(path);
      } else if (stat.isFile()) {
        lines.push(`${mode} ${key}`);
        files.set(key, readFileSync(path));
      } else throw new Error(`${key}: a golden holds only folders and files`);
    }
  };
  walk(root);
  return { listing: `${lines.join('\n')}\n`, files };
}

/**
 * The scenario generated now, in a fresh folder named `portal` (the name is part of the output), under
 * umask 022 as on CI: the modes of what the generator does not chmod come from the umask.
 */
export async function generateScenario(name: string): Promise<string> {
  const umask = process.umask(0o022);
  try {
    return await generate({ ...GOLDEN_SCENARIOS[name]!, skipGit: true }, GOLDEN_SEED, freshFolder('portal'));
  } finally {
    process.umask(umask);
  }
}

export const listingPath = (name: string): string => join(GOLDENS, `${name}.files`);
export const treePath = (name: string): string => join(GOLDENS, name);
