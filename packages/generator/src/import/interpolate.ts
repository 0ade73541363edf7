/**
 * Compose's variable substitution over the folder's `.env` (never the shell of whoever runs the import, so
 * the same folder always gives the same answers), and the `KEY=VALUE` files `.env` and `env_file` share.
 */
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';

/** `KEY=VALUE` lines; `export ` and surrounding quotes are dropped, `#` lines skipped. */
export function parseEnvFile(text: string, shown: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((line, index) => {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s?(.*)$/.exec(trimmed);
    if (!match) throw new PortalInputError(`Invalid import file ${quoted(shown)}: line ${index + 1} is not KEY=VALUE; fix or remove it.`);
    let value = match[2]!.trim();
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) value = value.slice(1, -1);
    else value = value.replace(/\s+#.*$/, '');
    values.set(match[1]!, value);
  });
  return values;
}

export interface Substitution {
  /** Variables named but set nowhere: compose substitutes an empty value and so does the import. */
  readonly unset: Set<string>;
}

/** `$VAR`, `${VAR}`, `${VAR:-default}`, `${VAR-default}`, `${VAR:?err}`; `$$` is a literal `$`; a default may hold one `${...}` (compose v2 nests them). */
export function interpolate(text: string, env: ReadonlyMap<string, string>, where: string, seen: Substitution): string {
  return text.replace(/\$(\$|\{((?:[^{}]|\$\{[^{}]*\})*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, _all, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    const expression = braced ?? bare!;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])(.*))?$/s.exec(expression);
    if (!match) throw new PortalInputError(`Invalid ${where}: ${quoted(whole)} is no variable compose can substitute; write \${NAME} or $$ for a literal $.`);
    const [, name, operator, operand = ''] = match;
    const value = env.get(name!);
    const empty = value === undefined || (operator?.startsWith(':') === true && value === '');
    const inner = () => interpolate(operand, env, where, seen);
    if (operator === '-' || operator === ':-') return empty ? inner() : value!;
    if (operator === '+' || operator === ':+') return empty ? '' : inner();
    if (operator === '?' || operator === ':?') {
      if (empty) throw new PortalInputError(`Invalid ${where}: variable ${name} must be set (${operand || 'required'}); add it to the folder's .env.`);
      return value!;
    }
    if (value === undefined) seen.unset.add(name!);
    return value ?? '';
  });
}

/** Every string of a parsed document, substituted (keys stay as written, as compose does). */
export function interpolateTree(node: unknown, env: ReadonlyMap<string, string>, where: string, seen: Substitution): unknown {
  if (typeof node === 'string') return interpolate(node, env, where, seen);
  if (Array.isArray(node)) return node.map(item => interpolateTree(item, env, where, seen));
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateTree(value, env, where, seen)]));
  }
  return node;
}
