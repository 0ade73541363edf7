/** Small builders shared by catalog entries, so each entry states only what is particular to it. */
import type { CatalogContext, Healthcheck, ResourceLimits } from './types.js';

export const limits = (memory: string, cpus: string, pids = 200): ResourceLimits => ({ memory, cpus, pids });

/** A probe run inside the container with the shell's exit code. */
export const shellProbe = (command: string, startPeriod = '30s'): Healthcheck => ({
  test: ['CMD-SHELL', command],
  startPeriod,
});

/** An HTTP probe with busybox or GNU wget, present in the alpine-based images we use. */
export const wgetProbe = (url: string, startPeriod = '30s'): Healthcheck => ({
  test: ['CMD', 'wget', '-q', '--spider', url],
  startPeriod,
});

/**
 * Shell expression (compose-escaped) for a secret that is `$NAME` in dev and the file `$NAME_FILE` in prod,
 * for images that cannot read `*_FILE` variables themselves.
 */
export const secretValue = (env: string): string => `$\${${env}:-$$(cat "$\${${env}_FILE}")}`;

/**
 * Shell prefix that puts the secret in `$into` and stops the container with a message when it is empty
 * (an unreadable secret file must not start a server with an empty password).
 */
export const requireSecret = (env: string, into: string): string =>
  `${into}="${secretValue(env)}"\n: "$\${${into}:?empty: set ${env} or a readable ${env}_FILE}"\n`;

/** Scratch space for images that write temporary files; the root filesystem is read-only. */
export const TMP = '/tmp:size=64m';

/** Exporters ship as scratch images: no shell or wget to probe with; Prometheus' `up` watches them. */
export const SCRATCH_EXPORTER = 'scratch image without a shell; Prometheus `up` and the TargetDown alert watch it';

/**
 * Scheme and host of the public URLs in prod, for services that must not build them from request headers.
 * TLS ends at traefik or nginx; with neither, the front answers plain HTTP. `${DOMAIN}` comes from the
 * env file, so each instance gets its own.
 */
/** https when something terminates TLS: the stack's traefik or nginx, or a shared Traefik in front. */
export const prodScheme = ({ has, answers }: Pick<CatalogContext, 'has' | 'answers'>): 'https' | 'http' =>
  has('traefik') || has('nginx') || answers.traefikNetwork ? 'https' : 'http';
export const prodOrigin = (ctx: Pick<CatalogContext, 'has' | 'answers'>): string => `${prodScheme(ctx)}://\${DOMAIN}`;
