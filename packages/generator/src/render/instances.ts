/**
 * Deployment instances (staging, one per country ...): each is its own compose project on base + prod +
 * `instances/<name>.yml`, with its own env file, secrets, database volume, domain and site config.
 */
import { presenceIn } from '../model/has-service.js';
import type { InstanceAnswer } from '../answers/extras.js';
import { toYaml } from '../shared/yaml-document.js';
import type { PortalModel } from '../model/portal-model.js';
import { deploymentConfigFolder } from '../catalog/types.js';
import { traefikDynamic } from './monitoring.js';
import { nginxSiteView } from './nginx.js';
import type { SecretSource } from './secret-source.js';
import { renderTemplate } from './templates.js';
import { envFiles, managed, MANAGED, type PlannedFile } from './planned-file.js';

/** The model as the instance sees it: its project name, domain, data folder and certificate folder. */
export function instanceModel(model: PortalModel, instance: InstanceAnswer): PortalModel {
  const { answers } = model;
  return {
    ...model,
    answers: {
      ...answers,
      name: `${answers.name}-${instance.name}`,
      domain: instance.domain,
      // beside the prod items, never one of them (an instance named like a folder)
      ...(answers.dataRoot ? { dataRoot: `${answers.dataRoot}/instances/${instance.name}` } : {}),
    },
    env: model.env.map(variable => (variable.name === 'TLS_CERT_DIR' ? { ...variable, value: `./secrets/${instance.name}/tls` } : variable)),
  };
}

/** Each app reading a config folder gets the instance's own, at the same path (compose merges volumes by target). */
function configFolders(model: PortalModel, deployment: string): Record<string, string[]> {
  return Object.fromEntries(
    model.containers.flatMap(container => {
      const targets = (container.mounts ?? []).flatMap(m => ('file' in m && m.perDeployment ? [m.target] : []));
      return targets.length > 0 ? [[container.name, targets.map(target => `${deploymentConfigFolder(deployment)}:${target}:ro`)]] : [];
    }),
  );
}

/** Per container, the files an instance mounts in place of prod's (same targets): its site, its routes, its config folder. */
export function instanceVolumes(model: PortalModel, instance: InstanceAnswer): Record<string, string[]> {
  const has = presenceIn(model.services);
  return {
    ...(has('nginx') ? { nginx: [`./nginx/sites/${instance.name}.conf:/etc/nginx/conf.d/default.conf:ro`] } : {}),
    ...(has('traefik') ? { traefik: [`./traefik/instances/${instance.name}:/etc/traefik/dynamic:ro`] } : {}),
    ...configFolders(model, instance.name),
  };
}

function composeOverride(model: PortalModel, instance: InstanceAnswer): object {
  const has = presenceIn(model.services);
  const services = Object.fromEntries(Object.entries(instanceVolumes(model, instance)).map(([name, volumes]) => [name, { volumes }]));
  const ownDatabase = has('postgis') && model.answers.storage === 'volumes';
  return {
    ...(Object.keys(services).length > 0 ? { services } : {}),
    // the project name of the instance's env file: renaming the portal never moves it to another volume
    ...(ownDatabase ? { volumes: { pgdata: { name: '${COMPOSE_PROJECT_NAME}_pgdata' } } } : {}),
    ...(model.secrets.length > 0 ? { secrets: Object.fromEntries(model.secrets.map(s => [s.name, { file: `./secrets/${instance.name}/${s.name}` }])) } : {}),
  };
}

export function instanceFiles(model: PortalModel, source: SecretSource): PlannedFile[] {
  return (model.answers.instances ?? []).flatMap(instance => {
    const own = instanceModel(model, instance);
    const has = presenceIn(model.services);
    return [
      managed(
        `instances/${instance.name}.yml`,
        toYaml(
          composeOverride(model, instance),
          `Instance ${instance.name}, served at\n${instance.domain}\nApplied on top of docker-compose.yml and docker-compose.prod.yml\n` +
            `with --env-file instances/${instance.name}.env. Paths are relative to the repository root.\n` +
            `PORTAL_INSTANCE=${instance.name} scripts/restart.sh\n${MANAGED}`,
        ),
      ),
      // its own secret values: the same names drawn under the instance's name
      ...envFiles(own, name => source(`${instance.name}/${name}`), { env: `instances/${instance.name}.env`, secretsDir: `secrets/${instance.name}` }),
      ...(has('nginx') ? [managed(`nginx/sites/${instance.name}.conf`, renderTemplate('nginx/site-prod.conf.ejs', nginxSiteView(own)))] : []),
      ...(has('traefik')
        ? [managed(`traefik/instances/${instance.name}/portal.yml`, toYaml(traefikDynamic(own), `Traefik routes of instance ${instance.name}.\n${MANAGED}`))]
        : []),
    ];
  });
}
