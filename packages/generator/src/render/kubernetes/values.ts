/** Compose notation -> Kubernetes notation: interpolation, escapes, memory and CPU quantities. */

/**
 * A compose string as Kubernetes reads it: `${VAR}` (compose's interpolation from the env file) becomes
 * `$(VAR)`, which the kubelet expands from the container's environment (the deployment's ConfigMap), and
 * `$$` (compose's escape) becomes the `$` the container receives.
 */
export function fromCompose(value: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-[^}]*)?\}/g, (_match, name: string | undefined) => (name ? `$(${name})` : '$'));
}

/** What a container receives from a compose string: the escape undone, nothing interpolated (exec probes). */
export const unescaped = (value: string): string => value.replace(/\$\$/g, '$');

/** Compose memory (`512m`, `1g`) as a Kubernetes quantity in binary units (`512Mi`, `1Gi`). */
export function memory(value: string): string {
  const match = /^(\d+)([kmg])?b?$/i.exec(value.trim());
  if (!match) throw new Error(`internal: memory "${value}" is not in compose units`);
  const unit = { k: 'Ki', m: 'Mi', g: 'Gi' }[(match[2] ?? '').toLowerCase() as 'k' | 'm' | 'g'] ?? '';
  return `${match[1]}${unit}`;
}

/** Compose `cpus` (`0.25`, `1.0`) as millicores (`250m`, `1000m`). */
export function cpu(value: string): string {
  const cores = Number(value);
  if (!Number.isFinite(cores) || cores <= 0) throw new Error(`internal: cpus "${value}" is not a number`);
  return `${Math.round(cores * 1000)}m`;
}

/** A compose duration (`10s`, `1m30s`) in whole seconds. */
export function seconds(value: string): number {
  let total = 0;
  for (const [, amount, unit] of value.matchAll(/(\d+)(h|m|s|ms)/g)) total += Number(amount) * ({ h: 3600, m: 60, s: 1, ms: 0.001 }[unit as 'h'] ?? 0);
  return Math.max(1, Math.ceil(total));
}

/** A tmpfs entry (`/tmp:size=64m,uid=1`): its path and size; mode, uid and exec have no emptyDir form. */
export function tmpfsParts(entry: string): { path: string; size?: string } {
  const [path, options = ''] = entry.split(':');
  const size = /(?:^|,)size=([^,]+)/.exec(options)?.[1];
  return { path: path!, ...(size ? { size: memory(size) } : {}) };
}

/** A DNS-1123 label from any text: lowercase letters, digits and dashes, at most 63. */
export function dnsLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
}
