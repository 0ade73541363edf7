/**
 * Every catalog entry, alone with what it needs, through the real docker-compose 1.29 `config` (dev and
 * prod, as `portal verify` runs it: an unset variable fails too). The pure contract: contract.fast.test.ts.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { composeConfigCheck } from '../verify/compose-checks.js';
import { entryPortals, plantedFault } from '../testing/catalog-entries.js';
import { writeRepo } from '../testing/kubernetes.js';
import type { CheckResult } from '../checks/check.js';
import type { PlannedFile } from '../render/file-plan.js';
import { serviceDefinition } from './index.js';

async function composeConfig(plan: readonly PlannedFile[]): Promise<CheckResult[]> {
  const repo = writeRepo(plan);
  try {
    return [await composeConfigCheck.run(repo)].flat();
  } finally {
    rmSync(repo, { recursive: true, force: true });
  }
}

const failures = (results: readonly CheckResult[]) => results.filter(result => result.status !== 'passed').map(result => `${result.name}: ${result.detail}`);

describe('catalog contract through docker-compose config', () => {
  it('every entry: dev and prod pass', async () => {
    const portals = entryPortals();
    // two at a time: the machine's cores
    const found: string[] = [];
    for (let i = 0; i < portals.length; i += 2) {
      const batch = portals.slice(i, i + 2);
      const results = await Promise.all(batch.map(portal => composeConfig(portal.plan)));
      results.forEach((result, j) => {
        assert.equal(result.length, 2, `${batch[j]!.entry}: dev and prod`);
        found.push(...failures(result).map(line => `${batch[j]!.entry}: ${line}`));
      });
    }
    assert.deepEqual(found, []);
  });

  it('catches a wait for a container that does not exist, planted in a contribution', async () => {
    const grafana = serviceDefinition('grafana');
    const plan = plantedFault(
      grafana,
      part => ({ ...part, containers: part.containers!.map(container => ({ ...container, dependsOn: { ...container.dependsOn, ghost: 'service_started' } })) }),
      () => entryPortals(['grafana'])[0]!.plan,
    );
    assert.match(failures(await composeConfig(plan)).join('\n'), /ghost/);
  });
});
