/** The presets, one per seed deployment, and how `--preset` answers are computed. */
import { FLOATING_TAGS, type PresetId, type RawAnswers } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { housingPortal } from './housing-portal.js';
import { mlp } from './mlp.js';
import { mupets } from './mupets.js';
import { sagui } from './sagui.js';
import { systemapic } from './systemapic.js';
import type { Preset, PresetContext } from './types.js';

const PRESETS: Record<PresetId, Preset> = { systemapic, 'housing-portal': housingPortal, sagui, mupets, mlp };

export const presetOf = (id: PresetId): Preset => PRESETS[id];

const TAG = /^[\w][\w.-]{0,127}$/;

/** The preset's answers (with `preset` recorded); refuses a missing or floating tag for in-house images. */
export function presetAnswers(id: PresetId, ctx: PresetContext): RawAnswers {
  const preset = presetOf(id);
  if (preset.inHouseImages.length > 0) {
    const tag = ctx.imageTag ?? '';
    if (!TAG.test(tag) || FLOATING_TAGS.has(tag)) {
      throw new PortalInputError(
        `Invalid --image-tag "${tag}": preset ${id} runs the in-house images ${preset.inHouseImages.join(', ')}; give the pinned release tag you deploy, e.g. --image-tag 2.3.1 (the old deployment pulled :latest, which changes under you).`,
      );
    }
  }
  return { ...preset.answers(ctx), preset: id };
}

/** The portal name a preset proposes (the seed deployment's own). */
export const presetName = (id: PresetId): string => String(presetOf(id).answers({ domain: 'example.org', imageTag: 'x' }).name);
