/** EJS rendering of the text formats (nginx, VCL, Dockerfiles, shell, SQL, Markdown); views are plain data. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';

/** The package root holds templates/; found by walking up, so src/ and dist/ both work. */
function findTemplatesRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'templates', 'root'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('internal: templates/ folder not found above the package code');
    folder = parent;
  }
  return join(folder, 'templates');
}

export const TEMPLATES_ROOT = findTemplatesRoot();
const compiled = new Map<string, ejs.TemplateFunction>();

export function renderTemplate(name: string, view: object = {}): string {
  let template = compiled.get(name);
  if (!template) {
    const path = join(TEMPLATES_ROOT, name);
    template = ejs.compile(readFileSync(path, 'utf8'), { filename: path, strict: false, async: false });
    compiled.set(name, template);
  }
  return template(view);
}
