/** answers + catalog -> PortalModel: pure, deterministic, no Yeoman. */
import type { PortalAnswers } from '../answers/answers.js';
import { backendDefinition, serviceDefinition } from '../catalog/index.js';
import type { CatalogContext, ContainerSpec, Contribution, DependsCondition, HttpRoute } from '../catalog/types.js';
import type { PortalModel, RoutedPath } from './portal-model.js';
import { withDevHostPorts } from './dev-ports.js';
import { withProxyDependencies } from './proxy-dependencies.js';
import { resolveServices } from './resolve-services.js';
import { extraContributions, extrasNeedProxy, privateFolders, refuseClashes } from './extras.js';
import { routeKey } from '../answers/app-routes.js';
import { withFolders } from '../catalog/extras/folders.js';
import { NGINX_PORT } from '../catalog/services/nginx.js';
import { VARNISH_PORT } from '../catalog/services/varnish.js';
import { redisRoleContribution } from '../catalog/extras/redis-roles.js';
import { connectionsForApps } from '../catalog/extras/app-settings.js';
import { withAliases } from './aliases.js';
import { alternativeProfiles, withAlternatives } from './alternatives.js';
import { answeredSubDomains, sharedTraefikEntry } from '../catalog/shared-traefik.js';
import { checkDevMounts } from './dev-mounts.js';
import { targetsOf } from '../answers/targets.js';
import { presenceIn, type HasService } from './has-service.js';
import { rolesInCatalogOrder, type DatabaseRole } from '../catalog/services/postgis-roles.js';

export function buildPortalModel(answers: PortalAnswers): PortalModel {
  const resolved = resolveServices(answers);
  const proxyNote = extrasNeedProxy(answers, resolved.services);
  const services = proxyNote ? resolveServices({ ...answers, services: [...resolved.services, 'nginx'] }).services : resolved.services;
  const notes = proxyNote ? [...resolved.notes, proxyNote] : resolved.notes;
  const has = presenceIn(services);
  const broker = has('celery') ? (has('rabbitmq') ? 'rabbitmq' : 'redis') : undefined;
  const slug = answers.name.replace(/-/g, '_');
  const entry = sharedTraefikEntry(answers, has) ?? (has('nginx') ? 'nginx' : has('varnish') ? 'varnish' : 'backend');
  const devUrl = `http://localhost:${entry === 'nginx' ? NGINX_PORT : entry === 'varnish' ? VARNISH_PORT : answers.backendPort}`;
  const ctx: CatalogContext = { answers, has, slug, backendPort: answers.backendPort, devUrl, ...(broker ? { broker } : {}) };
  // the stores first: a prebuilt backend's contract names their connections, as the apps' do; then every
  // service again with them known (the scheduler runs the backend's image with its contract)
  const firstPass = services.map(id => serviceDefinition(id).contribute(ctx));
  const storeConnections = [...firstPass, ...(answers.redisRoles ?? []).map(role => redisRoleContribution(role, ctx))].flatMap(part => part.connections ?? []);
  // a prebuilt backend is reachable by apps too (`portal import` aliases the main app's old name to it), never by itself
  const backendConnection = answers.backend === 'image' ? [{ store: 'backend', host: 'backend', port: answers.backendPort }] : [];
  const connections = connectionsForApps([...backendConnection, ...storeConnections]);
  const ownConnections = connectionsForApps(storeConnections);
  const serviceParts = services.map(id => serviceDefinition(id).contribute({ ...ctx, connections: ownConnections, contributions: firstPass }));
  const profiles = alternativeProfiles(answers.alternatives ?? [], new Map(services.map((id, i) => [id, serviceParts[i]!])));
  const catalogParts: Contribution[] = [backendDefinition(answers.backend).contribute({ ...ctx, connections: ownConnections }), ...serviceParts];
  // the Redis role servers are part of the stack a folder or app name must not collide with
  refuseClashes([...catalogParts, ...(answers.redisRoles ?? []).map(role => redisRoleContribution(role, ctx))], answers);
  const roleParts = (answers.redisRoles ?? []).map(role => redisRoleContribution(role, ctx));
  const taken = new Set([
    'COMPOSE_PROJECT_NAME',
    'DOMAIN',
    'DATA_ROOT',
    ...[...catalogParts, ...roleParts].flatMap(part => [
      ...(part.secrets ?? []).flatMap(secret => [secret.name, secret.env]),
      ...(part.env ?? []).map(variable => variable.name),
    ]),
  ]);
  const parts = [...catalogParts, ...extraContributions({ ...ctx, connections }, taken)];
  const all = (key: Exclude<keyof Contribution, 'appEnv'>): readonly unknown[] => parts.flatMap(part => (part[key] ?? []) as readonly unknown[]);

  const appEnv = Object.assign({}, ...parts.map(part => part.appEnv ?? {})) as Record<string, string>;
  const appSecrets = unique(all('appSecrets') as PortalModel['appSecrets'], use => use.env, 'app secret');
  const appWiring: AppWiring = {
    devEnv: Object.assign({}, ...parts.map(part => part.appDevEnv ?? {})) as Record<string, string>,
    dependsOn: Object.assign({}, ...parts.map(part => part.appDependsOn ?? {})) as Record<string, DependsCondition>,
    readiness: new Map(services.map((id, i) => [id, serviceParts[i]!.readiness ?? {}])),
  };
  const front = frontOf(all('containers') as ContainerSpec[], has, answers);
  const routes = routeAll(unique(all('routes') as HttpRoute[], routeKey, 'route'), has('varnish'));
  // the shared Traefik's routers are built from the answers, before the routes exist: both must agree
  const routed = [...new Set(routes.flatMap(route => (route.host ? [route.host] : [])))].sort();
  if (routed.join() !== answeredSubDomains(answers).join())
    throw new Error(`internal: sub-domains ${routed.join()} routed, ${answeredSubDomains(answers).join()} answered`);
  const containers = withDevHostPorts(
    withAlternatives(
      withProxyDependencies(
        withFolders(
          withAliases(
            unique(all('containers') as ContainerSpec[], c => c.name, 'container').map(container =>
              finishContainer(container, appEnv, appSecrets, front.name, appWiring),
            ),
            all('aliases') as NonNullable<Contribution['aliases']>,
            connections,
          ),
          answers.folders ?? [],
          privateFolders(answers),
        ),
        routes,
        front.name,
      ),
      profiles,
    ),
    front.name,
  );
  checkDevMounts(containers);
  return {
    answers,
    slug,
    services,
    notes,
    ...(broker ? { broker } : {}),
    containers,
    storage: unique(all('storage') as PortalModel['storage'], item => item.name, 'storage item'),
    secrets: unique(all('secrets') as PortalModel['secrets'], secret => secret.name, 'secret'),
    env: unique(all('env') as PortalModel['env'], variable => variable.name, 'variable'),
    appEnv,
    appSecrets,
    routes,
    // entries state what they expose; without Prometheus nobody scrapes or alerts
    scrape: has('prometheus') ? (all('scrape') as PortalModel['scrape']) : [],
    alerts: has('prometheus') ? (all('alerts') as PortalModel['alerts']) : [],
    files: unique(all('files') as PortalModel['files'], file => file.path, 'file'),
    consoles: all('consoles') as PortalModel['consoles'],
    databaseRoles: rolesInCatalogOrder(all('databaseRoles') as DatabaseRole[]),
    passwordChanges: all('passwordChanges') as PortalModel['passwordChanges'],
    readmeSections: all('readmeSections') as PortalModel['readmeSections'],
    // apps sharing a config/ folder each name it: listed once
    repoLayout: [...new Map((all('repoLayout') as PortalModel['repoLayout']).map(entry => [entry.path, entry])).values()],
    front,
    tls: has('traefik') ? 'traefik' : answers.traefikNetwork ? 'shared-traefik' : has('nginx') ? 'nginx' : 'none',
    targets: targetsOf(answers),
  };
}

