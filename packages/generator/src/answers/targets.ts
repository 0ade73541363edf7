/**
 * Where the portal is deployed: compose always (dev runs on it), plus Kubernetes manifests (kustomize and
 * Helm) and a Docker Swarm stack, all rendered from the same model.
 */
import { fail } from './extras.js';
import { PortalInputError } from './input-error.js';

export const TARGETS = ['compose', 'kubernetes', 'swarm'] as const;
export type Target = (typeof TARGETS)[number];

/**
 * The targets as a list or the option's comma-separated text, in TARGETS order with compose first.
 * Returns undefined for compose alone, so a portal without other targets stores nothing.
 */
export function validateTargets(value: unknown): Target[] | undefined {
  if (value === undefined || value === '') return undefined;
  const list = typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(list) || list.some(item => typeof item !== 'string'))
    fail('targets', value, `a list of: ${TARGETS.join(', ')} (compose is always rendered)`);
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

const OTHERS = TARGETS.filter(target => target !== 'compose');

/** `portal add target <t>...`: the portal's targets with the named ones. */
export function addedTargets(answers: { readonly targets?: readonly Target[] }, named: readonly string[]): Target[] {
  if (named.length === 0) throw new PortalInputError(`Invalid portal add target: name a target: ${OTHERS.join(', ')} (compose is always rendered).`);
  const given = validateTargets(named) ?? [];
  return [...new Set([...targetsOf(answers), ...given])].sort((a, b) => TARGETS.indexOf(a) - TARGETS.indexOf(b));
}

/** `portal remove target <t>...`: the portal's targets without the named ones; compose stays. */
export function removedTargets(answers: { readonly targets?: readonly Target[] }, named: readonly string[]): Target[] {
  const current = targetsOf(answers);
  const chosen = current.filter(target => target !== 'compose');
  if (named.length === 0) throw new PortalInputError(`Invalid portal remove target: name a target: ${chosen.join(', ') || 'none besides compose is chosen'}.`);
  for (const target of named.map(name => name.trim().toLowerCase())) {
    if (target === 'compose')
      fail('targets', target, `one of the chosen targets besides compose (${chosen.join(', ') || 'none'}): compose is always rendered, dev runs on it`);
    if (!(chosen as string[]).includes(target)) fail('targets', target, `one of the chosen targets (${chosen.join(', ') || 'none besides compose'})`);
  }
  return current.filter(target => !named.map(name => name.trim().toLowerCase()).includes(target));
}
