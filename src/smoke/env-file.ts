/** Values of a compose env file (`NAME=value` lines). */
import { readFileSync, writeFileSync } from 'node:fs';

/** One value, '' when absent. */
export function envValue(file: string, name: string): string {
  const line = readFileSync(file, 'utf8').split('\n').find(l => l.startsWith(`${name}=`));
  return line ? line.slice(name.length + 1).trim().replace(/^(["'])(.*)\1$/, '$2') : '';
}

/** Replaces the value of an existing variable. */
export function setEnvValue(file: string, name: string, value: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace(new RegExp(`^${name}=.*$`, 'm'), `${name}=${value}`));
}

/**
 * The environment for compose and the generated scripts during a run: nothing of the caller's, whose
 * exported DATA_ROOT, BACKUP_DIR or PORTAL_INSTANCE would win over the copy's .env and reach real folders.
 */
export const runEnv = (work: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: work,
  LANG: 'C.UTF-8',
  PORTAL_ENV: 'prod',
  ...extra,
});
