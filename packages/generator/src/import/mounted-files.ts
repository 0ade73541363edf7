/**
 * Files a stock server reads from a bind mount of the old deployment (a redis.conf, init scripts): found
 * through the service's mounts, and read only when they are inside the deployment's folder. A mount that
 * leads out of the folder, a missing file or one over the size limit is not read and the caller reports
 * why; a file that cannot be a text file (a link loop, a FIFO, NUL bytes) is broken input and refused.
 */
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, relative, resolve } from 'node:path';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import { MAX_INPUT_BYTES, readInputFile } from './input-files.js';
import type { ServiceFacts } from './service-facts.js';

/** A file of the old folder, read, or the reason it was not. */
export type Mounted = { readonly shown: string; readonly text: string } | { readonly shown: string; readonly notRead: string };

/** At most this many entries of a mounted folder are looked at; the rest are named in the report. */
export const MAX_FOLDER_ENTRIES = 100;

/** The host path (as written in the mount) behind a container path, through the service's bind mounts. */
export function hostPathOf(f: ServiceFacts, containerPath: string): string | undefined {
  const target = posix.normalize(containerPath).replace(/\/+$/, '');
  // the deepest mount wins, as in the container
  const mounts = f.volumes.filter(v => v.kind === 'bind' && v.source).sort((a, b) => b.target.length - a.target.length);
  for (const mount of mounts) {
    const at = mount.target.replace(/\/+$/, '');
    if (target === at) return mount.source!;
    if (target.startsWith(`${at}/`)) return posix.join(mount.source!, target.slice(at.length + 1));
  }
  return undefined;
}

/** Where `source` (a mount's host path) is, or why it is not read; undefined root: no folder to read from. */
function locate(root: string | undefined, source: string): { real: string; shown: string } | { shown: string; notRead: string } {
  if (!root) return { shown: source, notRead: 'no deployment folder to read it from' };
  const absolute = isAbsolute(source) ? source : resolve(root, source);
  const shown = relative(root, absolute) || '.';
  const outside = (path: string) => {
    const rel = relative(root, path);
    return rel.startsWith('..') || isAbsolute(rel);
  };
  if (source.startsWith('~') || outside(absolute)) return { shown: source, notRead: `${source} is outside the deployment's folder` };
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { shown, notRead: `${shown} is not in the deployment's folder` };
    throw new PortalInputError(
      `Invalid import file ${quoted(shown)}: ${code === 'ELOOP' ? 'its links loop' : `cannot read it (${code ?? 'error'})`}; fix the mount or the link, then import again.`,
    );
  }
  if (outside(real)) return { shown, notRead: `${shown} is a link leading out of the deployment's folder (to ${real})` };
  return { real, shown };
}

/** One mounted file, read through the bounded reader when it is inside the folder and small enough. */
export function readMounted(root: string | undefined, source: string): Mounted {
  const place = locate(root, source);
  if ('notRead' in place) return place;
  const stat = statSync(place.real);
  if (stat.isFile() && stat.nlink > 1) return { shown: place.shown, notRead: `${place.shown} is hard-linked, it may be a file outside the folder` };
  if (stat.isFile() && stat.size > MAX_INPUT_BYTES)
    return { shown: place.shown, notRead: `${place.shown} is ${stat.size} bytes, over the ${MAX_INPUT_BYTES} an import reads` };
  return { shown: place.shown, text: readInputFile(root!, place.real, place.shown) };
}

/** A mounted folder's entries in glob order (hidden ones skipped, as `*` does), or a single mounted file. */
export function mountedEntries(
  root: string | undefined,
  source: string,
):
  | { readonly shown: string; readonly entries: readonly { name: string; source: string; folder: boolean }[]; readonly more: readonly string[] }
  | { readonly shown: string; readonly notRead: string } {
  const place = locate(root, source);
  if ('notRead' in place) return place;
  if (!statSync(place.real).isDirectory()) return { shown: place.shown, entries: [{ name: posix.basename(source), source, folder: false }], more: [] };
  // the C locale's byte order: what `/docker-entrypoint-initdb.d/*` expands to in the image's shell
  const names = readdirSync(place.real)
    .filter(name => !name.startsWith('.'))
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const entries = names.slice(0, MAX_FOLDER_ENTRIES).map(name => {
    let folder = false;
    try {
      folder = statSync(join(place.real, name)).isDirectory();
    } catch {
      folder = lstatSync(join(place.real, name)).isDirectory();
    }
    return { name, source: posix.join(source, name), folder };
  });
  return { shown: place.shown, entries, more: names.slice(MAX_FOLDER_ENTRIES) };
}
