/**
 * Stored answers from older generator versions, brought to the current schema before validation.
 * Each step takes version N to N+1; a file from a newer generator is refused rather than guessed at.
 */
import { SCHEMA_VERSION, type RawAnswers } from './answers.js';
import { ANSWER_KEYS } from './answers-file.js';
import { PortalInputError } from './input-error.js';

type Stored = Record<string, unknown>;

/** Version 0 (before schemaVersion existed) kept services as one comma-separated string. */
const MIGRATIONS: Readonly<Record<number, (answers: Stored) => Stored>> = {
  0: answers => ({
    ...answers,
    ...(typeof answers.services === 'string' ? { services: answers.services.split(/[\s,]+/).filter(Boolean) } : {}),
  }),
};

export function migrateStoredAnswers(stored: Stored, where = '.yo-rc.json'): RawAnswers {
  if (Object.keys(stored).length === 0) return {};
  const version = stored.schemaVersion === undefined ? 0 : stored.schemaVersion;
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new PortalInputError(`Invalid schemaVersion ${JSON.stringify(version)} in ${where}: expected a whole number up to ${SCHEMA_VERSION}.`);
  }
  if (version > SCHEMA_VERSION) {
    throw new PortalInputError(
      `Invalid schemaVersion ${version} in ${where}: written by a newer generator-portal (this one reads up to ${SCHEMA_VERSION}); upgrade generator-portal.`,
    );
  }
  // a misspelt key edited by hand would otherwise be ignored without a word
  const unknown = Object.keys(stored).filter(key => !ANSWER_KEYS.includes(key));
  if (unknown.length > 0) throw new PortalInputError(`Invalid key "${unknown[0]}" in ${where}: expected some of: ${ANSWER_KEYS.join(', ')}.`);
  let answers = stored;
  for (let step = version; step < SCHEMA_VERSION; step++) answers = MIGRATIONS[step]!(answers);
  return { ...answers, schemaVersion: SCHEMA_VERSION } as RawAnswers;
}
