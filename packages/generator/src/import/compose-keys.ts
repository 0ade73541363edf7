/**
 * The keys compose files may hold (file formats 1, 2.x and 3.x, and the compose spec), and how two files
 * merge: a key not listed here is a typo or a format we do not know, and is refused rather than ignored.
 */

export const TOP_LEVEL_KEYS = ['version', 'name', 'services', 'volumes', 'networks', 'secrets', 'configs'];

export const SERVICE_KEYS = [
  'image',
  'build',
  'command',
  'entrypoint',
  'environment',
  'env_file',
  'ports',
  'expose',
  'volumes',
  'volumes_from',
  'links',
  'external_links',
  'depends_on',
  'networks',
  'labels',
  'restart',
  'container_name',
  'working_dir',
  'user',
  'healthcheck',
  'secrets',
  'configs',
  'logging',
  'log_driver',
  'log_opt',
  'deploy',
  'tmpfs',
  'privileged',
  'network_mode',
  'devices',
  'pid',
  'ipc',
  'cap_add',
  'cap_drop',
  'extends',
  'hostname',
  'domainname',
  'mem_limit',
  'memswap_limit',
  'mem_reservation',
  'cpu_shares',
  'cpu_quota',
  'cpus',
  'cpuset',
  'ulimits',
  'sysctls',
  'stop_signal',
  'stop_grace_period',
  'pull_policy',
  'read_only',
  'security_opt',
  'shm_size',
  'stdin_open',
  'tty',
  'dns',
  'dns_search',
  'extra_hosts',
  'init',
  'profiles',
  'platform',
  'cgroup_parent',
  'userns_mode',
  'isolation',
  'mac_address',
  'oom_score_adj',
  'volume_driver',
  'scale',
  'group_add',
];

/** Merged key by key (a later file's key wins). */
export const MAPPING_KEYS = new Set(['build', 'environment', 'labels', 'healthcheck', 'logging', 'deploy', 'sysctls', 'ulimits', 'extra_hosts']);
/** Merged as sets (later items added). */
export const LIST_KEYS = new Set([
  'ports',
  'expose',
  'dns',
  'dns_search',
  'external_links',
  'cap_add',
  'cap_drop',
  'devices',
  'tmpfs',
  'security_opt',
  'env_file',
  'secrets',
  'configs',
]);
/** Not inherited through `extends` (compose's rule: they tie a service to its own file). */
export const NOT_EXTENDED = new Set(['links', 'volumes_from', 'depends_on', 'net', 'network_mode', 'external_links', 'container_name']);

/** The nearest known key, for "did you mean". */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: candidate, distance };
  }
  return best?.key;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}
