/**
 * Key-by-key three-way merge of YAML mappings with the `yaml` Document API: the user's document is
 * changed in place, so their comments, key order, extra keys and extra services stay as they wrote them;
 * the generator's changes since the base (added, changed or removed keys) are applied on top. Lists of
 * named mappings (scrape jobs, alert rules) merge item by item; other lists and scalars are replaced whole. When both sides changed the same value differently it gives up (undefined)
 * and the caller falls back to a line merge, which writes conflict markers.
 */
import { isMap, isScalar, isSeq, parseDocument, YAMLMap, type Document, type Node, type YAMLSeq } from 'yaml';
import { YAML_LAYOUT } from '../shared/yaml-document.js';

const OPTIONS = { version: '1.1' as const };
/** The same layout toYaml writes, so lines nobody changed come out byte for byte. */
const STRINGIFY = YAML_LAYOUT;

class Conflict extends Error {}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(toJs(a)) === JSON.stringify(toJs(b));
const toJs = (node: unknown): unknown => (node && typeof node === 'object' && 'toJSON' in node ? (node as { toJSON(): unknown }).toJSON() : node);
const copy = (node: unknown): unknown => (node && typeof node === 'object' && 'clone' in node ? (node as { clone(): unknown }).clone() : node);

/** The source texts of one merge, so "untouched by the user" means byte-identical, comments included. */
interface Sources {
  readonly yours: string;
  readonly base: string;
}
const sourceOf = (node: Node | undefined, text: string): string | undefined => (node?.range ? text.slice(node.range[0], node.range[2]) : undefined);
/** The user left this value exactly as the generator wrote it (comments and layout too). */
const untouched = (sources: Sources, y: Node | undefined, b: Node | undefined): boolean =>
  y === undefined || b === undefined ? y === b : sourceOf(y, sources.yours) === sourceOf(b, sources.base);

export function mergeYaml(yours: string, base: string, generated: string): string | undefined {
  try {
    const docs = [yours, base, generated].map(text => parseDocument(text, OPTIONS)) as [Document, Document, Document];
    if (docs.some(doc => doc.errors.length > 0 || !isMap(doc.contents))) return undefined;
    const [mine, last, next] = docs;
    mergeMaps({ yours, base }, mine.contents as YAMLMap, last.contents as YAMLMap, next.contents as YAMLMap);
    return finish(mine, last, next);
  } catch {
    // a conflict, or YAML we do not model (anchors, merge keys): the line merge takes over
    return undefined;
  }
}

function finish(mine: Document, last: Document, next: Document): string {
  // the generator's header comment follows the generator; the user's own lines above it are kept
  if (last.commentBefore !== next.commentBefore && mine.commentBefore?.endsWith(last.commentBefore ?? '')) {
    mine.commentBefore = `${mine.commentBefore.slice(0, mine.commentBefore.length - (last.commentBefore ?? '').length)}${next.commentBefore ?? ''}`;
  }
  return mine.toString(STRINGIFY);
}

function mergeMaps(sources: Sources, mine: YAMLMap, last: YAMLMap, next: YAMLMap): void {
  const keys = new Set<unknown>([...last.items, ...next.items, ...mine.items].map(pair => toJs(pair.key)));
  for (const key of keys) {
    const [y, b, g] = [mine, last, next].map(map => map.get(key, true) as Node | undefined);
    if (same(y, g)) continue;
    if (b === undefined) {
      // new on one side only: the user's extra key, or the generator's new one
      if (y === undefined) mine.set(key, copy(g));
      else if (g !== undefined) mergeNew(sources, key, y, g);
      continue;
    }
    if (untouched(sources, y, b)) {
      // untouched by the user: take the generator's version (or its removal)
      if (g === undefined) mine.delete(key);
      else mine.set(key, copy(g));
      continue;
    }
    if (same(g, b)) continue; // only the user changed it
    if (isMap(y) && isMap(b) && isMap(g)) {
      mergeMaps(sources, y, b, g);
      continue;
    }
    if (isSeq(y) && isSeq(b) && isSeq(g) && mergeKeyedLists(sources, y, b, g)) continue;
    throw new Conflict(String(key));
  }
}

/** Keys that name the items of a list of mappings: Prometheus jobs, alert rules, grafana datasources. */
const IDENTITY_KEYS = ['job_name', 'alert', 'name'];

/**
 * Lists whose items are mappings named by one key (scrape_configs by job_name ...) merge item by item, like
 * map keys: the user's extra jobs stay, the generator's new ones are appended, untouched removed ones go.
 * Returns false for other lists, which then count as one value.
 */
function mergeKeyedLists(sources: Sources, mine: YAMLSeq, last: YAMLSeq, next: YAMLSeq): boolean {
  const all = [...mine.items, ...last.items, ...next.items];
  const identity = IDENTITY_KEYS.find(key => all.length > 0 && all.every(item => isMap(item) && isScalar(item.get(key, true))));
  if (!identity) return false;
  const nameOf = (item: unknown) => String(toJs((item as YAMLMap).get(identity, true)));
  const index = (seq: YAMLSeq) => new Map(seq.items.map(item => [nameOf(item), item as YAMLMap]));
  const [y, b, g] = [index(mine), index(last), index(next)];
  if (y.size !== mine.items.length || b.size !== last.items.length || g.size !== next.items.length) return false;
  for (const name of new Set([...b.keys(), ...g.keys()])) {
    const [yi, bi, gi] = [y.get(name), b.get(name), g.get(name)];
    if (same(yi, gi)) continue;
    if (bi === undefined) {
      if (yi === undefined) mine.items.push(copy(gi) as YAMLMap);
      else throw new Conflict(name);
    } else if (untouched(sources, yi, bi)) {
      if (gi === undefined) mine.items.splice(mine.items.indexOf(yi!), 1);
      else mine.items[mine.items.indexOf(yi!)] = copy(gi) as YAMLMap;
    } else if (!same(gi, bi)) {
      if (yi && gi) mergeMaps(sources, yi, bi, gi);
      else throw new Conflict(name);
    }
  }
  return true;
}

/** Both sides added the same key: fine when one holds the other's map, else a conflict. */
function mergeNew(sources: Sources, key: unknown, y: Node, g: Node): void {
  if (isMap(y) && isMap(g)) {
    mergeMaps(sources, y, new YAMLMap(), g);
    return;
  }
  throw new Conflict(String(key));
}
