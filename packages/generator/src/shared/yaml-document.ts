/** Serializes objects to YAML with the Document API (yaml-merge.ts is the other module using it; yaml v3 drops parts of it). */
import { Document, isMap, isScalar, isSeq, visit } from 'yaml';

/** Lists whose items stay double-quoted: dclint's require-quotes-in-ports asks it for ports. */
const QUOTED_LISTS = new Set(['ports']);

/**
 * Plain strings PyYAML reads as tags of their own (`=` value, `<<` merge) or a YAML 1.2 reader as a
 * number (`0o17`): the 1.1 rules leave them bare, so they are quoted.
 */
const MISREAD = /^(=|<<|[-+]?0o[0-7]+)$/;

/**
 * The layout of every YAML file we write (yaml-merge.ts writes merged files the same way): a long string
 * folds at a space before 160 columns, which yamllint's line-length asks for and YAML reads back unchanged.
 */
export const YAML_LAYOUT = { lineWidth: 160, indentSeq: true } as const;

/** Serializes a plain object with a comment header, in a stable layout that yamllint accepts. */
export function toYaml(value: object, header?: string): string {
  // YAML 1.1 rules for scalars: docker-compose 1.29 (PyYAML) reads `no` as false and `80:8000` as base 60
  const doc = new Document(value, { version: '1.1', aliasDuplicateObjects: false });
  if (header)
    doc.commentBefore = header
      .split('\n')
      .map(line => (line ? ` ${line}` : ''))
      .join('\n');
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== 'string' || !MISREAD.test(node.value)) return;
      node.type = 'QUOTE_DOUBLE';
      // the yaml package prints `<<` bare whatever its type, unless tagged as a string
      if (node.value === '<<') node.tag = 'tag:yaml.org,2002:str';
    },
    Pair(_, pair) {
      if (isScalar(pair.key) && QUOTED_LISTS.has(String(pair.key.value)) && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isScalar(item)) item.type = 'QUOTE_DOUBLE';
      }
    },
  });
  if (!isMap(doc.contents)) throw new Error('internal: YAML documents we write are mappings');
  return doc.toString(YAML_LAYOUT);
}
