/** The view of docs/swarm.md: every fact is read from the prod stack and the model, none decided in the template. */
import type { PortalModel } from '../../model/portal-model.js';
import { CONFIGS_VERSION, secretVersionVariable } from './names.js';
import { storageLabel } from './service.js';
import type { StackFile } from './stack-types.js';
import { waitArguments, canWrap } from './waits.js';

export function swarmDocView(model: PortalModel, stack: StackFile) {
  const services = Object.entries(stack.services);
  const containers = model.containers.filter(c => !c.devOnly);
  const labels = [
    ...new Set(services.flatMap(([, s]) => (s.deploy.placement?.constraints ?? []).map(c => c.replace(/^node\.labels\./, '').replace(/==true$/, '')))),
  ];
  const usedSecrets = new Set(Object.keys(stack.secrets ?? {}));
  return {
    name: model.answers.name,
    instances: (model.answers.instances ?? []).map(i => i.name),
    labels,
    labelOf: (item: string) => storageLabel(model.answers.name, item),
    edge: services.filter(([, s]) => s.ports?.length).map(([name, s]) => ({ name, ports: s.ports!.map(p => `${p.published}->${p.target}`).join(', ') })),
    secrets: model.secrets
      .filter(s => usedSecrets.has(s.name))
      .map(s => ({ name: s.name, versionVariable: secretVersionVariable(s.env), file: `secrets/${s.name}` })),
    configsVersion: stack.configs ? CONFIGS_VERSION : undefined,
    waiting: containers
      .filter(c => canWrap(c) && waitArguments(c, model.containers).length > 0)
      .map(c => ({ name: c.name, waits: waitArguments(c, model.containers).join(', ') })),
    restarted: containers
      .filter(c => Object.keys(c.dependsOn ?? {}).length > 0 && !(canWrap(c) && waitArguments(c, model.containers).length > 0))
      .map(c => c.name),
    job: containers.filter(c => c.oneShot).map(c => c.name),
    stopped: services.filter(([, s]) => s.deploy.replicas === 0).map(([name]) => name),
    execVolumes: services.flatMap(([name, s]) => (s.volumes ?? []).flatMap(v => (typeof v === 'object' && v.type === 'volume' ? [`${name} ${v.target}`] : []))),
    binds: services.flatMap(([name, s]) => (s.volumes ?? []).flatMap(v => (typeof v === 'object' && v.type === 'bind' ? [`${name} ${v.target}`] : []))),
    hasBuild: model.containers.some(c => c.build && !c.devOnly),
    images: [...new Set(containers.filter(c => c.build).map(c => c.image))],
    sharedTraefik: model.tls === 'shared-traefik',
    sharedNetworks: Object.entries(stack.networks).flatMap(([, network]) => (network.external && network.name ? [network.name] : [])),
  };
}
