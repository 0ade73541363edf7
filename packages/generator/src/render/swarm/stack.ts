/**
 * PortalModel -> Docker Swarm stack files (compose file format 3.9, as `docker stack deploy` reads it):
 * deploy/swarm/stack.yml for prod and deploy/swarm/instances/<name>.yml per instance, rendered from the
 * ContainerSpecs, not converted from the compose files.
 */
import type { InstanceAnswer } from '../../answers/extras.js';
import { toYaml } from '../../shared/yaml-document.js';
import type { PortalModel } from '../../model/portal-model.js';
import { volumesFor } from '../compose.js';
import { instanceModel, instanceVolumes } from '../instances.js';
import { managed, MANAGED, sample, type PlannedFile } from '../planned-file.js';
import { renderTemplate } from '../templates.js';
import { CONFIGS_VERSION, secretVersionVariable, versionedName } from './names.js';
import { swarmService, WAIT_CONFIG, type Deployment } from './service.js';
import type { StackFile } from './stack-types.js';
import { swarmDocView } from './doc.js';
import { checkSwarmNames } from '../target-names.js';

export const STACK_FOLDER = 'deploy/swarm';
export const WAIT_SCRIPT_PATH = `${STACK_FOLDER}/wait-for.sh`;

/** The containers a deployment runs: all but the dev-only ones. */
export const deployedContainers = (model: PortalModel) => model.containers.filter(c => !c.devOnly);

export function swarmStack(deployment: Deployment, secretsDir: string): StackFile {
  const { model, project, root } = deployment;
  const rendered = deployedContainers(model).map(c => [c.name, swarmService(c, deployment)] as const);
  const configs = new Map(rendered.flatMap(([, r]) => r.configs.map(config => [config.key, config.path] as const)));
  if (rendered.some(([, r]) => r.service.configs?.some(ref => ref.source === WAIT_CONFIG))) configs.set(WAIT_CONFIG, WAIT_SCRIPT_PATH);
  const used = new Set(rendered.flatMap(([, r]) => r.secrets));
  const secrets = model.secrets.filter(secret => used.has(secret.name));
  const externals = [...new Set(deployedContainers(model).flatMap(c => (Array.isArray(c.prod?.networks) ? c.prod.networks : [])))].filter(
    name => name !== 'edge' && name !== 'internal',
  );
  const volumes = volumesFor(
    model,
    deployedContainers(model).filter(c => rendered.find(([name]) => name === c.name)![1].storage.length > 0),
  );
  return {
    version: '3.9',
    services: Object.fromEntries(rendered.map(([name, r]) => [name, r.service])),
    networks: {
      // overlay networks span the nodes; the edge may take `docker run --network` containers (a one-off shell)
      edge: { driver: 'overlay', attachable: true },
      internal: { driver: 'overlay', internal: true },
      ...Object.fromEntries(externals.map(name => [name, { external: true as const, name }])),
    },
    ...(volumes && Object.keys(volumes).length > 0 ? { volumes } : {}),
    ...(secrets.length > 0
      ? {
          secrets: Object.fromEntries(
            secrets.map(s => [s.name, { name: versionedName(project, s.name, secretVersionVariable(s.env)), file: `${root}${secretsDir}/${s.name}` }]),
          ),
        }
      : {}),
    ...(configs.size > 0
      ? {
          configs: Object.fromEntries(
            [...configs]
              .sort(([a], [b]) => a.localeCompare(b))
              .map(([key, path]) => [key, { name: versionedName(project, key, CONFIGS_VERSION), file: `${root}${path}` }]),
          ),
        }
      : {}),
  };
}

/** The variables naming the current version of each secret and of the configs, all at 1. */
function versionsFile(model: PortalModel, stack: StackFile): string {
  const used = new Set(Object.keys(stack.secrets ?? {}));
  const lines = [
    '# Versions of the Swarm secrets and configs of this deployment (see docs/swarm.md): Swarm cannot change',
    '# a secret or config in place, so after changing a secret file or a config file, raise its number here',
    '# and deploy again; the new objects get new names and the services roll over to them.',
    ...(stack.configs ? [`${CONFIGS_VERSION}=1`] : []),
    ...model.secrets.filter(s => used.has(s.name)).map(s => `${secretVersionVariable(s.env)}=1`),
  ];
  return `${lines.join('\n')}\n`;
}

function stackHeader(model: PortalModel, file: string, envFile: string, versions: string): string {
  return [
    `Docker Swarm stack of ${model.answers.name} (compose file format 3.9). See docs/swarm.md.`,
    'Images only: Swarm does not build. Build the images compose builds, push them to a registry the nodes',
    'can pull from under the same names and tags (or change the image lines), then from the repo root:',
    `  set -a; . ./${envFile}; . ./${versions}; set +a`,
    `  docker stack deploy --with-registry-auth -c ${file} ${model.answers.name}`,
    MANAGED,
  ].join('\n');
}

/**
 * Every file of the Swarm target: the prod stack, one stack per instance, their versions files (the
 * operator's after the first run) and the wait script. `planned`: the rest of the plan, whose paths say
 * which files a mounted repo folder holds.
 */
export function swarmStackFiles(model: PortalModel, planned: readonly PlannedFile[]): PlannedFile[] {
  checkSwarmNames(
    model,
    deployedContainers(model).map(c => c.name),
  );
  const repoFiles = new Map(planned.map(file => [file.path, ((file.mode ?? 0o644) & 0o111) !== 0]));
  const prod = swarmStack({ model, project: model.answers.name, instanceVolumes: {}, repoFiles, root: '../../' }, 'secrets');
  const instances = (model.answers.instances ?? []).map(instance => instanceStack(model, instance, repoFiles));
  const waits = [prod, ...instances.map(i => i.stack)].some(stack => stack.configs?.[WAIT_CONFIG]);
  return [
    managed(`${STACK_FOLDER}/stack.yml`, toYaml(prod, stackHeader(model, `${STACK_FOLDER}/stack.yml`, '.env', `${STACK_FOLDER}/versions.env`))),
    sample(`${STACK_FOLDER}/versions.env`, versionsFile(model, prod)),
    ...instances.flatMap(({ instance, own, stack }) => [
      managed(
        `${STACK_FOLDER}/instances/${instance.name}.yml`,
        toYaml(
          stack,
          stackHeader(
            own,
            `${STACK_FOLDER}/instances/${instance.name}.yml`,
            `instances/${instance.name}.env`,
            `${STACK_FOLDER}/instances/${instance.name}.versions.env`,
          ),
        ),
      ),
      sample(`${STACK_FOLDER}/instances/${instance.name}.versions.env`, versionsFile(own, stack)),
    ]),
    ...(waits ? [managed(WAIT_SCRIPT_PATH, renderTemplate('swarm/wait-for.sh.ejs'), 0o755)] : []),
    managed('docs/swarm.md', renderTemplate('docs/swarm.md.ejs', swarmDocView(model, prod))),
  ];
}

function instanceStack(model: PortalModel, instance: InstanceAnswer, repoFiles: ReadonlyMap<string, boolean>) {
  const own = instanceModel(model, instance);
  const deployment = { model: own, project: own.answers.name, instanceVolumes: instanceVolumes(model, instance), repoFiles, root: '../../../' };
  return { instance, own, stack: swarmStack(deployment, `secrets/${instance.name}`) };
}
