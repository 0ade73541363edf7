/** Views for the shell scripts of the generated repo. */
import { IMAGES } from '../catalog/images.js';
import type { PortalModel } from '../model/portal-model.js';

export function scriptsView(model: PortalModel) {
  const used = new Set(model.containers.flatMap(c => (c.mounts ?? []).flatMap(m => ('storage' in m ? [m.storage] : []))));
  const items = model.storage.filter(item => used.has(item.name));
  return {
    secrets: model.secrets,
    items,
    isBind: model.answers.storage === 'bind',
    hasDatabase: model.services.includes('postgis'),
    fileItems: items.filter(item => item.backup).map(item => item.name),
    nginxTls: model.tls === 'nginx',
    helperImage: IMAGES.alpine,
  };
}
