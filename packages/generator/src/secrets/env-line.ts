/**
 * The one grammar of a `.env` line that sets a variable: `NAME=value`, NAME a shell identifier in any
 * case (as compose reads it), and the reader and writer of whole files built on it: the renderer's merge,
 * the secrets command, the verifier and the smoke run all read `.env` through this module.
 */
// a file saved with CRLF line ends: the \r is no part of the value
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*?)\r?$/;

export function envAssignment(line: string): { readonly key: string; readonly value: string } | undefined {
  const match = ASSIGNMENT.exec(line);
  return match ? { key: match[1]!, value: match[2]! } : undefined;
}

/** The value of each variable of an env file. */
export function envValues(text: string): Map<string, string> {
  return new Map(
    text.split('\n').flatMap(line => {
      const set = envAssignment(line);
      return set ? [[set.key, set.value] as [string, string]] : [];
    }),
  );
}

/**
 * .env with new values for `values` (variable -> value), every other line and comment kept as the user
 * left it; variables it lacks are appended.
 */
export function withEnvValues(text: string, values: ReadonlyMap<string, string>): string {
  const seen = new Set<string>();
  const lines = text.split('\n').map(line => {
    const key = envAssignment(line)?.key;
    if (!key || !values.has(key)) return line;
    seen.add(key);
    return `${key}=${values.get(key)}`;
  });
  const missing = [...values].filter(([key]) => !seen.has(key)).map(([key, value]) => `${key}=${value}`);
  if (missing.length === 0) return lines.join('\n');
  const body = lines.join('\n');
  return `${body.endsWith('\n') || body === '' ? body : `${body}\n`}${missing.join('\n')}\n`;
}
