/**
 * What must not import what back (type-only imports count). Between packages: the verifier and the smoke
 * harness build on the generator, the smoke harness on the verifier, never the reverse (the generator
 * loads the verifier only by name, when asked to verify). Within them: the renderers produce the plan the
 * writer (io) takes, verify runs the checklist, and the catalog's types stand below the renderers.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ROOT } from '../shared/package-root.js';

const PACKAGES = dirname(PACKAGE_ROOT);
const FOLDER_OF: Record<string, string> = { 'generator-portal': 'generator', '@generator-portal/verifier': 'verifier', '@generator-portal/smoke': 'smoke' };

function sources(folder: string, withTests: boolean): string[] {
  return readdirSync(folder).flatMap(name => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sources(path, withTests);
    return path.endsWith('.ts') && (withTests || !path.endsWith('.test.ts')) ? [path] : [];
  });
}

/** Where an import leads, as `<package>/<path under its src>.ts`; undefined for node's and other packages. */
function target(file: string, specifier: string): string | undefined {
  if (specifier.startsWith('.')) return relative(PACKAGES, resolve(dirname(file), specifier.replace(/\.js$/, '.ts'))).replace('/src/', '/');
  const name = Object.keys(FOLDER_OF).find(n => specifier === n || specifier.startsWith(`${n}/`));
  if (!name) return undefined;
  const rest = specifier.slice(name.length + 1);
  return `${FOLDER_OF[name]}/${rest ? rest.replace(/\.js$/, '.ts') : 'index.ts'}`;
}

/** Every import of every source file (tests too when asked), as `from -> to`, both `<package>/<path>`. */
function importsOf(withTests: boolean): readonly { from: string; to: string }[] {
  return readdirSync(PACKAGES).flatMap(pkg =>
    sources(join(PACKAGES, pkg, 'src'), withTests).flatMap(file =>
      [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?from\s+'([^']+)'|\bimport\(\s*'([^']+)'\s*\)/gms)].flatMap(match => {
        const to = target(file, (match[1] ?? match[2])!);
        return to ? [{ from: relative(PACKAGES, file).replace('/src/', '/'), to }] : [];
      }),
    ),
  );
}

const imports = importsOf(false);
const withTests = importsOf(true);
const crossing = (from: string, to: string, among = imports) =>
  among.filter(i => i.from.startsWith(`${from}/`) && i.to.startsWith(`${to}/`)).map(i => `${i.from} -> ${i.to}`);

describe('layering', () => {
  it('finds the imports it checks', () => {
    assert.ok(crossing('generator/io', 'generator/render').length > 0, "the writer takes the renderers' plan");
    assert.ok(crossing('verifier/verify', 'verifier/checklist').length > 0, 'verify runs the checklist');
    assert.ok(crossing('verifier', 'generator').length > 0, 'the verifier reads the catalog and renderers');
    assert.ok(crossing('smoke', 'verifier').length > 0, 'the smoke run uses the checks');
  });
  for (const [from, to] of [
    ['generator', 'verifier'],
    ['generator', 'smoke'],
    ['verifier', 'smoke'],
  ] as const) {
    it(`the ${from} package imports nothing from the ${to} package, tests included`, () => assert.deepEqual(crossing(from, to, withTests), []));
  }
  for (const [from, to] of [
    ['generator/render', 'generator/io'],
    ['verifier/checklist', 'verifier/verify'],
    ['generator/catalog', 'generator/render'],
  ] as const) {
    it(`${from}/ imports nothing from ${to}/`, () => assert.deepEqual(crossing(from, to), []));
  }
});
