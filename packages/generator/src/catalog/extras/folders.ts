/**
 * Shared file folders (uploads, imports, exports, imagery): one storage item each, mounted into every app
 * container; a folder with a route is also served read-only by nginx. Repository folders (built docs, a
 * static viewer) are only mounted into nginx.
 */
import { mountPathIn, type FolderAnswer } from '../../answers/extras.js';
import type { ContainerSpec, HttpRoute, Mount, StorageItem } from '../types.js';

/** The uid our backend images run as; apps from prebuilt images run as it too. */
export const APP_USER = '10001:10001';
export const folderRoot = (folder: Pick<FolderAnswer, 'name'>): string => `/srv/${folder.name}`;

export function folderStorage(folders: readonly FolderAnswer[], apps: readonly string[], privateFolders: readonly string[] = []): StorageItem[] {
  return folders
    .filter(folder => !folder.repo)
    .map(folder => ({
      name: folder.name,
      purpose: `Shared folder ${folder.target}${Object.entries(folder.mounts ?? {})
        .map(([container, path]) => (path ? ` (${path} in ${container})` : ''))
        .join('')}${folder.route ? `, served at ${folder.route}` : ''}`,
      usedBy: [...apps.filter(app => mountPathIn(folder, app) !== undefined), ...(folder.route || privateFolders.includes(folder.name) ? ['nginx'] : [])],
      owner: APP_USER,
      backup: true,
    }));
}

/** `appPorts`: each app's port, for a front end whose dev server is named by its app id only. */
export function folderRoutes(folders: readonly FolderAnswer[], appPorts: ReadonlyMap<string, number> = new Map()): HttpRoute[] {
  return folders.flatMap((folder): HttpRoute[] => {
    if (!folder.route) return [];
    const [devHost, devPort] = folder.devServer?.split(':') ?? [];
    return [
      {
        path: folder.route,
        title: folder.spa ? `front end in ${folder.name} (index fallback)` : `files of ${folder.name}`,
        files: folderRoot(folder),
        cache: 'default',
        ...(folder.host ? { host: folder.host } : {}),
        ...(folder.spa ? { spa: true } : {}),
        ...(devHost ? { devUpstream: { host: devHost, port: devPort ? Number(devPort) : appPorts.get(devHost)! } } : {}),
      },
    ];
  });
}

/** Adds the folder mounts: read-write in app containers, read-only in nginx (public or private, behind an app). */
export function withFolders(containers: readonly ContainerSpec[], folders: readonly FolderAnswer[], privateFolders: readonly string[] = []): ContainerSpec[] {
  if (folders.length === 0) return [...containers];
  return containers.map(container => {
    if (container.isApp) {
      const mounts = folders.flatMap((f): Mount[] => {
        const target = mountPathIn(f, container.name);
        return f.repo || !target ? [] : [{ storage: f.name, target }];
      });
      return { ...container, mounts: [...(container.mounts ?? []), ...mounts] };
    }
    if (container.name === 'nginx') {
      const mounts = folders.flatMap((f): Mount[] =>
        !f.route && !privateFolders.includes(f.name)
          ? []
          : f.repo
            ? [{ file: `./${f.repo}`, target: folderRoot(f) }]
            : [{ storage: f.name, target: folderRoot(f), readOnly: true }],
      );
      return { ...container, mounts: [...(container.mounts ?? []), ...mounts] };
    }
    return container;
  });
}
