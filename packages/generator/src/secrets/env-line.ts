/**
 * The one grammar of a `.env` line that sets a variable: `NAME=value`, NAME a shell identifier in any
 * case (as compose reads it). The renderer's merge and the secrets' reader and writer all use it.
 */
// a file saved with CRLF line ends: the \r is no part of the value
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*?)\r?$/;

export function envAssignment(line: string): { readonly key: string; readonly value: string } | undefined {
  const match = ASSIGNMENT.exec(line);
  return match ? { key: match[1]!, value: match[2]! } : undefined;
}
