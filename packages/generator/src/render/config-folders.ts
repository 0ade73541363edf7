/**
 * Config folders per deployment: an app whose contract names a config folder reads `config/dev/` in dev,
 * `config/prod/` in prod and `config/<instance>/` in each instance, at the path it names. We write what
 * each folder is for; the files in it are the deployment's own (they often hold passwords: not in git).
 */
import type { PortalModel } from '../model/portal-model.js';
import { renderTemplate } from './templates.js';
import { managed, type PlannedFile } from './planned-file.js';

export interface ConfigReader {
  readonly container: string;
  readonly target: string;
}

export function configReaders(model: PortalModel): ConfigReader[] {
  return model.containers.flatMap(container =>
    (container.mounts ?? []).flatMap(m => ('file' in m && m.perDeployment ? [{ container: container.name, target: m.target }] : [])),
  );
}

export function configFolderFiles(model: PortalModel): PlannedFile[] {
  const readers = configReaders(model);
  if (readers.length === 0) return [];
  const deployments = [{ name: 'dev', domain: 'localhost' }, { name: 'prod', domain: model.answers.domain }, ...(model.answers.instances ?? [])];
  return [
    managed('config/.gitignore', renderTemplate('config/gitignore.ejs')),
    ...deployments.map(d => managed(`config/${d.name}/README.md`, renderTemplate('config/README.md.ejs', { deployment: d.name, domain: d.domain, readers }))),
  ];
}
