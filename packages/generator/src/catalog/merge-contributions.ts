/** Contributions built from parts (a backend from the shared pieces and its own): every field has a merge rule. */
import type { Contribution } from './types.js';

type Rule<K extends keyof Contribution> = (values: readonly NonNullable<Contribution[K]>[]) => NonNullable<Contribution[K]>;

const concat = <T>(values: readonly (readonly T[])[]): readonly T[] => values.flat();
/** Settings by name: a later part's value wins. */
const combine = <V>(values: readonly Readonly<Record<string, V>>[]): Readonly<Record<string, V>> => Object.assign({}, ...values);

/** One rule per field: a field added to Contribution fails the build until it has one here. */
const RULES: { readonly [K in keyof Contribution]-?: Rule<K> } = {
  containers: concat,
  storage: concat,
  secrets: concat,
  env: concat,
  appEnv: combine,
  appSecrets: concat,
  appDevEnv: combine,
  appDependsOn: combine,
  routes: concat,
  scrape: concat,
  alerts: concat,
  files: concat,
  connections: concat,
  aliases: concat,
  consoles: concat,
  databaseRoles: concat,
  readiness: combine,
  passwordChanges: concat,
  readmeSections: concat,
  repoLayout: concat,
};

export function mergeContributions(...parts: readonly Contribution[]): Contribution {
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(RULES) as (keyof Contribution)[]) {
    const values = parts.flatMap(part => (part[key] === undefined ? [] : [part[key]]));
    if (values.length > 0) merged[key] = (RULES[key] as Rule<typeof key>)(values as never);
  }
  return merged as Contribution;
}
