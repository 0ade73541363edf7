/** The only module that touches the `yaml` Document API (yaml v3 drops parts of it). */
import { Document, isMap, isPair, isScalar, isSeq, visit, type Scalar } from 'yaml';

/** Keys whose values stay double-quoted, so YAML 1.1 readers never see `80:8000` as a base-60 number. */
const QUOTED_LISTS = new Set(['ports']);

/** Serializes a plain object with a comment header, in a stable layout that yamllint accepts. */
export function toYaml(value: object, header?: string): string {
  // YAML 1.1 rules for scalars: docker-compose 1.29 (PyYAML) reads `no` as false and `80:8000` as base 60
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  if (header) doc.commentBefore = header.split('\n').map(line => (line ? ` ${line}` : '')).join('\n');
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && QUOTED_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isScalar(item)) (item as Scalar).type = 'QUOTE_DOUBLE';
      }
    },
  });
  // an empty mapping prints as {} which yamllint accepts; keep document-level layout plain
  if (!isMap(doc.contents) && !isPair(doc.contents)) throw new Error('internal: YAML documents must be mappings');
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
