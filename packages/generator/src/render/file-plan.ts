/** PortalModel -> every file of the generated repo, with its content and who owns it. */
import { presenceIn } from '../model/has-service.js';
import { SECRET_FOLDERS, STATE_FOLDER } from '../shared/repo-folders.js';
import type { FileSpec } from '../catalog/types.js';
import { toYaml } from '../shared/yaml-document.js';
import type { PortalModel } from '../model/portal-model.js';
import { renderCompose } from './compose.js';
import { architectureView, readmeView } from './docs.js';
import { deployView } from './deploy-doc.js';
import { alertRules, grafanaDashboard, grafanaDashboardProvider, grafanaDatasource, prometheusConfig, traefikDynamic } from './monitoring.js';
import { nginxCorsView, nginxMainView, nginxProxyView, nginxSiteView, nginxUpstreamsView, routeFiles } from './nginx.js';
import { scriptsView } from './scripts.js';
import type { SecretSource } from './secret-source.js';
import { renderTemplate } from './templates.js';
import { varnishView } from './varnish.js';
import { instanceFiles } from './instances.js';
import { configFolderFiles } from './config-folders.js';
import { envFiles, executable, managed, MANAGED, sample, type PlannedFile } from './planned-file.js';
import { kubernetesFiles } from './kubernetes/files.js';
import { swarmStackFiles } from './swarm/stack.js';

export type { Ownership, PlannedFile } from './planned-file.js';

export function planFiles(model: PortalModel, secrets: SecretSource): PlannedFile[] {
  const files: PlannedFile[] = [
    ...composeFiles(model),
    ...envFiles(model, secrets),
    ...instanceFiles(model, secrets),
    ...configFolderFiles(model),
    ...model.files.map(renderSpec),
    ...proxyFiles(model),
    ...monitoringFiles(model),
    ...scriptFiles(model),
    managed('README.md', renderTemplate('docs/README.md.ejs', readmeView(model))),
    managed('docs/architecture.md', renderTemplate('docs/architecture.md.ejs', architectureView(model))),
    managed('docs/deploy.md', renderTemplate('docs/deploy.md.ejs', deployView(model))),
    managed('.gitignore', rootGitignore()),
    managed('.dockerignore', renderTemplate('root/dockerignore.ejs', { stateFolder: STATE_FOLDER })),
    managed('.editorconfig', renderTemplate('root/editorconfig.ejs')),
    managed('Makefile', renderTemplate('root/Makefile.ejs')),
    managed('.github/workflows/verify.yml', renderTemplate('ci/verify.yml.ejs')),
  ];
  // targets besides compose render from the same model; their ConfigMaps list the files planned above
  const targets = [
    ...(model.targets.includes('kubernetes') ? kubernetesFiles(model, files) : []),
    ...(model.targets.includes('swarm') ? swarmStackFiles(model, files) : []),
  ];
  return [...files, ...targets].sort((a, b) => a.path.localeCompare(b.path));
}

function composeFiles(model: PortalModel): PlannedFile[] {
  const { base, dev, prod } = renderCompose(model);
  return [
    managed('docker-compose.yml', toYaml(base, `Base services of ${model.answers.name}: no published ports.\n${MANAGED}`)),
    managed(
      'docker-compose.override.yml',
      toYaml(dev, `Development: ports on 127.0.0.1, source mounted, secrets from .env.\ndocker-compose reads this file by default.\n${MANAGED}`),
    ),
    managed(
      'docker-compose.prod.yml',
      toYaml(prod, `Production: restart policies, docker secrets, only the edge publishes ports.\nPORTAL_ENV=prod scripts/restart.sh\n${MANAGED}`),
    ),
  ];
}

