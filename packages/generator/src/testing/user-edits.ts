/** Test helpers: a repo edited the way a user edits one, and the check that every edit survived. */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const edit = (repo: string, path: string, change: (text: string) => string) => {
  const file = join(repo, path);
  const text = readFileSync(file, 'utf8');
  const changed = change(text);
  assert.notEqual(changed, text, `the fixture edit of ${path} changed nothing`);
  writeFileSync(file, changed);
};

/** The user's edits: a comment, an extra service, a changed image tag, an env key, a custom nginx location. */
export function editLikeAUser(repo: string): void {
  edit(repo, 'docker-compose.yml', text =>
    `# ops: keep redis on the patched tag\n${text}`
      .replace(/image: redis:\S+/, 'image: redis:7.4.3-alpine')
      .replace(/^services:\n/m, 'services:\n  mailhog:\n    image: mailhog/mailhog:v1.0.1\n    networks:\n      - internal\n'),
  );
  appendFileSync(join(repo, '.env'), 'SMTP_HOST=mailhog\n');
  edit(repo, 'nginx/snippets/routes.conf', text => `${text}\n# ops: legacy URL\nlocation /old-maps/ {\n    return 301 /;\n}\n`);
  // the place meant for it: the user's own snippet, never rewritten
  appendFileSync(join(repo, 'nginx/snippets/custom/locations.conf'), 'location = /robots.txt {\n    return 200 "User-agent: *\\n";\n}\n');
  appendFileSync(join(repo, 'varnish/custom.vcl'), 'sub vcl_recv {\n    if (req.url ~ "^/legacy/") {\n        return (synth(410, "Gone"));\n    }\n}\n');
}

export function assertEditsKept(repo: string): void {
  const compose = readFileSync(join(repo, 'docker-compose.yml'), 'utf8');
  assert.match(compose, /^# ops: keep redis on the patched tag$/m);
  assert.match(compose, /image: redis:7\.4\.3-alpine/);
  assert.ok(parse(compose).services.mailhog, 'the extra service is gone');
  assert.match(readFileSync(join(repo, '.env'), 'utf8'), /^SMTP_HOST=mailhog$/m);
  assert.match(readFileSync(join(repo, 'nginx/snippets/routes.conf'), 'utf8'), /location \/old-maps\/ \{\n {4}return 301 \/;\n\}/);
  assert.match(readFileSync(join(repo, 'nginx/snippets/custom/locations.conf'), 'utf8'), /location = \/robots\.txt/);
  assert.match(readFileSync(join(repo, 'varnish/custom.vcl'), 'utf8'), /synth\(410, "Gone"\)/);
}
