/** A preset: the answers that rebuild one real deployment, and how its old parts map to the generated ones. */
import type { PresetId, RawAnswers } from '../answers/answers.js';

/** A data-only container (or volume) of the old deployment and the storage item that replaces it. */
export interface LegacyStore {
  /** Name of the old storage container or volume. */
  readonly old: string;
  /** Folder inside it that holds the data. */
  readonly path: string;
  /** Storage item of the generated stack. */
  readonly item: string;
  /** Set for PostgreSQL data: files move only between equal major versions. */
  readonly postgres?: boolean;
}

/** One line of the docs' mapping table: an old practice and what replaces it. */
export interface LegacyPattern {
  readonly old: string;
  readonly now: string;
}

export interface PresetContext {
  /** The domain after command-line options: instance domains derive from it. */
  readonly domain: string;
  /** Release tag of the preset's in-house images (their old deployments pulled floating tags). */
  readonly imageTag?: string;
}

export interface Preset {
  readonly id: PresetId;
  readonly title: string;
  /** In-house images that need a pinned tag from the user (--image-tag). */
  readonly inHouseImages: readonly string[];
  answers(ctx: PresetContext): RawAnswers;
  readonly stores: readonly LegacyStore[];
  readonly patterns: readonly LegacyPattern[];
}

export const definePreset = <const P extends Preset>(preset: P): P => preset;
