/**
 * The files an import may read: the compose files named (or found in the folder given), the files their
 * `extends` and `env_file` name, and the folder's `.env`. Each must be a regular file of at most 1 MiB that
 * resolves, links followed, inside the deployment's folder and has one hard link (another name could be outside it); anything else is refused in one line.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { readBoundedFile } from '../io/bounded-read.js';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';

export const MAX_INPUT_BYTES = 1024 * 1024;

/** Names compose looks for in a folder, in its own order; the override file is merged after the base. */
const BASE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];
const OVERRIDE_NAMES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yaml', 'docker-compose.override.yml'];

export interface ImportInput {
  /** The deployment's folder: every file read must be inside it. */
  readonly root: string;
  /** Compose files in merge order, absolute. */
  readonly files: readonly string[];
}

const refuse = (message: string): never => {
  throw new PortalInputError(message);
};

/** `portal import <folder>` or `portal import <file> [<file>...]` (like `-f`), relative to `cwd`. */
export function resolveInput(words: readonly string[], cwd: string): ImportInput {
  if (words.length === 0)
    refuse(
      'Invalid portal import: name the old deployment, e.g. portal import ../old-deployment or portal import ../old/docker-compose.yml ../old/production.yml.',
    );
  const paths = words.map(word => resolve(cwd, word));
  const kinds = paths.map((path, i) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) refuse(`Invalid import path ${quoted(words[i])}: it does not exist; name the old deployment's folder or its compose files.`);
    return stat!.isDirectory() ? 'folder' : 'file';
  });
  if (kinds.includes('folder')) {
    if (paths.length > 1) refuse(`Invalid import path ${quoted(words[kinds.indexOf('folder')])}: a folder alone, or compose files only; not both.`);
    const root = realpathSync(paths[0]!);
    const base = BASE_NAMES.find(name => existsSync(join(root, name)));
    if (!base)
      refuse(
        `Invalid import path ${quoted(words[0])}: it holds no ${BASE_NAMES.join(', ')}; name its compose files instead (portal import ${words[0]}/local.yml).`,
      );
    const override = OVERRIDE_NAMES.find(name => existsSync(join(root, name)));
    return { root, files: [join(root, base!), ...(override ? [join(root, override)] : [])] };
  }
  // compose's project folder is the first file's folder; the others must live inside it as well
  const root = realpathSync(dirname(paths[0]!));
  const files = paths.map(path => join(realpathSync(dirname(path)), relative(dirname(path), path)));
  files.forEach((file, i) => insideRoot(root, file, words[i]!));
  const twice = files.find((file, i) => files.indexOf(file) !== i);
  if (twice) refuse(`Invalid import path ${quoted(relative(root, twice))}: given twice; give each compose file once.`);
  return { root, files };
}

/** The path, links followed, when it stays inside `root`; refused otherwise. */
export function insideRoot(root: string, path: string, shown: string): string {
  const absolute = isAbsolute(path) ? path : resolve(root, path);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return refuse(
      `Invalid import file ${quoted(shown)}: ${code === 'ENOENT' ? 'it does not exist' : `cannot read it (${code ?? 'error'})`}; fix the reference or add the file.`,
    );
  }
  const rel = relative(root, real);
  if (rel.startsWith('..') || isAbsolute(rel))
    refuse(`Invalid import file ${quoted(shown)}: it leads out of the deployment's folder (to ${quoted(real)}); copy the file into the folder.`);
  return real;
}

/** A text file of the deployment, read once, size-limited and confined to `root`. */
export function readInputFile(root: string, path: string, shown: string): string {
  const real = insideRoot(root, path, shown);
  const fail = (why: string): never => refuse(`Invalid import file ${quoted(shown)}: ${why}.`);
  const text = readBoundedFile(
    real,
    { maxBytes: MAX_INPUT_BYTES, expected: 'a text file', sizeLimit: `the files of a deployment are at most ${MAX_INPUT_BYTES} bytes`, singleLink: true },
    fail,
  );
  if (text.includes('\u0000')) fail('it holds NUL bytes; expected a text file');
  return text;
}
