// `npm run build`: compiles each package's src/ into a new folder, then swaps it in for its dist/. dist/
// and a `portal` linked to it keep working while a build (or the test suite's) runs, and after a failed
// one. The generator goes first: the verifier and the smoke harness compile against its declarations.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, cpSync, existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';
import { build as esbuild } from 'esbuild';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** tsc copies only TypeScript output; each package names the other files its dist/ needs. */
const EXTRA_FILES = {
  // the USAGE files, printed by --help
  generator: next =>
    readdirSync('packages/generator/src/generators')
      .map(name => [join('packages/generator/src/generators', name, 'USAGE'), join(next, 'generators', name, 'USAGE')])
      .filter(([from]) => existsSync(from)),
  // the live check's Python driver
  verifier: next => [['packages/verifier/src/verify/live/driver.py', join(next, 'verify/live/driver.py')]],
  // the smoke run's stand-in images
  smoke: next => [['packages/smoke/src/standins', join(next, 'standins')]],
};

/**
 * The .yo-rc.json schema's validators, compiled once here rather than by every run (answers/schema.ts
 * uses them while the schema's hash matches).
 */
async function precompileSchemaValidators(folder, next) {
  const { AJV_OPTIONS, schemaHash, sectionSchema } = await import(pathToFileURL(resolve(next, 'answers/schema.js')).href);
  const schemaText = readFileSync(join(folder, 'schema/yo-rc.schema.json'), 'utf8');
  for (const kind of ['rc', 'answers']) {
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true } });
    const validator = standaloneCode.default(ajv, ajv.compile(sectionSchema(schemaText, kind)));
    writeFileSync(join(next, `answers/yo-rc-validator.${kind}.cjs`), `${validator}\nmodule.exports.schemaHash = ${JSON.stringify(schemaHash(schemaText))};\n`);
  }
}

/**
 * Modules the bundle imports from dist/ rather than holding a copy: the repo lock's table of held locks
 * must be one (the bundle takes the lock, the bin releases it, Yeoman's generator finds it held by this
 * run when the fast path hands over), and so must the errors the bin and the lock throw.
 */
const SHARED_WITH_DIST = /[/\\](io[/\\]repo-lock|answers[/\\]input-error)\.js$/;

/**
 * `portal --yes` (cli/fast-app.js) as one file: loading some 140 modules one by one cost about as much
 * as the run itself. yaml and ejs are inside; Node's builtins, and the modules above, are imported.
 */
async function bundleFastPath(next) {
  const { BUNDLE_FILE, BUNDLED_MARK } = await import(pathToFileURL(resolve(next, 'cli/fast-bundle.js')).href);
  const outfile = join(next, 'cli', BUNDLE_FILE);
  await esbuild({
    entryPoints: [join(next, 'cli/fast-app.js')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    legalComments: 'none',
    // ejs is CommonJS: its require() of Node's builtins needs a real one in an ES module
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module';\nconst require = createRequireForBundle(import.meta.url);" },
    plugins: [
      {
        name: 'shared-with-dist',
        setup(build) {
          build.onResolve({ filter: /\.js$/ }, args => {
            const path = resolve(args.resolveDir, args.path);
            if (args.kind === 'entry-point' || !SHARED_WITH_DIST.test(path)) return undefined;
            const specifier = relative(dirname(outfile), path).split('\\').join('/');
            return { path: specifier.startsWith('.') ? specifier : `./${specifier}`, external: true };
          });
        },
      },
    ],
  });
  // what tells the bin this fast-app.js has a bundle (a tsc alone rewrites it without the mark)
  appendFileSync(join(next, 'cli/fast-app.js'), `${BUNDLED_MARK}\n`);
}

for (const name of ['generator', 'verifier', 'smoke']) {
  const folder = join('packages', name);
  const next = join(folder, `dist.next-${process.pid}`);
  const old = join(folder, `dist.old-${process.pid}`);
  try {
    execFileSync(process.execPath, [tsc, '-p', join(folder, 'tsconfig.json'), '--outDir', next], { stdio: 'inherit' });
  } catch {
    rmSync(next, { recursive: true, force: true });
    process.exit(1);
  }
  for (const [from, to] of EXTRA_FILES[name](next)) cpSync(from, to, { recursive: true });
  if (name === 'generator') await precompileSchemaValidators(folder, next);
  if (name === 'generator') await bundleFastPath(next);
  // tsc writes 0644; the generator's bin is run through its link (npm link, a global install)
  if (name === 'generator') chmodSync(join(next, 'cli/portal.js'), 0o755);
  const dist = join(folder, 'dist');
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(next, dist);
  rmSync(old, { recursive: true, force: true });
}
