/** A value as it appears in a message: JSON-quoted, so control characters and newlines never break the line; long ones cut. */
export function quoted(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : String(value);
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}
