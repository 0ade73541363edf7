/** Secret rotation, pure: which secrets, their new values in .env, and what must restart to use them. */
import type { PortalModel } from '../model/portal-model.js';
import type { SecretSource } from '../render/secret-source.js';

export interface SecretPlan {
  readonly name: string;
  readonly env: string;
  /** Containers that read it: they must be recreated to use a new value. */
  readonly services: readonly string[];
  /** Set when the server keeps it in its data and only a person can change it there (see SecretSpec). */
  readonly changedByHand?: string;
}

/** Every secret of the model with the containers that read it, in model order. */
export function secretPlans(model: PortalModel): SecretPlan[] {
  return model.secrets.map(secret => ({
    name: secret.name,
    env: secret.env,
    services: model.containers
      .filter(c => (c.secrets ?? []).some(use => use.secret === secret.name))
      .map(c => c.name)
      .sort(),
    ...(secret.changedByHand ? { changedByHand: secret.changedByHand } : {}),
  }));
}

/** Picks the secrets named in `only` (secret or variable names); all of them when `only` is empty. */
export function selectSecrets(plans: readonly SecretPlan[], only: readonly string[]): SecretPlan[] {
  const unknown = only.filter(wanted => !plans.some(p => p.name === wanted || p.env === wanted));
  if (unknown.length > 0) {
    throw new Error(`Invalid --only "${unknown.join(',')}": expected secret names of this portal: ${plans.map(p => p.name).join(', ')}.`);
  }
  return only.length === 0 ? [...plans] : plans.filter(p => only.includes(p.name) || only.includes(p.env));
}

/** New values for the selected secrets, or only for those `current` lacks (fill mode). */
export function newValues(plans: readonly SecretPlan[], current: ReadonlyMap<string, string>, source: SecretSource, rotate: boolean): Map<string, string> {
  return new Map(plans.filter(p => rotate || !current.get(p.env)).map(p => [p.env, source(p.name)] as [string, string]));
}

/** The containers to recreate so every rotated secret is in use, sorted. */
export const servicesToRecreate = (plans: readonly SecretPlan[], rotated: ReadonlyMap<string, string>): string[] =>
  [...new Set(plans.filter(p => rotated.has(p.env)).flatMap(p => p.services))].sort();
