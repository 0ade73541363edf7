/**
 * Test helper: a portal for each catalog entry, alone with what it needs (the model adds a service's
 * dependencies; a backend comes with no services), and a fault planted in one entry's contribution.
 */
import { BACKENDS, defaultAnswers, validateAnswers, type Backend, type RawAnswers } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { SERVICE_IDS } from '../catalog/index.js';
import type { Contribution, ServiceDefinition } from '../catalog/types.js';
import { buildPortalModel } from '../model/build-portal-model.js';
import type { PortalModel } from '../model/portal-model.js';
import { planFiles, type PlannedFile } from '../render/file-plan.js';
import { seededSecrets } from '../render/secret-source.js';

export interface EntryPortal {
  readonly entry: string;
  readonly answers: RawAnswers;
  readonly model: PortalModel;
  readonly plan: readonly PlannedFile[];
}

/** What a backend needs besides its kind: a prebuilt one its image. */
const BACKEND_ANSWERS: Partial<Record<Backend, RawAnswers>> = { image: { backendImage: 'ghcr.io/acme/portal-api:1.4.2' } };

/**
 * The model adds most services a choice needs; a few it refuses instead, naming the one missing ("backup"
 * without "postgis"): that one is added, as the user told would.
 */
function portal(entry: string, raw: RawAnswers): EntryPortal {
  let answers = { ...defaultAnswers(raw, 'portal'), ...raw };
  for (;;) {
    try {
      const model = buildPortalModel(validateAnswers(answers));
      return { entry, answers, model, plan: planFiles(model, seededSecrets('contract')) };
    } catch (error) {
      const missing = error instanceof PortalInputError ? /without "([a-z-]+)"/.exec(error.message)?.[1] : undefined;
      const services = answers.services as readonly string[];
      if (!missing || services.includes(missing)) throw error;
      answers = { ...answers, services: [...services, missing] };
    }
  }
}

/** Each service alone (default backend), then each backend with no services; `only` narrows to those entries. */
export function entryPortals(only?: readonly string[]): EntryPortal[] {
  const services = SERVICE_IDS.map(id => [id, { services: [id] }] as const);
  const backends = BACKENDS.map(backend => [`backend-${backend}`, { backend, services: 'none', ...BACKEND_ANSWERS[backend] }] as const);
  return [...services, ...backends].filter(([entry]) => !only || only.includes(entry)).map(([entry, raw]) => portal(entry, raw));
}

/** Runs `check` while `definition` contributes `change` of its own contribution; puts it back after. */
export function plantedFault<T>(definition: ServiceDefinition, change: (part: Contribution) => Contribution, check: () => T): T {
  const target = definition as { contribute: ServiceDefinition['contribute'] };
  const original = target.contribute;
  target.contribute = ctx => change(original.call(definition, ctx));
  try {
    return check();
  } finally {
    target.contribute = original;
  }
}
