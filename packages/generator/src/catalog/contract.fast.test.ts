/**
 * The contract of every catalog entry (the registry's, so a new service is covered by its registry line):
 * alone with what it needs, its containers, secrets, variables and routes hold together in the planned files.
 * The same files through the real docker-compose: the verifier's output/catalog-contract.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BACKENDS } from '../answers/answers.js';
import { SERVICE_IDS, serviceDefinition } from './index.js';
import type { Contribution } from './types.js';
import { contractProblems, type EntryId } from '../testing/service-contract.js';
import { entryPortals, plantedFault } from '../testing/catalog-entries.js';

/**
 * Breaks found by this test and not yet mended (each must still happen, so the list cannot go stale): a
 * service with a public route chosen without a proxy gets no proxy, so its route reaches nobody (prod
 * publishes only the backend) while docs/architecture.md lists it. The model adds a proxy for extras with a
 * route (extrasNeedProxy); the services' routes need the same.
 */

const PORTALS = entryPortals();

describe('catalog contract', () => {
  it('covers every entry of the registry', () => {
    const entries = PORTALS.map(portal => portal.entry);
    assert.deepEqual(entries, [...SERVICE_IDS, ...BACKENDS.map(backend => `backend-${backend}`)]);
  });

  for (const portal of PORTALS) {
    it(`${portal.entry}, alone with what it needs (${portal.model.services.join(', ') || 'no services'})`, () => {
      if (!portal.entry.startsWith('backend-')) assert.ok(portal.model.services.includes(portal.entry as (typeof SERVICE_IDS)[number]));
      assert.deepEqual(contractProblems(portal.entry as EntryId, portal.model, portal.plan), []);
    });
  }

  describe('catches a fault planted in a copy of a contribution', () => {
    const grafana = serviceDefinition('grafana');
    const cases: { what: string; change: Parameters<typeof plantedFault>[1]; finds: RegExp }[] = [
      {
        what: 'a secret file named by hand and not mounted',
        change: part => ({
          ...part,
          containers: part.containers!.map(container => ({ ...container, environment: { ...container.environment, GF_X__FILE: '/run/secrets/grafana_x' } })),
        }),
        finds: /grafana: grafana reads \/run\/secrets\/grafana_x, which is not among its secrets \(dev\)/,
      },
      {
        what: 'a healthcheck dropped',
        change: part => ({ ...part, containers: part.containers!.map(({ healthcheck: _probe, ...container }) => container) }),
        finds: /grafana: container grafana has no healthcheck and states no exemption/,
      },
      {
        what: 'a variable .env does not define',
        change: part => ({
          ...part,
          containers: part.containers!.map(container => ({ ...container, environment: { ...container.environment, GF_X: '${GRAFANA_UNDEFINED}' } })),
        }),
        finds: /docker-compose.yml reads \$\{GRAFANA_UNDEFINED\}, which .env does not define/,
      },
      {
        what: 'a route outside the reserved site paths',
        change: part => ({ ...part, routes: (part.routes ?? []).map(route => ({ ...route, path: '/dashboards/' })) }),
        finds: /grafana: route \/dashboards\/ is not a reserved site path/,
      },
      {
        what: 'a repo layout line naming a folder nothing is written to',
        change: part => ({ ...part, repoLayout: [{ path: 'grafana-provisioning/', what: 'provisioning' }] }),
        finds: /grafana: the repo layout lists grafana-provisioning\/, which no planned file is/,
      },
      {
        what: 'a wait for a container that does not exist',
        change: part => ({
          ...part,
          containers: part.containers!.map(container => ({ ...container, dependsOn: { ...container.dependsOn, ghost: 'service_started' } })),
        }),
        finds: /grafana: grafana depends on ghost, which is not defined/,
      },
    ];
    it('a secret dropped (the model refuses it before any file is planned)', () => {
      const drop = (part: Contribution): Contribution => ({
        ...part,
        secrets: (part.secrets ?? []).filter(secret => secret.name !== 'grafana_admin_password'),
      });
      assert.throws(() => plantedFault(grafana, drop, () => entryPortals(['grafana'])), /secret grafana_admin_password is used but not declared/);
    });
    for (const { what, change, finds } of cases) {
      it(what, () => {
        const problems = plantedFault(grafana, change, () => {
          const portal = entryPortals(['grafana'])[0]!;
          return contractProblems('grafana', portal.model, portal.plan);
        });
        assert.match(problems.join('\n'), finds);
      });
    }
  });
});
