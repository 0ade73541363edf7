/** Host names apps have hard-coded (`postgis`, `mongo`, `redislayers`), answered by the store's container. */
import { PortalInputError } from '../answers/input-error.js';
import type { ContainerSpec, Contribution, StoreConnection } from '../catalog/types.js';

type AliasRequest = NonNullable<Contribution['aliases']>[number];

export function withAliases(
  containers: readonly ContainerSpec[],
  requests: readonly AliasRequest[],
  connections: ReadonlyMap<string, StoreConnection>,
): ContainerSpec[] {
  if (requests.length === 0) return [...containers];
  const names = new Set(containers.map(c => c.name));
  const hostOf = new Map<string, { host: string; app: string }>();
  for (const { alias, store, app } of requests) {
    const connection = connections.get(store);
    if (!connection) {
      const known = [...connections.keys()].sort().join(', ') || 'none in this stack';
      throw new PortalInputError(
        `Invalid --alias "${alias}=${store}" of app "${app}": "${store}" is no store of this stack (stores: ${known}); add the store, or drop the alias from apps in .yo-rc.json.`,
      );
    }
    if (names.has(alias) && alias !== connection.host) {
      throw new PortalInputError(
        `Invalid --alias "${alias}=${store}" of app "${app}": "${alias}" is the name of the ${alias} container; choose another host name.`,
      );
    }
    const taken = hostOf.get(alias);
    if (taken && taken.host !== connection.host) {
      throw new PortalInputError(
        `Invalid --alias "${alias}=${store}" of app "${app}": app "${taken.app}" already has "${alias}" answer for ${taken.host}; one name reaches one container.`,
      );
    }
    hostOf.set(alias, { host: connection.host, app });
  }
  return containers.map(container => {
    const aliases = [...hostOf]
      .filter(([alias, { host }]) => host === container.name && alias !== host)
      .map(([alias]) => alias)
      .sort();
    return aliases.length > 0 ? { ...container, aliases } : container;
  });
}
