/**
 * An app's mounts as shared folders: a named volume, an anonymous one, a host folder or the volumes of a
 * data-only container (`volumes_from`) each become named storage at the same mount path. Folders are shared
 * by every app (one folder per path); config files and the image's own folders cannot be folders.
 */
import { quoted } from '../answers/quoted.js';
import { slug, type Role } from './classify.js';
import type { ImportReport } from './report.js';
import type { ServiceFacts, VolumeMount } from './service-facts.js';

export interface FolderPlan {
  /** Mount path -> folder name. */
  readonly byTarget: Map<string, string>;
  readonly names: Set<string>;
}

/** Paths answers refuse for a folder (the image's system folders, /app and /srv themselves). */
const RESERVED_TARGET = /^\/(tmp|etc|usr|bin|sbin|lib|lib64|proc|sys|dev|run|boot|root)(\/|$)|^\/(app|srv)$/;
const CONTAINER_PATH = /^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** A host path naming a file (a config mounted over the image's own). */
const FILE_LIKE = /\.(conf|cfg|ini|json|ya?ml|toml|xml|env|vcl|js|py|sh|txt|pem|crt|key)$/i;

const last = (path: string) => path.replace(/\/+$/, '').split('/').filter(Boolean).at(-1) ?? 'data';

export function mountsToFolders(
  f: ServiceFacts,
  facts: ReadonlyMap<string, ServiceFacts>,
  roles: ReadonlyMap<string, Role>,
  plan: FolderPlan,
  report: ImportReport,
): string[] {
  const carried: string[] = [];
  const add = (mount: VolumeMount, name: string, origin: string) => {
    const target = mount.target.replace(/\/+$/, '');
    if (mount.kind === 'bind' && FILE_LIKE.test(mount.source ?? '')) {
      report.notExpressed.push(
        `${f.name}: file mount ${mount.source}:${target}: a config file is not a folder; bake it into the image or mount it in docker-compose.override.yml by hand`,
      );
      return;
    }
    if (!CONTAINER_PATH.test(target) || RESERVED_TARGET.test(target)) {
      report.notExpressed.push(
        `${f.name}: mount ${quoted(`${mount.source ?? ''}:${target}`)}: ${target} is the image's own folder (source code or system files); a shared folder there would hide it`,
      );
      return;
    }
    const existing = plan.byTarget.get(target);
    if (existing) {
      carried.push(`${target} (${existing})`);
      if (existing !== name)
        report.notExpressed.push(`${f.name}: ${origin} at ${target} shares folder ${existing} (one folder per mount path, shared by every app)`);
      return;
    }
    let folder = name;
    for (let n = 2; plan.names.has(folder) || folder === 'instances'; n += 1) folder = slug(`${name.slice(0, 27)}-${n}`);
    plan.byTarget.set(target, folder);
    plan.names.add(folder);
    carried.push(`${target} (${folder})`);
    if (mount.kind === 'bind')
      report.notExpressed.push(
        `${f.name}: host folder ${mount.source} at ${target} became the named folder ${folder}: copy its files in (scripts/migrate-storage.sh, or docker cp)`,
      );
    if (mount.readOnly) report.notExpressed.push(`${f.name}: ${target} was read-only; folders are mounted read-write in apps`);
  };
  for (const mount of f.volumes) {
    const name = mount.kind === 'anonymous' ? slug(`${f.name}-${last(mount.target)}`) : slug(mount.kind === 'named' ? mount.source! : last(mount.source!));
    add(mount, name, mount.kind === 'bind' ? `host folder ${mount.source}` : `volume ${mount.source ?? mount.target}`);
  }
  for (const source of f.volumesFrom) {
    const from = facts.get(source)!;
    const isData = roles.get(source)?.kind === 'data';
    for (const mount of from.volumes) {
      const name = from.volumes.length === 1 ? slug(source) : slug(`${source}-${last(mount.target)}`);
      add({ ...mount, kind: isData && mount.kind === 'anonymous' ? 'named' : mount.kind }, name, `data container ${source}`);
    }
  }
  return carried;
}
