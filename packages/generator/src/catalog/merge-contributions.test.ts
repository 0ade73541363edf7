/** Merging contributions keeps every field of every part: lists concatenate, settings by name combine. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeContributions } from './merge-contributions.js';
import type { Contribution } from './types.js';

/** A part with every field set (Required: a new Contribution field must be added here too), each value marked by `tag`. */
function part(tag: string): Required<Contribution> {
  const item = { tag } as never;
  return {
    containers: [item],
    storage: [item],
    secrets: [item],
    env: [item],
    appEnv: { [`APP_${tag}`]: tag },
    appSecrets: [item],
    appDevEnv: { [`DEV_${tag}`]: tag },
    appDependsOn: { [`service-${tag}`]: 'service_healthy' },
    routes: [item],
    scrape: [item],
    alerts: [item],
    files: [item],
    connections: [item],
    aliases: [item],
    consoles: [item],
    databaseRoles: [item],
    passwordChanges: [item],
    readmeSections: [item],
    repoLayout: [item],
    readiness: { [`service-${tag}`]: 'service_healthy' },
  };
}

describe('mergeContributions', () => {
  it('keeps every field of both parts', () => {
    const merged = mergeContributions(part('a'), part('b'));
    for (const key of Object.keys(part('a')) as (keyof Contribution)[]) {
      const value = merged[key];
      assert.ok(value !== undefined, `${key} kept`);
      if (Array.isArray(value)) assert.deepEqual(value, [{ tag: 'a' }, { tag: 'b' }], key);
      else
        assert.deepEqual(
          Object.values(value as object),
          ['a', 'b'].map(tag => (key === 'appDependsOn' || key === 'readiness' ? 'service_healthy' : tag)),
          key,
        );
    }
  });

  it('leaves out what no part has, and a later part wins a setting both name', () => {
    const merged = mergeContributions({ appEnv: { A: '1' } }, { appEnv: { A: '2' }, routes: [] });
    assert.deepEqual(merged, { appEnv: { A: '2' }, routes: [] });
  });
});
