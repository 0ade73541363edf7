// `npm run build`: compiles src/ into a new folder, then swaps it in for dist/. dist/ and a `portal`
// linked to it keep working while a build (or the test suite's) runs, and after a failed one.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const next = `dist.next-${process.pid}`;
const old = `dist.old-${process.pid}`;
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--outDir', next], { stdio: 'inherit' });
} catch {
  rmSync(next, { recursive: true, force: true });
  process.exit(1);
}
// tsc copies only TypeScript output: the USAGE files (printed by --help), the live check's Python driver
// and the smoke run's stand-ins are copied here
for (const name of readdirSync('src/generators')) {
  const usage = join('src/generators', name, 'USAGE');
  if (existsSync(usage)) cpSync(usage, join(next, 'generators', name, 'USAGE'));
}
cpSync('src/verify/live/driver.py', join(next, 'verify/live/driver.py'));
cpSync('src/smoke/standins', join(next, 'smoke/standins'), { recursive: true });
// the .yo-rc.json schema's validators, compiled once here rather than by every run (answers/schema.ts
// uses them while the schema's hash matches)
const { AJV_OPTIONS, schemaHash, sectionSchema } = await import(pathToFileURL(resolve(next, 'answers/schema.js')).href);
const schemaText = readFileSync('schema/yo-rc.schema.json', 'utf8');
for (const kind of ['rc', 'answers']) {
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
  const validator = standaloneCode.default(ajv, ajv.compile(sectionSchema(schemaText, kind)));
  writeFileSync(join(next, `answers/yo-rc-validator.${kind}.cjs`), `${validator}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(schemaText))};\n`);
}
// tsc writes 0644; the package's bin is run through its link (npm link, a global install)
chmodSync(join(next, 'cli/portal.js'), 0o755);
if (existsSync('dist')) renameSync('dist', old);
renameSync(next, 'dist');
rmSync(old, { recursive: true, force: true });
