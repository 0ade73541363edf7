/** Views for the shell scripts of the generated repo. */
import { hasService } from '../model/has-service.js';
import { subDomains } from './nginx.js';
import { IMAGES } from '../catalog/images.js';
import type { PortalModel } from '../model/portal-model.js';
import { presetOf } from '../presets/index.js';

/** Services kept as alternatives, by compose profile: `containers` is a comma-separated list. */
export function profilesOf(model: PortalModel): { name: string; containers: string }[] {
  const names = [...new Set(model.containers.flatMap(c => c.profiles ?? []))].sort();
  return names.map(name => ({
    name,
    containers: model.containers
      .filter(c => c.profiles?.includes(name))
      .map(c => c.name)
      .join(', '),
  }));
}

/**
 * nginx and varnish resolve their upstreams' addresses once, at start: after `up` recreates an upstream
 * (new address), restart.sh restarts them, varnish before the nginx in front of it.
 */
function proxiesAndUpstreams(model: PortalModel): { proxies: string[]; upstreams: string[] } {
  const proxies = (['varnish', 'nginx'] as const).filter(name => hasService(model, name));
  const hosts = model.routes.flatMap(route => (route.upstream ? [route.upstream.host] : []));
  const upstreams = [...new Set([...hosts, ...(proxies.length === 2 ? ['varnish'] : [])])].filter(h => h !== 'nginx').sort();
  return { proxies, upstreams: proxies.length > 0 ? upstreams : [] };
}

/**
 * Passwords kept inside a service's data, which apply-secrets.sh changes there before recreating. Each
 * secret's file name and .env variable come from its declaration: the script names no variable of its own.
 */
function statefulSecrets(model: PortalModel) {
  const declared = new Map(model.secrets.map(s => [s.name, { name: s.name, env: s.env }]));
  const roles = [
    { name: 'postgres_password', role: '$(env_value POSTGRES_USER)' },
    ...model.databaseRoles.map(role => ({ name: role.secret.secret, role: role.name })),
  ].flatMap(({ name, role }) => {
    const secret = declared.get(name);
    return secret ? [{ ...secret, role }] : [];
  });
  const changes = model.passwordChanges.flatMap(change => {
    const secret = declared.get(change.secret);
    return secret ? [{ ...change, ...secret }] : [];
  });
  return {
    roles,
    changes,
    stateful: [...(roles.length ? ['PostgreSQL'] : []), ...changes.map(change => change.keeper)],
  };
}

export function scriptsView(model: PortalModel) {
  const used = new Set(model.containers.flatMap(c => (c.mounts ?? []).flatMap(m => ('storage' in m ? [m.storage] : []))));
  const items = model.storage.filter(item => used.has(item.name));
  return {
    secrets: model.secrets,
    profiles: profilesOf(model),
    ...statefulSecrets(model),
    ...proxiesAndUpstreams(model),
    // a folder read by containers running as other users (nginx serving static files) must be world-readable
    items: items.map(item => ({ ...item, mode: item.usedBy.length > 1 ? '755' : '750' })),
    isBind: model.answers.storage === 'bind',
    hasDatabase: hasService(model, 'postgis'),
    hasMongo: hasService(model, 'mongodb'),
    // backup.sh needs the engine for a database dump or a volume's archive; bind folders it reads itself
    backupEngine: hasService(model, 'postgis') || hasService(model, 'mongodb') || (model.answers.storage !== 'bind' && items.some(item => item.backup)),
    // the folders backup.sh writes below BACKUP_DIR
    backupFolders: [...(hasService(model, 'postgis') ? ['db'] : []), ...(hasService(model, 'mongodb') ? ['mongo'] : []), 'files'],
    // what apply-secrets.sh may recreate: a service name, never an option of `compose up`
    serviceNames: [...new Set(model.containers.map(c => c.name))].sort(),
    fileItems: items.filter(item => item.backup).map(item => item.name),
    nginxTls: model.tls === 'nginx',
    // the self-signed certificate names every sub-domain a route is served on, under the deployment's domain
    subDomains: subDomains(model),
    helperImage: IMAGES.alpine,
    instanceVariable: model.answers.instanceVariable ?? '',
    instanceList: ['dev:localhost', `prod:${model.answers.domain}`, ...(model.answers.instances ?? []).map(i => `${i.name}:${i.domain}`)],
    preset: model.answers.preset ?? '',
    postgresMajor: IMAGES.postgis.split(':')[1]!.split('-')[0]!,
    legacyStores: (model.answers.preset ? presetOf(model.answers.preset).stores : [])
      .filter(store => used.has(store.item))
      .map(store => `${store.old}|${store.path}|${store.item}|${store.postgres ? 'postgres' : 'files'}`),
  };
}
