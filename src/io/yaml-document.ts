/** Serializes objects to YAML with the Document API (yaml-merge.ts is the other module using it; yaml v3 drops parts of it). */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';

/** Lists whose items stay double-quoted: dclint's require-quotes-in-ports asks it for ports. */
const QUOTED_LISTS = new Set(['ports']);

/** Serializes a plain object with a comment header, in a stable layout that yamllint accepts. */
export function toYaml(value: object, header?: string): string {
  // YAML 1.1 rules for scalars: docker-compose 1.29 (PyYAML) reads `no` as false and `80:8000` as base 60
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  if (header) doc.commentBefore = header.split('\n').map(line => (line ? ` ${line}` : '')).join('\n');
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && QUOTED_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isScalar(item)) item.type = 'QUOTE_DOUBLE';
      }
    },
  });
  if (!isMap(doc.contents)) throw new Error('internal: YAML documents we write are mappings');
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
