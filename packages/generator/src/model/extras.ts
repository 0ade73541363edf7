/** The list answers (apps, folders, Redis roles) as catalog contributions, checked against the catalog. */
import type { PortalAnswers, ServiceId } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { appContribution } from '../catalog/extras/apps.js';
import { folderRoutes, folderStorage } from '../catalog/extras/folders.js';
import { REDIS_STORES_LAYOUT, redisRoleContribution, redisStoresConfig } from '../catalog/extras/redis-roles.js';
import type { CatalogContext, Contribution } from '../catalog/types.js';
import type { AppAnswer } from '../answers/extras.js';
import { ownSecret } from '../catalog/extras/app-settings.js';
import { routeKey, routesOf } from '../answers/app-routes.js';
import { servicePaths } from '../catalog/index.js';

/** The shared folders apps hand out through X-Accel-Redirect: nginx mounts them for its internal locations. */
export const privateFolders = (answers: PortalAnswers): string[] => [
  ...new Set(ownRoutes(answers).flatMap(route => (route.private ? [route.private.folder] : []))),
];

/** The routes the answers declare: the apps' and the prebuilt backend's sub-domains. */
const ownRoutes = (answers: PortalAnswers) => [...(answers.backendContract?.routes ?? []), ...(answers.apps ?? []).flatMap(app => routesOf(app))];

/** nginx serves folders and routes apps: added, with a note, when neither proxy was chosen. */
export function extrasNeedProxy(answers: PortalAnswers, services: readonly ServiceId[]): string | undefined {
  if (services.includes('nginx')) return undefined;
  if ((answers.folders ?? []).some(folder => folder.route)) return 'added nginx: it serves the shared folders that have a route';
  if (answers.grafanaHost || answers.flowerHost) return 'added nginx: it serves the sub-domains of Grafana and Flower';
  const routes = ownRoutes(answers);
  // varnish routes by path only, on the main domain, with neither limits nor CORS of its own
  if (routes.some(route => route.host || route.private || route.cors || route.bodySize || route.timeout || route.connectTimeout)) {
    return "added nginx: it serves the apps' sub-domains, limits, CORS and private folders";
  }
  if (!services.includes('varnish') && routes.length > 0) return 'added nginx: it routes the apps that have a route';
  return undefined;
}

/**
 * `taken`: the secret names and `.env` variables of the rest of the stack, which an app's own secret
 * (`{secret}`, named `<APP>_<SETTING>`) must not take.
 */
export function extraContributions(ctx: CatalogContext, taken: ReadonlySet<string>): Contribution[] {
  const { answers } = ctx;
  const roles = answers.redisRoles ?? [];
  const apps = answers.apps ?? [];
  const appNames = ['backend', ...apps.map(app => app.id)];
  const appParts = apps.map(app => appContribution(app, ctx));
  refuseOwnSecretClashes(apps, taken);
  return [
    ...roles.map(role => redisRoleContribution(role, ctx)),
    ...(roles.some(role => !answers.redisSettings?.[`redis-${role}`]) ? [{ files: [redisStoresConfig], repoLayout: [REDIS_STORES_LAYOUT] }] : []),
    ...appParts,
    {
      storage: folderStorage(answers.folders ?? [], appNames, privateFolders(answers)),
      routes: folderRoutes(answers.folders ?? [], new Map(apps.flatMap(app => (app.port !== undefined ? [[app.id, app.port] as const] : [])))),
    },
  ];
}

function refuseOwnSecretClashes(apps: readonly AppAnswer[], taken: ReadonlySet<string>): void {
  const owner = new Map<string, string>();
  for (const app of apps) {
    for (const [setting, template] of Object.entries(app.settings ?? {}).concat(Object.entries(app.devSettings ?? {}))) {
      if (!template.includes('{secret}')) continue;
      const secret = ownSecret(app.id, setting);
      const other = taken.has(secret.env) || taken.has(secret.name) ? 'the stack' : owner.get(secret.env);
      if (other && other !== app.id) {
        throw new PortalInputError(
          `Invalid --setting "${setting}=${template}" of app "${app.id}": its {secret} would be ${secret.env}, which ${other === 'the stack' ? 'the stack' : `app "${other}"`} already uses; name the setting otherwise.`,
        );
      }
      owner.set(secret.env, app.id);
    }
  }
}

/** An app id or route that the chosen services already use is the user's to change: say which. */
export function refuseClashes(catalogParts: readonly Contribution[], answers: PortalAnswers): void {
  const names = new Set(catalogParts.flatMap(part => (part.containers ?? []).map(c => c.name)));
  const storage = new Set(catalogParts.flatMap(part => (part.storage ?? []).map(s => s.name)));
  // the backend's own routes are in its contribution already: an app or folder may not take them either
  const routes = new Set(catalogParts.flatMap(part => (part.routes ?? []).map(routeKey)));
  // every service's own paths, chosen or not: choosing it later must not find an app there
  const reserved = servicePaths();
  for (const app of answers.apps ?? []) {
    if (names.has(app.id) || app.id.startsWith('redis-'))
      throw new PortalInputError(`Invalid app "${app.id}": the stack already has a container of that name; choose another id.`);
    for (const key of appRouteKeys(app)) {
      if (routes.has(key)) throw new PortalInputError(`Invalid --route "${key}" of app "${app.id}": the stack already routes that path; choose another.`);
      const service = reserved.get(key);
      if (service) throw new PortalInputError(`Invalid --route "${key}" of app "${app.id}": ${service} answers there when chosen; choose another.`);
    }
  }
  for (const folder of answers.folders ?? []) {
    if (storage.has(folder.name) || names.has(folder.name))
      throw new PortalInputError(`Invalid folder "${folder.name}": the stack already has storage or a container of that name; choose another.`);
    if (folder.route && routes.has(folderKey(folder)))
      throw new PortalInputError(`Invalid folder route "${folderKey(folder)}": the stack already routes that path; choose another.`);
    const service = folder.route ? reserved.get(folderKey(folder)) : undefined;
    if (service) throw new PortalInputError(`Invalid folder route "${folderKey(folder)}": ${service} answers there when chosen; choose another.`);
  }
  const folderRoutesSet = new Set((answers.folders ?? []).flatMap(f => (f.route ? [folderKey(f)] : [])));
  for (const app of answers.apps ?? []) {
    for (const key of appRouteKeys(app)) {
      if (folderRoutesSet.has(key)) throw new PortalInputError(`Invalid --route "${key}" of app "${app.id}": a shared folder is served there; choose another.`);
    }
  }
}

const appRouteKeys = (app: AppAnswer): string[] =>
  routesOf(app).flatMap(route => [routeKey(route), ...(route.private ? [routeKey({ host: route.host, path: route.private.path })] : [])]);
const folderKey = (folder: { readonly host?: string; readonly route?: string }): string => routeKey({ host: folder.host, path: folder.route! });
