/** What the renderers produce: files with an owner, and the helpers both the main plan and instances use. */
import type { PortalModel } from '../model/portal-model.js';
import { drawSecrets, renderEnvExample, renderEnvFile } from './env.js';
import type { SecretSource } from './secret-source.js';

/**
 * managed: the generator's; rendered on every run, the user's edits merged in (see io/write-plan.ts).
 * secret: written only when absent (.env, secrets/*), so a re-run never changes a secret.
 * sample: written once as a starting point, then the user's; never rewritten or removed.
 */
export type Ownership = 'managed' | 'secret' | 'sample';

export interface PlannedFile {
  readonly path: string;
  readonly content: string;
  readonly ownership: Ownership;
  /** POSIX mode; default 0o644. */
  readonly mode?: number;
  /** A secret file's value is also this env file's variable (its secret's declaration): written again from there. */
  readonly heldIn?: { readonly envFile: string; readonly variable: string };
}

export const MANAGED = 'Managed by generator-portal: re-running `portal` merges its changes with your edits.';

export const managed = (path: string, content: string, mode?: number): PlannedFile => ({ path, content, ownership: 'managed', ...(mode ? { mode } : {}) });
export const executable = (path: string, content: string) => managed(path, content, 0o755);
export const sample = (path: string, content: string): PlannedFile => ({ path, content, ownership: 'sample' });

/** Folders only their owner may enter: the prod secret files (0644, for the containers) are kept private by them. */
export const PRIVATE_FOLDERS: readonly string[] = ['secrets'];

/** Where a deployment's env files and secret files go: `.env` and `secrets/`, or an instance's own. */
export interface EnvPaths {
  readonly env: string;
  readonly secretsDir: string;
}

/** The env example (managed), the env file and one file per secret (secret-owned), with one draw of values. */
export function envFiles(model: PortalModel, source: SecretSource, paths: EnvPaths = { env: '.env', secretsDir: 'secrets' }): PlannedFile[] {
  const values = drawSecrets(model, source);
  return [
    managed(`${paths.env}.example`, renderEnvExample(model)),
    { path: paths.env, content: renderEnvFile(model, values), ownership: 'secret', mode: 0o600 },
    // bind-mounted into containers with host permissions: non-root users must read them, so the files
    // are 0644 and the secrets/ folder (0700) is what keeps other host users out
    ...model.secrets.map(secret => ({
      path: `${paths.secretsDir}/${secret.name}`,
      content: values.get(secret.env) ?? '',
      ownership: 'secret' as const,
      mode: 0o644,
      heldIn: { envFile: paths.env, variable: secret.env },
    })),
  ];
}
