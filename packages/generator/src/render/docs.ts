/** Views for README.md and docs/architecture.md: tables and a Mermaid diagram derived from the model. */
import { presenceIn, hasService } from '../model/has-service.js';
import { DEFAULT_BACKUPS } from '../answers/postgres-answers.js';
import { backendDefinition, serviceDefinition } from '../catalog/index.js';
import { containerObjects, NO_KUBERNETES_EQUIVALENT, TARGET_MAPPING, type MappingRow } from './kubernetes/mapping-table.js';
import type { PortalModel } from '../model/portal-model.js';
import { profilesOf, scriptsView } from './scripts.js';
import { presetOf } from '../presets/index.js';
import { devSourceMounts } from './compose.js';
import { sharedTraefikRouters } from '../catalog/shared-traefik.js';
import { NGINX_PORT } from '../catalog/services/nginx.js';
import { VARNISH_PORT } from '../catalog/services/varnish.js';
import { RECORDABLE_RULES, ROOT_START_CAPABILITIES } from '../answers/app-contract.js';

/** dev, prod and each instance: how to start it, its domain and where its settings live. */
function deployments(model: PortalModel) {
  const { answers } = model;
  const variable = answers.instanceVariable ? ` (or \`${answers.instanceVariable}\`)` : '';
  return {
    instanceVariable: variable,
    deployments: [
      { name: 'dev', domain: 'localhost', start: 'scripts/restart.sh', env: '`.env`', files: 'docker-compose.yml + docker-compose.override.yml' },
      {
        name: 'prod',
        domain: answers.domain,
        start: 'PORTAL_ENV=prod scripts/restart.sh',
        env: '`.env`, `secrets/`',
        files: 'docker-compose.yml + docker-compose.prod.yml',
      },
      ...(answers.instances ?? []).map(i => ({
        name: i.name,
        domain: i.domain,
        start: `PORTAL_INSTANCE=${i.name} scripts/restart.sh`,
        env: `\`instances/${i.name}.env\`, \`secrets/${i.name}/\``,
        files: `docker-compose.yml + docker-compose.prod.yml + instances/${i.name}.yml`,
      })),
    ],
  };
}

/** The old deployment a preset rebuilds: what each of its parts became. */
function legacy(model: PortalModel) {
  const id = model.answers.preset;
  if (!id) return { legacyTitle: '', patterns: [], stores: [] };
  const preset = presetOf(id);
  return {
    legacyTitle: preset.title,
    patterns: preset.patterns,
    stores: preset.stores.map(store => ({ ...store, postgres: store.postgres === true })),
  };
}

const CACHE_WORDS = { long: 'cached 1 day (varnish)', default: 'anonymous GETs cached briefly', pass: 'never cached', none: 'not cached' };

export function readmeView(model: PortalModel) {
  const { answers } = model;
  const scripts = scriptsView(model);
  return {
    name: answers.name,
    slug: model.slug,
    domain: answers.domain,
    backendTitle: backendDefinition(answers.backend).title,
    serviceTitles: model.services.map(id => serviceDefinition(id).title),
    isBind: scripts.isBind,
    dataRoot: answers.dataRoot ?? '',
    devUrl: `http://localhost:${model.front.port}`,
    tls: model.tls,
    sharedTraefik: sharedTraefikDoc(model),
    hasDatabase: scripts.hasDatabase,
    hasMongo: scripts.hasMongo,
    hasBackupService: hasService(model, 'backup'),
    backupSchedule: (model.answers.backups ?? DEFAULT_BACKUPS).schedule,
    backupKept: (model.answers.backups ?? DEFAULT_BACKUPS).rotation === 'weekday' ? 'one dump of each per day of the week' : 'the newest `BACKUP_KEEP` of each',
    sections: model.readmeSections.map(section => ({ title: section.title, text: section.lines.join('\n') })),
    customFiles: [
      ...(hasService(model, 'nginx') ? ['nginx locations go in `nginx/snippets/custom/*.conf`'] : []),
      ...(hasService(model, 'varnish') ? ['cache rules go in `varnish/custom.vcl`'] : []),
    ],
    fileItems: scripts.fileItems,
    extraFiles: extraFiles(model),
    devSources: devSources(model),
    ...deployments(model),
  };
}

