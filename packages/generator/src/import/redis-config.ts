/**
 * A redis.conf as redis-server reads it: one directive a line, `#` comments, arguments split like a shell
 * (double quotes with escapes, single quotes); a later line overrides an earlier one, except `save`, whose
 * lines add up. Only what the answers can say is used; the caller lists the rest.
 */

export interface RedisConfig {
  /** Directive (lowercase) -> its arguments joined by a space, the last line winning. */
  readonly directives: Map<string, string>;
  /** Every `save` line's arguments ("" turns snapshots off). */
  readonly saves: string[];
}

function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const match of line.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g))
    out.push(match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? match[3]!));
  return out;
}

export function parseRedisConfig(text: string): RedisConfig {
  const directives = new Map<string, string>();
  const saves: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name, ...args] = splitArgs(line);
    if (!name) continue;
    const key = name.toLowerCase();
    const value = args.join(' ');
    if (key === 'save') saves.push(value);
    directives.set(key, value);
  }
  return { directives, saves };
}

/**
 * A Redis memory value as the answers take it (bytes, or kb/mb/gb): Redis also reads k, m and g as powers
 * of 1000 (redis.conf: "1k => 1000 bytes, 1kb => 1024 bytes"), which become bytes; undefined when not a size.
 */
export function redisMemory(value: string): string | undefined {
  const match = /^([0-9]{1,13})(k|kb|m|mb|g|gb)?$/i.exec(value.trim());
  if (!match) return undefined;
  const unit = match[2]?.toLowerCase();
  if (unit === 'k' || unit === 'm' || unit === 'g') return String(Number(match[1]) * { k: 1e3, m: 1e6, g: 1e9 }[unit]);
  return `${Number(match[1])}${unit ?? ''}`;
}
