/** The one "is this service chosen" question: asked of the resolved ids while the model is built, of the model after. */
import type { ServiceId } from '../answers/answers.js';
import type { PortalModel } from './portal-model.js';

export type HasService = (id: ServiceId) => boolean;

export const presenceIn =
  (services: readonly ServiceId[]): HasService =>
  id =>
    services.includes(id);

export const hasService = (model: Pick<PortalModel, 'services'>, id: ServiceId): boolean => model.services.includes(id);
