/**
 * A container's mounts as Swarm takes them. Repo files become configs (a bind mount would need the repo on
 * every node); a folder becomes one config per file the plan writes in it. Storage stays a named volume.
 * A bound folder becomes an empty tmpfs holding its configs, so the image's own files there stay hidden.
 * tmpfs goes through the long syntax, which carries only a size: Swarm mounts it noexec, so a tmpfs the
 * compose file mounts `exec` becomes an anonymous volume.
 */
import type { ContainerSpec } from '../../catalog/types.js';
import type { FileReference, StackVolume } from './stack-types.js';
import { configKey } from './names.js';

/** One mount as compose writes it: `source:target[:ro]`; a source starting with `./` is a repo path. */
interface ParsedMount {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
}

function parse(volume: string): ParsedMount {
  const [source = '', target = '', mode] = volume.split(':');
  return { source, target, readOnly: mode === 'ro' };
}

/** Base mounts, then prod's, then the instance's: a later one replaces an earlier one on the same target, as compose merges. */
export function deployedMounts(c: ContainerSpec, instanceVolumes: readonly string[] = []): ParsedMount[] {
  const base = (c.mounts ?? []).map(m =>
    'file' in m ? { source: m.file, target: m.target, readOnly: true } : { source: m.storage, target: m.target, readOnly: !!m.readOnly },
  );
  const prod = (c.prod?.volumes ?? []).map(v => (typeof v === 'string' ? parse(v) : { source: v.source, target: v.target, readOnly: !!v.read_only }));
  const byTarget = new Map<string, ParsedMount>();
  for (const mount of [...base, ...prod, ...instanceVolumes.map(parse)]) byTarget.set(mount.target, mount);
  return [...byTarget.values()];
}

export const isRepoPath = (source: string): boolean => source.startsWith('./');
const isHostPath = (source: string): boolean => source.startsWith('${') || source.startsWith('/');

/** Enough for the mount points of a folder's configs: the files themselves are not in it. */
const FOLDER_TMPFS_BYTES = 1024 * 1024;

/** A repo file as a config: its key in the stack, its path from the repo root and where the container reads it. */
export interface RepoConfig {
  readonly key: string;
  readonly path: string;
  readonly target: string;
  /** Written executable by the plan (a script an image runs): the config keeps the exec bit. */
  readonly executable: boolean;
}

export interface SwarmMounts {
  readonly volumes: StackVolume[];
  readonly configs: RepoConfig[];
  readonly storage: string[];
}

/**
 * `repoFiles`: every path the plan writes. A repo mount with no planned file at or below it (an app's
 * config folder, filled by the operator) stays a bind mount, relative to the stack file (`root`).
 */
export function swarmMounts(mounts: readonly ParsedMount[], tmpfs: readonly string[], repoFiles: ReadonlyMap<string, boolean>, root: string): SwarmMounts {
  const volumes: StackVolume[] = [];
  const configs: RepoConfig[] = [];
  const storage: string[] = [];
  for (const mount of mounts) {
    // a host folder named by a variable (nginx's certificates): bound on the node, from an absolute path
    if (isHostPath(mount.source)) {
      volumes.push({ type: 'bind', source: mount.source, target: mount.target, read_only: true });
      continue;
    }
    if (!isRepoPath(mount.source)) {
      storage.push(mount.source);
      volumes.push(`${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`);
      continue;
    }
    const path = mount.source.slice(2).replace(/\/$/, '');
    const files = [...repoFiles.keys()].filter(file => file === path || file.startsWith(`${path}/`)).sort();
    if (files.length === 0) volumes.push({ type: 'bind', source: `${root}${path}`, target: mount.target, read_only: true });
    // a bound folder hides what the image holds there (postgis's own initdb scripts); configs are files
    // mounted one by one, so an empty tmpfs under them hides it the same way
    if (files.length > 0 && !files.includes(path)) volumes.push({ type: 'tmpfs', target: mount.target, tmpfs: { size: FOLDER_TMPFS_BYTES } });
    for (const file of files)
      configs.push({ key: configKey(file), path: file, target: `${mount.target}${file.slice(path.length)}`, executable: !!repoFiles.get(file) });
  }
  return { volumes: [...volumes, ...tmpfs.map(tmpfsVolume)], configs, storage };
}

function tmpfsVolume(entry: string): StackVolume {
  const [target = '', options = ''] = entry.split(/:(.*)/s);
  const flags = options.split(',').filter(Boolean);
  if (flags.includes('exec')) return { type: 'volume', target };
  const size = flags.find(flag => flag.startsWith('size='))?.slice('size='.length);
  return { type: 'tmpfs', target, ...(size ? { tmpfs: { size: bytes(size) } } : {}) };
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** `64m` -> 67108864: the long syntax takes a size in bytes. */
export function bytes(size: string): number {
  const match = /^(\d+)([kmg]?)$/i.exec(size);
  if (!match) throw new Error(`internal: tmpfs size ${size} is not <number>[k|m|g]`);
  return Number(match[1]) * UNITS[match[2]!.toLowerCase()]!;
}

/** A config is 0444 unless the plan writes the file executable (0555). */
export const configReference = (config: RepoConfig): FileReference => ({
  source: config.key,
  target: config.target,
  ...(config.executable ? { mode: 0o555 } : {}),
});
