/** The labels every object carries and the selectors that find a container's pods. */
import type { ContainerSpec, NetworkName } from '../../catalog/types.js';

export const NAME_LABEL = 'app.kubernetes.io/name';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** A pod on a compose network carries this label with the value "true"; the NetworkPolicies select by it. */
export const networkLabel = (network: NetworkName): string => `portal.network/${network}`;
/** Pods that talk to the API server (init containers waiting for a Job). */
export const API_LABEL = 'portal.network/api';

/** The selector of one container's pods: its name, unique in the portal. */
export const selectorOf = (c: Pick<ContainerSpec, 'name'>): Record<string, string> => ({ [NAME_LABEL]: c.name });

export function podLabels(c: ContainerSpec, portal: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...selectorOf(c),
    [PART_OF_LABEL]: portal,
    ...Object.fromEntries(c.networks.map(network => [networkLabel(network), 'true'])),
    ...extra,
  };
}
