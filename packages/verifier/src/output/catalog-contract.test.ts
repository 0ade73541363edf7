/**
 * Every catalog entry, alone with what it needs, through the real docker-compose 1.29 `config` (dev and
 * prod, as `portal verify` runs it: an unset variable fails too). The pure contract: contract.fast.test.ts.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { composeConfigCheck } from '../verify/compose-checks.js';
import { entryPortals, plantedFault } from 'generator-portal/testing/catalog-entries.js';
import { writeRepo } from 'generator-portal/testing/kubernetes.js';
import type { CheckResult } from '../checks/check.js';
import type { PlannedFile } from 'generator-portal/render/file-plan.js';
import { serviceDefinition } from 'generator-portal/catalog/index.js';

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
    const found: string[] = [];
    // a few at a time: docker-compose mostly waits on its own start-up (Python imports)
    const queue = [...portals];
    const worker = async (): Promise<void> => {
      for (let portal = queue.shift(); portal; portal = queue.shift()) {
        const results = await composeConfig(portal.plan);
        if (results.length !== 2) found.push(`${portal.entry}: ${results.length} combinations checked, not dev and prod`);
        found.push(...failures(results).map(line => `${portal.entry}: ${line}`));
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
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
