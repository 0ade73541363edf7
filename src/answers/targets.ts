/**
 * Where the portal is deployed: compose always (dev runs on it), plus Kubernetes manifests (kustomize and
 * Helm) and a Docker Swarm stack, all rendered from the same model.
 */
import { fail } from './extras.js';

export const TARGETS = ['compose', 'kubernetes', 'swarm'] as const;
export type Target = (typeof TARGETS)[number];

/**
 * The targets as a list or the option's comma-separated text, in TARGETS order with compose first.
 * Returns undefined for compose alone, so a portal without other targets stores nothing.
 */
export function validateTargets(value: unknown): Target[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(list) || list.some(item => typeof item !== 'string')) fail('targets', value, `a list of: ${TARGETS.join(', ')} (compose is always rendered)`);
  const named = (list as string[]).map(item => item.trim().toLowerCase()).filter(Boolean);
  for (const item of named) {
    if (!(TARGETS as readonly string[]).includes(item)) fail('targets', item, `one of: ${TARGETS.join(', ')} (compose is always rendered)`);
  }
  if (new Set(named).size !== named.length) fail('targets', named.join(','), 'each target once');
  const chosen = TARGETS.filter(target => target === 'compose' || named.includes(target));
  return chosen.length > 1 ? chosen : undefined;
}

/** Every target the portal renders: compose and the chosen ones. */
export const targetsOf = (answers: { readonly targets?: readonly Target[] }): readonly Target[] => answers.targets ?? ['compose'];