/** The repo folders each container mounts in dev only, and its dev command when it declared one. */
function devSources(model: PortalModel) {
  return model.containers.flatMap(c => {
    const mounts = devSourceMounts(c);
    if (mounts.length === 0) return [];
    return [
      {
        container: c.name,
        mounts: mounts.map(m => ({ source: m.source, target: m.target, access: m.readOnly ? 'read-only' : 'writable' })),
        // as a reader types it: compose's $$ unescaped
        devCommand: (c.dev?.command ?? [])
          .map(word => (/\s/.test(word) ? `'${word}'` : word))
          .join(' ')
          .replace(/\$\$/g, '$')
          .replace(/\|/g, '\\|')
          .replace(/`/g, "'"),
      },
    ];
  });
}

/** The services' files as they list them, then the deployment instances' folder. */
function extraFiles(model: PortalModel): { path: string; what: string }[] {
  return [
    ...model.repoLayout,
    ...(model.answers.instances?.length ? [{ path: 'instances/', what: 'one compose override and env example per deployment instance' }] : []),
  ];
}

/** What the docs say about the shared Traefik the stack expects in prod (empty when it has its own edge). */
function sharedTraefikDoc(model: PortalModel) {
  const { traefikNetwork, traefikEntrypoint, traefikCertResolver } = model.answers;
  if (!traefikNetwork) return undefined;
  const has = presenceIn(model.services);
  const routers = sharedTraefikRouters(model.answers, has, { nginx: NGINX_PORT, varnish: VARNISH_PORT });
  return {
    network: traefikNetwork,
    entrypoint: traefikEntrypoint ?? '',
    certResolver: traefikCertResolver ?? '',
    entry: model.front.name,
    port: model.front.port,
    // the containers on the network, the entry first
    joined: [...new Set(routers.map(router => router.container))].map(name => `\`${name}\``).join(' and '),
    routers: routers.map(router => ({ name: router.router, rule: `Host(\`${router.host}\`)`, container: router.container, port: router.port })),
  };
}

export function architectureView(model: PortalModel) {
  const bind = model.answers.storage === 'bind';
  return {
    name: model.answers.name,
    sharedTraefik: sharedTraefikDoc(model),
    edges: diagramEdges(model),
    profiles: profilesOf(model),
    containers: model.containers.map(c => ({
      name: c.name,
      image: c.image,
      role: c.prodOnly
        ? `${c.role} (prod only)`
        : c.devOnly
          ? `${c.role} (dev only)`
          : c.profiles?.length
            ? `${c.role} (profile ${c.profiles.join(', ')}: not started by default)`
            : c.role,
      port: c.port ?? '-',
      devPorts: c.devPublish?.map(p => (p.host === p.container ? String(p.host) : `${p.host} → ${p.container}`)).join(', ') || '-',
      storage: (c.mounts ?? []).flatMap(m => ('storage' in m ? [`${m.storage} → ${m.target}`] : [])).join('<br>') || '-',
      health: healthOf(c),
    })),
    contracts: contracts(model),
    devSources: devSources(model),
    recordable: `${RECORDABLE_RULES.slice(0, -1).join(', ')} and ${RECORDABLE_RULES.at(-1)}`,
    rootCapabilities: ROOT_START_CAPABILITIES.join(', '),
    recorded: model.containers.flatMap(c => (c.exceptions ?? []).map(e => ({ container: c.name, rule: e.rule, reason: e.reason.replace(/\|/g, '\\|') }))),
    routes: model.routes.map(r => ({
      path: r.host ? `${r.host}.${model.answers.domain}${r.path}` : r.path,
      by: [r.files ? 'nginx (files)' : r.viaVarnish ? `varnish → ${r.upstream?.host}` : (r.upstream?.host ?? '-'), ...routeDetails(r)].join('; '),
      cache: CACHE_WORDS[r.cache],
    })),
    storageKind: bind ? 'bind (host folders)' : 'volumes (named Docker volumes)',
    storageNote: bind
      ? `Every item is a folder under \`DATA_ROOT\` (${model.answers.dataRoot}), e.g. a cloud block volume; \`scripts/create-storage.sh\` creates them with the right owners.`
      : 'Every item is a named volume, created by docker-compose as `<COMPOSE_PROJECT_NAME>_<item>`.',
    storage: model.storage.map(s => ({
      location: bind ? `${model.answers.dataRoot}/${s.name}` : s.name,
      usedBy: s.usedBy.join(', '),
      purpose: s.purpose,
      owner: s.owner,
      backup: s.backup ? 'yes' : s.dumpedWith ? `dumped with ${s.dumpedWith} by scripts/backup.sh` : 'no',
    })),
    secrets: model.secrets,
    monitoring: model.scrape.map(s => s.job),
    ...deployments(model),
    ...legacy(model),
    targets: targetsView(model),
  };
}

/** The targets besides compose, the compose-to-target table and each container's objects in the cluster. */
function targetsView(model: PortalModel) {
  const cell = (text: string): string => text.replace(/\|/g, '\\|');
  const row = (r: MappingRow) => ({ compose: cell(r.compose), kubernetes: cell(r.kubernetes), swarm: cell(r.swarm) });
  return model.targets.length > 1
    ? {
        chosen: model.targets.join(', '),
        mapping: TARGET_MAPPING.map(row),
        missing: NO_KUBERNETES_EQUIVALENT.map(row),
        containers: model.targets.includes('kubernetes') ? containerObjects(model) : [],
      }
    : undefined;
}

/** The settings of each app that declared them, as the compose files give them. */
function contracts(model: PortalModel) {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/`/g, "'");
  return model.containers
    .filter(c => c.ownSettings || c.aliases?.length || c.mounts?.some(m => 'file' in m && m.perDeployment))
    .flatMap(c => {
      const app = c.name === 'backend' ? model.answers.backendContract : model.answers.apps?.find(a => a.id === c.name);
      if (!app) return [];
      const settings = [
        ...Object.entries(c.environment ?? {}).map(([name, value]) => ({ name, value: cell(value.replace(/\$\$/g, '$')), devOnly: '' })),
        ...(c.secrets ?? []).map(use => ({ name: use.fileEnv ?? `${use.env}_FILE`, value: `/run/secrets/${use.secret}`, devOnly: '' })),
        ...Object.entries(c.dev?.environment ?? {}).map(([name, value]) => ({ name, value: cell(String(value).replace(/\$\$/g, '$')), devOnly: 'yes' })),
      ];
      const aliases = Object.entries(app.aliases ?? {}).map(([alias, store]) => `${store} as \`${alias}\``);
      return [{ app: c.name, settings, aliases, configFolder: app.configFolder }];
    });
}

