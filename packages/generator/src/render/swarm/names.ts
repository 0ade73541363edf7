/**
 * Names of Swarm secrets and configs. Swarm refuses to change the data of an existing one (only its labels),
 * so each name carries a version from a variable: replacing a value means bumping its version.
 */
import { createHash } from 'node:crypto';

/** The variable holding a secret's version: its `.env` variable with `_VERSION`. */
export const secretVersionVariable = (env: string): string => `${env}_VERSION`;

/** One version for every config file: they change together with the generator's output. */
export const CONFIGS_VERSION = 'CONFIGS_VERSION';

/** Kept under the length Swarm accepts for an object name, counting a version of up to four digits. */
const MAX_NAME = 64;
const VERSION_ROOM = '_v0000'.length;

/** `<project>_<key>_v${VARIABLE:-1}`; a key too long for the limit is cut and given a hash of itself. */
export function versionedName(project: string, key: string, variable: string): string {
  const room = MAX_NAME - VERSION_ROOM - project.length - 1;
  const fitted = key.length <= room ? key : `${key.slice(0, room - 9)}-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
  return `${project}_${fitted}_v\${${variable}:-1}`;
}

/** The key of a repo file's config in the stack: its path with `_` for each folder separator. */
export const configKey = (repoPath: string): string => repoPath.replace(/\//g, '_');
