/**
 * Shared file folders (uploads, imports, exports, imagery): one storage item each, mounted into every app
 * container; a folder with a route is also served read-only by nginx. Repository folders (built docs, a
 * static viewer) are only mounted into nginx.
 */
import type { FolderAnswer } from '../../answers/extras.js';
import type { ContainerSpec, HttpRoute, Mount, StorageItem } from '../types.js';

/** The uid our backend images run as; apps from prebuilt images run as it too. */
export const APP_USER = '10001:10001';
export const folderRoot = (folder: FolderAnswer): string => `/srv/${folder.name}`;

export function folderStorage(folders: readonly FolderAnswer[], apps: readonly string[]): StorageItem[] {
  return folders
    .filter(folder => !folder.repo)
    .map(folder => ({
      name: folder.name,
      purpose: `Shared folder ${folder.target}${folder.route ? `, served at ${folder.route}` : ''}`,
      usedBy: [...apps, ...(folder.route ? ['nginx'] : [])],
      owner: APP_USER,
      backup: true,
    }));
}

export function folderRoutes(folders: readonly FolderAnswer[]): HttpRoute[] {
  return folders.flatMap(folder =>
    folder.route ? [{ path: folder.route, title: `files of ${folder.name}`, files: folderRoot(folder), cache: 'default' as const }] : [],
  );
}

/** Adds the folder mounts: read-write in app containers, read-only in nginx. */
export function withFolders(containers: readonly ContainerSpec[], folders: readonly FolderAnswer[]): ContainerSpec[] {
  if (folders.length === 0) return [...containers];
  return containers.map(container => {
    if (container.isApp) {
      const mounts = folders.flatMap((f): Mount[] => (f.repo || !f.target ? [] : [{ storage: f.name, target: f.target }]));
      return { ...container, mounts: [...(container.mounts ?? []), ...mounts] };
    }
    if (container.name === 'nginx') {
      const mounts = folders.flatMap((f): Mount[] =>
        !f.route ? [] : f.repo ? [{ file: `./${f.repo}`, target: folderRoot(f) }] : [{ storage: f.name, target: folderRoot(f), readOnly: true }],
      );
      return { ...container, mounts: [...(container.mounts ?? []), ...mounts] };
    }
    return container;
  });
}
