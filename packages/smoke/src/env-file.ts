/** The copy's compose env file, read and written with the secrets module's env helpers. */
import { readFileSync, writeFileSync } from 'node:fs';
import { envValues, withEnvValues } from 'generator-portal/secrets/env-line.js';

/** One value, '' when absent. */
export const envValue = (file: string, name: string): string => envValues(readFileSync(file, 'utf8')).get(name) ?? '';

/** Sets one variable, every other line kept. */
export const setEnvValue = (file: string, name: string, value: string): void =>
  writeFileSync(file, withEnvValues(readFileSync(file, 'utf8'), new Map([[name, value]])));

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
