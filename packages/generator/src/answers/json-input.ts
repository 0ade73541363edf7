/**
 * JSON the user hands us (an --answers file, a .yo-rc.json): read only when it is a regular file of sane
 * size, parsed, and walked without recursion so that no nesting depth can overflow the stack later.
 */
import { readBoundedFile } from '../io/bounded-read.js';
import { PortalInputError } from './input-error.js';

/** Answers are a few kilobytes; a megabyte is already a hundred times more than any real portal's. */
export const MAX_JSON_BYTES = 1024 * 1024;
/** The deepest real answer is four levels (section, apps, app, key); twenty leaves room and stops abuse. */
export const MAX_JSON_DEPTH = 20;

/**
 * Reads a JSON file; `culprit` starts every message (e.g. `--answers "x.json"`). With `noLinks` a final
 * link is refused rather than followed (a repo's own .yo-rc.json must not be another repo's).
 */
export function readJsonFile(path: string, culprit: string, noLinks = false): unknown {
  const fail = (why: string): never => {
    throw new PortalInputError(`Invalid ${culprit}: ${why}.`);
  };
  const text = readBoundedFile(
    path,
    { maxBytes: MAX_JSON_BYTES, expected: 'a JSON file', sizeLimit: `answers are at most ${MAX_JSON_BYTES} bytes`, noLinks },
    fail,
  );
  return parseJson(text, culprit);
}

export function parseJson(text: string, culprit: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PortalInputError(`Invalid ${culprit}: not valid JSON (${(error as Error).message.split('\n')[0]}).`);
  }
  const depth = nestingDepth(parsed, MAX_JSON_DEPTH);
  if (depth > MAX_JSON_DEPTH)
    throw new PortalInputError(`Invalid ${culprit}: nested deeper than ${MAX_JSON_DEPTH} levels; answers are lists of small objects.`);
  return parsed;
}

/** Depth of lists and objects, counted with a stack of our own; stops counting past `limit`. */
export function nestingDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return deepest;
}