/** Mermaid ids cannot hold dashes reliably: `celery-worker` becomes `celery_worker["celery-worker"]`. */
const nodeId = (name: string): string => name.replace(/[^a-zA-Z0-9]/g, '_');

/** Proxy hops, app dependencies and scrapes as Mermaid lines (node declarations, then edges), stable order. */
function diagramEdges(model: PortalModel): string[] {
  const nodes = model.containers.map(c => `${nodeId(c.name)}["${c.name}"]`);
  const edges = new Set<string>();
  const first = model.tls === 'traefik' ? 'traefik' : model.tls === 'shared-traefik' ? 'shared_traefik' : model.front.name;
  edges.add(`client --> ${first}`);
  if (first === 'traefik') edges.add(`traefik --> ${model.front.name}`);
  if (first === 'shared_traefik') edges.add(`shared_traefik["shared Traefik (outside this stack)"] --> ${model.front.name}`);
  for (const route of model.routes) {
    if (!route.upstream) continue;
    const from = route.viaVarnish || model.front.name === 'varnish' ? 'varnish' : model.front.name;
    if (route.viaVarnish && model.front.name !== 'varnish') edges.add(`${model.front.name} --> varnish`);
    if (from !== route.upstream.host) edges.add(`${from} --> ${route.upstream.host}`);
  }
  for (const c of model.containers) {
    for (const dependency of Object.keys(c.dependsOn ?? {})) {
      if (c.name === 'nginx' || c.name === 'varnish') continue; // drawn as proxy hops above
      edges.add(`${c.name} -.-> ${dependency}`);
    }
  }
  for (const target of model.scrape) {
    const host = target.target.split(':')[0];
    if (host !== 'localhost') edges.add(`prometheus -. scrape .-> ${host}`);
  }
  const ids = [...edges].map(edge => edge.replace(/[a-z][a-z0-9-]*/g, word => (word === 'scrape' ? word : nodeId(word))));
  return [...nodes, ...ids];
}

/** The healthcheck as a reader runs it (compose's `$$` unescaped), or why there is none. */
/** What a route sets beyond the defaults, in the words of the routes table. */
function routeDetails(r: PortalModel['routes'][number]): string[] {
  return [
    ...(r.internal ? ['internal: only an X-Accel-Redirect of the app answering this host serves it'] : []),
    ...(r.spa ? ['index.html for unknown paths (single-page front end)'] : []),
    ...(r.devUpstream ? [`in dev: ${r.devUpstream.host}:${r.devUpstream.port}`] : []),
    ...(r.bodySize ? [`bodies up to ${r.bodySize}`] : []),
    ...(r.timeout ? [`timeout ${r.timeout}`] : []),
    ...(r.connectTimeout ? [`connect ${r.connectTimeout}`] : []),
    ...(r.websocket ? ['websocket'] : []),
    ...(r.cors ? [`CORS ${r.cors.origins.join(', ')}${r.cors.credentials ? ' with credentials' : ''}, preflight answered by nginx`] : []),
  ];
}

function healthOf(c: PortalModel['containers'][number]): string {
  if (c.oneShot) return 'one-shot job';
  if (!c.healthcheck) return (c.healthExemption ?? '-').replace(/\|/g, '\\|');
  const command = c.healthcheck.test.slice(1).join(' ').replace(/\$\$/g, '$').replace(/\|/g, '\\|');
  return `healthcheck: \`${command}\``;
}