/** nginx if present, else varnish, else the backend: the first hop for public HTTP (behind a shared Traefik, its entry). */
function frontOf(containers: readonly ContainerSpec[], has: HasService, answers: PortalAnswers): PortalModel['front'] {
  const name = sharedTraefikEntry(answers, has) ?? (has('nginx') ? 'nginx' : has('varnish') ? 'varnish' : 'backend');
  const container = containers.find(c => c.name === name);
  if (!container?.port) throw new Error(`internal: front container ${name} has no port`);
  return { name, port: container.port };
}

/** What app containers get besides the shared settings: dev-only settings and services to wait for. */
interface AppWiring {
  readonly devEnv: Readonly<Record<string, string>>;
  readonly dependsOn: Readonly<Record<string, DependsCondition>>;
  /** What a container that uses each chosen service waits for (its `readiness`). */
  readonly readiness: ReadonlyMap<string, Readonly<Record<string, DependsCondition>>>;
}

/** The waits for the services a container uses (those chosen), before its own. */
function withReadiness(container: ContainerSpec, readiness: AppWiring['readiness']): ContainerSpec {
  if (!container.uses) return container;
  const waits = Object.assign({}, ...container.uses.map(id => readiness.get(id) ?? {})) as Record<string, DependsCondition>;
  return { ...container, dependsOn: { ...waits, ...container.dependsOn } };
}

/** App containers get the shared app settings; the front joins the edge network. */
function finishContainer(
  container: ContainerSpec,
  appEnv: Readonly<Record<string, string>>,
  appSecrets: PortalModel['appSecrets'],
  frontName: string,
  wiring: AppWiring,
): ContainerSpec {
  container = withReadiness(container, wiring.readiness);
  const networks = container.name === frontName && !container.networks.includes('edge') ? ['edge' as const, ...container.networks] : container.networks;
  if (!container.isApp || container.ownSettings) return { ...container, networks };
  const hasDevEnv = Object.keys(wiring.devEnv).length > 0;
  const hasDependsOn = Object.keys(wiring.dependsOn).length > 0;
  return {
    ...container,
    networks,
    environment: { ...appEnv, ...container.environment },
    secrets: [...appSecrets, ...(container.secrets ?? [])],
    ...(hasDevEnv ? { dev: { ...container.dev, environment: { ...wiring.devEnv, ...container.dev?.environment } } } : {}),
    ...(hasDependsOn ? { dependsOn: { ...container.dependsOn, ...wiring.dependsOn } } : {}),
  };
}

function routeAll(routes: readonly HttpRoute[], hasVarnish: boolean): RoutedPath[] {
  return (
    [...routes]
      .sort((a, b) => b.path.length - a.path.length || a.path.localeCompare(b.path))
      // varnish answers the portal's own host only (it refuses others with 421), so sub-domains go around it
      .map(route => ({ ...route, viaVarnish: hasVarnish && route.upstream !== undefined && route.cache !== 'none' && !route.websocket && !route.host }))
  );
}

function unique<T>(items: readonly T[], key: (item: T) => string, what: string): T[] {
  const seen = new Set<string>();
  for (const item of items) {
    const id = key(item);
    if (seen.has(id)) throw new Error(`internal: two catalog entries define the ${what} "${id}"`);
    seen.add(id);
  }
  return [...items];
}
