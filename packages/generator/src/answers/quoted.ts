/** A value as it appears in a message: JSON-quoted, so control characters and newlines never break the line; long ones cut. */
export function quoted(value: unknown, max = 80): string {
  const text = typeof value === 'string' ? value : (safeJson(value) ?? String(value));
  const shown = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(shown);
}

/** JSON of a value given by the user, which may be too deep for JSON.stringify's recursion. */
function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? '[…]' : undefined;
  }
}

/** A value as JSON (a string in quotes, true, [8080]), cut to `max` characters: for values of the wrong type. */
export function shownJson(value: unknown, max = 40): string {
  const json = safeJson(value) ?? String(value);
  return json.length > max ? `${json.slice(0, max)}…` : json;
}
