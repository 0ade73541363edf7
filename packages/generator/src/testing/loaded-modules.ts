/**
 * Tests only, loaded with `node --import`: appends the URL of every module the process loads (node's
 * own excepted) to the file named by PORTAL_LOADED_MODULES, so a test can tell which packages a command
 * pulled in.
 */
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';

const out = process.env.PORTAL_LOADED_MODULES;
if (out) {
  const hook = `
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!resolved.url.startsWith('node:')) appendFileSync(${JSON.stringify(out)}, resolved.url + '\\n');
  return resolved;
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
  appendFileSync(out, '');
}
