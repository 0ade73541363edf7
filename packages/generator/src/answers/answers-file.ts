/**
 * `--answers FILE`: answers from a JSON file, e.g. kept next to the deployment or copied from another
 * portal's .yo-rc.json. Its shape is checked here (JSON, an object, known keys); its values by validateAnswers.
 */
import { resolve } from 'node:path';
import { SCHEMA_VERSION, type RawAnswers } from './answers.js';
import { PortalInputError } from './input-error.js';
import { readJsonFile } from './json-input.js';
import { quoted, shownJson } from './quoted.js';
import { checkShape } from './schema.js';
import { ANSWER_DECLARATIONS } from './declarations.js';

/** Keys of an answers file: those of .yo-rc.json's "generator-portal" section. */
export const ANSWER_KEYS: readonly string[] = [...ANSWER_DECLARATIONS.map(answer => answer.key), 'schemaVersion'];
/** Present in a copied .yo-rc.json, meaningless elsewhere. */
const IGNORED = new Set(['fileHashes']);

export function readAnswersFile(path: string): RawAnswers {
  const culprit = `--answers ${quoted(path)}`;
  const fail = (why: string): never => {
    throw new PortalInputError(`Invalid ${culprit}: ${why}.`);
  };
  const parsed = readJsonFile(resolve(path), culprit);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    fail('expected a JSON object such as {"name": "city-maps", "services": ["postgis"]}');
  const object = parsed as Record<string, unknown>;
  // a whole .yo-rc.json is accepted too
  const answers = (Object.keys(object).length === 1 && typeof object['generator-portal'] === 'object' ? object['generator-portal'] : object) as Record<
    string,
    unknown
  >;
  if (answers === null || Array.isArray(answers)) fail('"generator-portal" must be an object of answers');
  const unknown = Object.keys(answers).filter(key => !ANSWER_KEYS.includes(key) && !IGNORED.has(key));
  if (unknown.length > 0) fail(`unknown key ${quoted(unknown[0])}; expected some of: ${ANSWER_KEYS.join(', ')}`);
  if (answers.schemaVersion !== undefined && answers.schemaVersion !== SCHEMA_VERSION) {
    fail(`schemaVersion ${shownJson(answers.schemaVersion)} is not ${SCHEMA_VERSION}, the version this generator reads`);
  }
  const { schemaVersion: _version, fileHashes: _hashes, ...values } = answers;
  // services as one string ("postgis,nginx") is the form the option takes; the schema's form is a list
  const shaped = typeof values.services === 'string' ? { ...values, services: values.services.split(/[\s,]+/).filter(Boolean) } : values;
  checkShape(shaped, culprit, 'answers');
  return values as RawAnswers;
}
