/**
 * `--answers FILE`: answers from a JSON file, e.g. kept next to the deployment or copied from another
 * portal's .yo-rc.json. Its shape is checked here (JSON, an object, known keys); its values by validateAnswers.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCHEMA_VERSION, type RawAnswers } from './answers.js';
import { PortalInputError } from './input-error.js';

/** Keys of an answers file: those of .yo-rc.json's "generator-portal" section. */
export const ANSWER_KEYS = [
  'name',
  'domain',
  'backend',
  'backendImage',
  'backendPort',
  'services',
  'storage',
  'dataRoot',
  'acmeEmail',
  'preset',
  'apps',
  'folders',
  'redisRoles',
  'instances',
  'instanceVariable',
  'schemaVersion',
] as const;
/** Present in a copied .yo-rc.json, meaningless elsewhere. */
const IGNORED = new Set(['fileHashes']);

export function readAnswersFile(path: string): RawAnswers {
  const fail = (why: string): never => {
    throw new PortalInputError(`Invalid --answers "${path}": ${why}.`);
  };
  let text = '';
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    fail(`cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'}); expected a JSON file of answers`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    fail(`not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) fail('expected a JSON object such as {"name": "city-maps", "services": ["postgis"]}');
  const object = parsed as Record<string, unknown>;
  // a whole .yo-rc.json is accepted too
  const answers = (Object.keys(object).length === 1 && typeof object['generator-portal'] === 'object' ? object['generator-portal'] : object) as Record<string, unknown>;
  const unknown = Object.keys(answers).filter(key => !(ANSWER_KEYS as readonly string[]).includes(key) && !IGNORED.has(key));
  if (unknown.length > 0) fail(`unknown key "${unknown[0]}"; expected some of: ${ANSWER_KEYS.join(', ')}`);
  if (answers.schemaVersion !== undefined && answers.schemaVersion !== SCHEMA_VERSION) {
    fail(`schemaVersion ${JSON.stringify(answers.schemaVersion)} is not ${SCHEMA_VERSION}, the version this generator reads`);
  }
  if (answers.services !== undefined && !Array.isArray(answers.services) && typeof answers.services !== 'string') {
    fail(`"services" must be a list such as ["postgis", "nginx"], not ${JSON.stringify(answers.services)}`);
  }
  for (const key of ['apps', 'folders', 'instances'] as const) {
    if (answers[key] !== undefined && !Array.isArray(answers[key])) fail(`"${key}" must be a list of objects, not ${JSON.stringify(answers[key])}`);
  }
  for (const key of ['name', 'domain', 'backend', 'backendImage', 'storage', 'dataRoot', 'acmeEmail', 'preset', 'instanceVariable'] as const) {
    if (answers[key] !== undefined && typeof answers[key] !== 'string') fail(`"${key}" must be a string, not ${JSON.stringify(answers[key])}`);
  }
  const { schemaVersion: _version, fileHashes: _hashes, ...values } = answers;
  return values as RawAnswers;
}
