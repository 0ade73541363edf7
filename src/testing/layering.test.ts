/**
 * Folders that must not import each other back (type-only imports count): the renderers produce the plan the
 * writer (io) takes, verify runs the checklist, and the catalog's types stand below the renderers.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') && !path.endsWith('.test.ts') ? [path] : [];
  });
}

/** Every relative import of every source file, as repo-relative `from -> to` (src/…, .ts). */
const imports: readonly { from: string; to: string }[] = sources(SRC).flatMap(file =>
  [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'(\.[^']+)'/gms)].map(match => ({
    from: relative(SRC, file),
    to: relative(SRC, resolve(dirname(file), match[1]!.replace(/\.js$/, '.ts'))),
  })),
);

const crossing = (from: string, to: string) => imports.filter(i => i.from.startsWith(`${from}/`) && i.to.startsWith(`${to}/`)).map(i => `${i.from} -> ${i.to}`);

describe('layering', () => {
  it('finds the imports it checks', () => {
    assert.ok(crossing('io', 'render').length > 0, "the writer takes the renderers' plan");
    assert.ok(crossing('verify', 'checklist').length > 0, 'verify runs the checklist');
  });
  for (const [from, to] of [
    ['render', 'io'],
    ['checklist', 'verify'],
    ['catalog', 'render'],
  ] as const) {
    it(`${from}/ imports nothing from ${to}/`, () => assert.deepEqual(crossing(from, to), []));
  }
});
