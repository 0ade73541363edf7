/**
 * What the run refuses to boot: anything that would let a container of the repo reach the host outside the
 * run. The engine's namespaces keep its network and processes inside, not the file system: a bind of a host
 * folder, a volume bound to a host device, privileged mode or a host namespace would touch the machine the
 * run is on, and the run's own checks write into (and empty) the folders the stack mounts.
 */
import { existsSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import type { ComposeStack } from './compose.js';

/** Inside one of the roots, links resolved: docker follows a link in a bind source on the host. */
const inside = (path: string, roots: readonly string[]) => {
  const real = existsSync(path) ? realpathSync(path) : resolve(path);
  return roots.some(root => real === realpathSync(root) || real.startsWith(`${realpathSync(root)}${sep}`));
};

/** One line per refusal; empty when the stack keeps to the run's folders. */
export function hostAccess(stack: ComposeStack, roots: readonly string[]): string[] {
  const problems: string[] = [];
  for (const service of stack.services) {
    for (const access of service.hostAccess) problems.push(`${service.name}: ${access}`);
    for (const entry of service.volumes) {
      const source = entry.split(':')[0]!;
      if (source.startsWith('/') && !inside(source, roots)) problems.push(`${service.name}: binds ${source}, outside the repo and the run's data folder`);
    }
    for (const secret of service.secrets) {
      const file = stack.secrets[secret.source];
      if (file && !inside(file, roots)) problems.push(`${service.name}: secret ${secret.source} is ${file}, outside the repo`);
    }
  }
  for (const [volume, device] of Object.entries(stack.volumeDevices)) {
    if (!inside(device, roots)) problems.push(`volume ${volume} is bound to ${device}, outside the run's data folder (only DATA_ROOT is moved into the run)`);
  }
  return problems;
}
