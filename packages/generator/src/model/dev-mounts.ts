/**
 * An app's dev mounts against the container's other mounts, known once the shared folders are added: two
 * mounts on one path would make docker refuse to start the container (or compose silently keep one), and a
 * read-only source cannot hold the mount points docker must make inside it for a mount below.
 */
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import type { ContainerSpec } from '../catalog/types.js';

const below = (path: string, folder: string): boolean => path.startsWith(`${folder}/`);

export function checkDevMounts(containers: readonly ContainerSpec[]): void {
  for (const c of containers) {
    if (!c.devMounts?.length) continue;
    const others = [
      ...(c.mounts ?? []).map(m => ({ path: m.target, what: 'storage' in m ? `storage ${m.storage}` : `the config folder` })),
      ...(c.tmpfs ?? []).map(entry => ({ path: entry.split(':')[0]!, what: 'a writable (in-memory) path' })),
      ...(c.dev?.volumes ?? []).flatMap(v => (typeof v === 'string' ? [{ path: v.split(':')[1]!, what: 'a dev file mount' }] : [])),
    ];
    for (const mount of c.devMounts) {
      const shown = quoted(`${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`);
      const same = others.find(other => other.path === mount.target);
      if (same)
        throw new PortalInputError(
          `Invalid --dev-mount ${shown} of app "${c.name}": expected a container path that nothing else mounts (${same.what} is at ${mount.target}); mount the source at another path.`,
        );
      const inside = mount.readOnly ? others.find(other => below(other.path, mount.target)) : undefined;
      if (inside)
        throw new PortalInputError(
          `Invalid --dev-mount ${shown} of app "${c.name}": expected it writable (drop ":ro"), since ${inside.what} at ${inside.path} is mounted inside it and docker makes its mount point there.`,
        );
    }
  }
}
