/**
 * Names the clusters derive from the portal and instance names, checked against their limits before any
 * file is written: a Kubernetes namespace `<portal>-<instance>` is a DNS-1123 label (63 characters), and
 * Swarm refuses a service `<stack>_<service>` over 63 characters and a secret or config name over 64
 * (swarmkit manager/controlapi/common.go, validateAnnotations and validateConfigOrSecretAnnotations).
 */
import { PortalInputError } from '../answers/input-error.js';
import type { PortalModel } from '../model/portal-model.js';

const DNS_LABEL_MAX = 63;
/** Room the versioned secret and config names need after `<stack>_`: a cut key with its hash, `_v0000`. */
const SWARM_OBJECT_ROOM = 64 - '_'.length - '_v0000'.length - 10;

/** The deployments with the name each target derives: prod, then each instance. */
function stacksOf(model: PortalModel): { instance?: string; stack: string }[] {
  const portal = model.answers.name;
  return [{ stack: portal }, ...(model.answers.instances ?? []).map(instance => ({ instance: instance.name, stack: `${portal}-${instance.name}` }))];
}

function refuse(instance: string | undefined, what: string, length: number, limit: number, over: number): never {
  const culprit = instance === undefined ? `--name` : `instance "${instance}"`;
  const fix =
    instance === undefined
      ? 'choose a shorter portal name'
      : `choose an instance name at most ${Math.max(0, instance.length - over)} characters long, or a shorter portal name`;
  throw new PortalInputError(`Invalid ${culprit}: ${what} would be ${length} characters, over the ${limit} allowed; ${fix}.`);
}

/** Kubernetes: each deployment's namespace. */
export function checkKubernetesNames(model: PortalModel): void {
  for (const { instance, stack } of stacksOf(model)) {
    if (stack.length > DNS_LABEL_MAX) refuse(instance, `the Kubernetes namespace ${stack}`, stack.length, DNS_LABEL_MAX, stack.length - DNS_LABEL_MAX);
  }
}

/** Swarm: each stack's service names and the prefix of its secret and config names. */
export function checkSwarmNames(model: PortalModel, services: readonly string[]): void {
  const longest = services.reduce((a, b) => (b.length > a.length ? b : a), '');
  for (const { instance, stack } of stacksOf(model)) {
    const service = `${stack}_${longest}`;
    if (service.length > DNS_LABEL_MAX) refuse(instance, `the Swarm service ${service}`, service.length, DNS_LABEL_MAX, service.length - DNS_LABEL_MAX);
    if (stack.length > SWARM_OBJECT_ROOM)
      refuse(
        instance,
        `the Swarm stack name ${stack}, the prefix of its secrets and configs,`,
        stack.length,
        SWARM_OBJECT_ROOM,
        stack.length - SWARM_OBJECT_ROOM,
      );
  }
}
