/**
 * The JSON Schema we ship (schema/yo-rc.schema.json), applied to .yo-rc.json and to --answers files
 * before any value is used. The schema settles shape: types, unknown keys, lengths, list sizes. Content
 * (a name's form, a service id, a port's range) is checked by validateAnswers, which is at least as strict
 * and says what to type instead; checkStorable then holds the validated answers against the whole
 * schema, so what lands in .yo-rc.json always satisfies the schema we ship.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Ajv as AjvClass, ErrorObject, ValidateFunction } from 'ajv';
import { PACKAGE_ROOT } from '../shared/package-root.js';
import { PortalInputError } from './input-error.js';
import { quoted, shownJson } from './quoted.js';

const SCHEMA_PATH = join(PACKAGE_ROOT, 'schema', 'yo-rc.schema.json');
/** Keywords about shape: a value of the wrong kind or size never reaches our code. */
const SHAPE = new Set(['type', 'additionalProperties', 'maxItems', 'maxLength', 'maxProperties', 'propertyNames', 'uniqueItems', 'required']);

type Kind = 'rc' | 'answers';
const compiled = new Map<Kind, ValidateFunction>();
const require = createRequire(import.meta.url);
/**
 * A validator compiled at build time (scripts/build.mjs), named with the schema's hash it came from; found
 * from the package root, as this module also runs inside the fast path's bundle (dist/cli/).
 */
const precompiledPath = (kind: Kind) => join(PACKAGE_ROOT, 'dist', 'answers', `yo-rc-validator.${kind}.cjs`);

/** Ajv's options, the same for the build's precompiled validators and a compile here. */
export const AJV_OPTIONS = { allErrors: true, strict: false, verbose: true } as const;

/** The schema's section as each kind checks it: an answers file gives some answers, the rest come later. */
export function sectionSchema(schemaText: string, kind: Kind): object {
  const schema = JSON.parse(schemaText);
  const section = schema.properties['generator-portal'];
  return { ...section, ...(kind === 'answers' ? { required: [] } : {}), $id: undefined };
}

export const schemaHash = (schemaText: string): string => createHash('sha256').update(schemaText).digest('hex');

/**
 * The build's precompiled validator while the schema is the one it was built from; else compiled here,
 * when first used (a compile costs about as much as a whole run).
 */
function validator(kind: Kind): ValidateFunction {
  const known = compiled.get(kind);
  if (known) return known;
  const text = readFileSync(SCHEMA_PATH, 'utf8');
  let validate: ValidateFunction | undefined;
  try {
    const built = require(precompiledPath(kind)) as ValidateFunction & { schemaHash: string };
    if (built.schemaHash === schemaHash(text)) validate = built;
  } catch {
    // not built (tsc alone): compile
  }
  if (!validate) {
    const { Ajv } = require('ajv') as { Ajv: typeof AjvClass };
    validate = new Ajv(AJV_OPTIONS).compile(sectionSchema(text, kind));
  }
  compiled.set(kind, validate);
  return validate;
}

/** Refuses a section of the wrong shape (content is left to validateAnswers). */
export function checkShape(section: unknown, culprit: string, kind: 'rc' | 'answers'): void {
  const validate = validator(kind);
  if (validate(section)) return;
  // the answers a stored section lacks are asked for or defaulted like those of a new portal
  const shape = (validate.errors ?? []).find(isShapeError);
  if (shape) throw new PortalInputError(`Invalid ${culprit}: ${describe(shape)}.`);
}

function isShapeError(error: ErrorObject): boolean {
  if (error.keyword === 'required') return error.instancePath !== '';
  // a stored hash nobody could have written tells an edited file from an untouched one wrongly
  if (error.keyword === 'pattern') return error.instancePath.startsWith('/fileHashes/');
  return SHAPE.has(error.keyword);
}

/** Validated answers against the whole schema: anything validateAnswers let through that the schema refuses. */
export function checkStorable(answers: object): void {
  const validate = validator('rc');
  if (validate(answers)) return;
  throw new PortalInputError(`Invalid answers: ${describe(validate.errors![0]!)}; the schema of .yo-rc.json does not allow it.`);
}

const KINDS: Readonly<Record<string, string>> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

/** What the keys of each keyed object are (fileHashes: repo paths, the default). */
const KEY_KINDS: Readonly<Record<string, string>> = {
  settings: 'a variable name (letters, digits and "_")',
  devSettings: 'a variable name (letters, digits and "_")',
  aliases: 'a host name (lowercase letters, digits and dashes)',
  redisSettings: 'a Redis server name ("redis" or "redis-<role>")',
};

function describe(error: ErrorObject): string {
  const where = pathOf(error.instancePath);
  const value = shownJson(error.data);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return `${where || 'the answers'} must be ${KINDS[String(params.type)] ?? String(params.type)}, not ${value}`;
    case 'additionalProperties': {
      const allowed = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
      return `unknown key ${quoted(params.additionalProperty)}${where ? ` in ${where}` : ''}; expected some of: ${allowed.join(', ')}`;
    }
    case 'required':
      return `${where || 'the answers'} lacks ${quoted(params.missingProperty)}`;
    case 'maxItems':
    case 'maxProperties':
      return `${where} holds more than ${String(params.limit)} entries`;
    case 'maxLength':
      return `${where} is longer than ${String(params.limit)} characters`;
    case 'propertyNames':
      return `${where} has a key that is not ${KEY_KINDS[where.split('.').at(-1)!] ?? 'a path inside the repo'}: ${quoted(params.propertyName)}`;
    case 'uniqueItems':
      return `${where} lists the same entry twice`;
    case 'pattern':
      if (where.startsWith('fileHashes.')) return `${where} is ${value}, not a sha256 (64 hex digits)`;
      return `${where} is ${value}, which the schema does not allow (${error.message ?? error.keyword})`;
    case 'enum':
      return `${where} is ${value}; expected one of: ${((params.allowedValues as unknown[]) ?? []).join(', ')}`;
    default:
      return `${where} is ${value}, which the schema does not allow (${error.message ?? error.keyword})`;
  }
}

/** `/apps/0/port` -> `apps[0].port` */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');
}