function renderSpec(spec: FileSpec): PlannedFile {
  if ('template' in spec) {
    return spec.executable ? executable(spec.path, renderTemplate(spec.template, spec.view)) : managed(spec.path, renderTemplate(spec.template, spec.view));
  }
  if ('yaml' in spec) return managed(spec.path, toYaml(spec.yaml, spec.comment ? `${spec.comment}\n${MANAGED}` : MANAGED));
  return managed(spec.path, `${JSON.stringify(spec.json, null, 2)}\n`);
}

function proxyFiles(model: PortalModel): PlannedFile[] {
  const has = presenceIn(model.services);
  return [
    ...(has('nginx')
      ? [
          managed('nginx/nginx.conf', renderTemplate('nginx/nginx.conf.ejs', nginxMainView(model))),
          managed('nginx/snippets/upstreams.conf', renderTemplate('nginx/upstreams.conf.ejs', nginxUpstreamsView(model))),
          managed('nginx/snippets/proxy.conf', renderTemplate('nginx/proxy.conf.ejs', nginxProxyView())),
          managed('nginx/snippets/security-headers.conf', renderTemplate('nginx/security-headers.conf.ejs')),
          ...routeFiles(model).map(({ file, view }) => managed(`nginx/snippets/${file}`, renderTemplate('nginx/routes.conf.ejs', view))),
          ...(model.routes.some(route => route.cors) ? [managed('nginx/snippets/cors.conf', renderTemplate('nginx/cors.conf.ejs', nginxCorsView(model)))] : []),
          sample('nginx/snippets/custom/locations.conf', renderTemplate('nginx/custom-locations.conf.ejs')),
          managed('nginx/sites/dev.conf', renderTemplate('nginx/site-dev.conf.ejs', nginxSiteView(model))),
          managed('nginx/sites/prod.conf', renderTemplate('nginx/site-prod.conf.ejs', nginxSiteView(model))),
        ]
      : []),
    ...(has('varnish')
      ? [
          managed('varnish/default.vcl', renderTemplate('varnish/default.vcl.ejs', varnishView(model))),
          sample('varnish/custom.vcl', renderTemplate('varnish/custom.vcl.ejs')),
        ]
      : []),
    ...(has('traefik') ? [managed('traefik/dynamic/portal.yml', toYaml(traefikDynamic(model), `Traefik routes (file provider).\n${MANAGED}`))] : []),
  ];
}

function monitoringFiles(model: PortalModel): PlannedFile[] {
  const has = presenceIn(model.services);
  return [
    ...(has('prometheus')
      ? [
          managed('prometheus/prometheus.yml', toYaml(prometheusConfig(model), `Scrape jobs of every chosen service.\n${MANAGED}`)),
          managed('prometheus/rules/portal.yml', toYaml(alertRules(model), `Baseline alert rules.\n${MANAGED}`)),
        ]
      : []),
    ...(has('grafana')
      ? [
          managed('grafana/provisioning/datasources/prometheus.yml', toYaml(grafanaDatasource(), MANAGED)),
          managed('grafana/provisioning/dashboards/portal.yml', toYaml(grafanaDashboardProvider(), MANAGED)),
          managed('grafana/dashboards/portal-overview.json', `${JSON.stringify(grafanaDashboard(model), null, 2)}\n`),
        ]
      : []),
  ];
}

function scriptFiles(model: PortalModel): PlannedFile[] {
  const view = scriptsView(model);
  return [
    managed('scripts/lib.sh', renderTemplate('scripts/lib.sh.ejs', view)),
    ...['restart', 'create-secrets', 'apply-secrets', 'create-storage', 'migrate-storage', 'backup', 'restore'].map(name =>
      executable(`scripts/${name}.sh`, renderTemplate(`scripts/${name}.sh.ejs`, view)),
    ),
  ];
}

/** The repo's .gitignore: the state folder and every secret folder stay out of git. */
export function rootGitignore(): string {
  return renderTemplate('root/gitignore.ejs', { stateFolder: STATE_FOLDER, secretFolders: SECRET_FOLDERS.map(folder => `${folder}/`).join('\n') });
}
