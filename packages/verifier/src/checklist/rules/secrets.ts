/** Env files and secrets (ENV-01, SEC-01, SEC-02): secrets only in git-ignored files, nowhere else. */
import { readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { RepoView } from '../repo-view.js';
import { envValues } from 'generator-portal/secrets/env-line.js';
import { defineRule, type Rule } from '../types.js';

/** Variables that hold secrets, by their names. */
const SECRET_NAME = /(PASSWORD|SECRET|TOKEN|_KEY)$/;

/** Files git would track: everything but what .gitignore names (we read our own simple patterns). */
function trackedFiles(repo: RepoView): string[] {
  const ignored = repo
    .readOr('.gitignore')
    .split('\n')
    .map(l => l.trim())
    .filter(l => l && !l.startsWith('#') && !l.startsWith('!'));
  const matches = (path: string) =>
    ignored.some(pattern => {
      const p = pattern.replace(/^\//, '').replace(/\/$/, '');
      const regex = new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`);
      return (
        regex.test(path) ||
        (!p.includes('/') && path.split('/').some(part => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(part)))
      );
    });
  return repo.files(/.*/).filter(path => !matches(path));
}

/** Every generated secret value: the secret variables of .env and instances/*.env, and the files under secrets/. */
function secretValues(repo: RepoView): string[] {
  const envFiles = ['.env', ...repo.files(/^instances\/[^/]+\.env$/)];
  const fromEnv = envFiles.flatMap(file =>
    [...envValues(repo.readOr(file))].filter(([name, value]) => SECRET_NAME.test(name) && value.length >= 8).map(([, value]) => value),
  );
  return [
    ...new Set([
      ...fromEnv,
      ...filesUnder(join(repo.root, 'secrets'))
        .map(f => readFileSync(f, 'utf8').trim())
        .filter(v => v.length >= 8),
    ]),
  ];
}

/** Files in a folder and its sub-folders (instances keep theirs in secrets/<instance>/); none when absent. */
function filesUnder(folder: string): string[] {
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap(entry => (entry.isDirectory() ? filesUnder(join(folder, entry.name)) : entry.isFile() ? [join(folder, entry.name)] : []));
}

const PRIVATE_KEY = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
/** scheme://user:password@ with a literal password (not a ${...} or {...} placeholder). */
const URL_CREDENTIALS = /[a-z][a-z0-9+.-]*:\/\/[^\s:@/'"{]+:[^\s@/'"${}]+@/i;

export const SECRET_RULES: readonly Rule[] = [
  defineRule({
    id: 'ENV-01',
    group: 'secrets',
    title: '.env and secrets/ git-ignored and private; .env.example holds no secret value',
    applies: repo => repo.exists('.env.example'),
    findings(repo) {
      const findings: string[] = [];
      const ignore = repo
        .readOr('.gitignore')
        .split('\n')
        .map(l => l.trim());
      const instances = repo.files(/^instances\/[^/]+\.env\.example$/).map(example => example.slice(0, -'.example'.length));
      const entries = ['.env', 'secrets/', ...(instances.length > 0 ? ['instances/*.env'] : [])];
      for (const entry of entries) if (!ignore.some(l => l === entry || l === `/${entry}`)) findings.push(`.gitignore does not list ${entry}`);
      for (const envFile of ['.env', ...instances]) {
        const example = envValues(repo.readOr(`${envFile}.example`));
        const filled = [...example].filter(([name, value]) => SECRET_NAME.test(name) && value !== '');
        findings.push(...filled.map(([name]) => `${envFile}.example gives ${name} a value`));
        if (repo.exists(envFile) && (statSync(join(repo.root, envFile)).mode & 0o077) !== 0) findings.push(`${envFile} is readable by group or others`);
      }
      if (repo.exists('secrets') && (statSync(join(repo.root, 'secrets')).mode & 0o077) !== 0) findings.push('secrets/ is open to group or others');
      return findings;
    },
  }),
  defineRule({
    id: 'SEC-01',
    group: 'secrets',
    title: 'no credential in any tracked file (.yo-rc.json, compose files, docs, images)',
    applies: () => true,
    findings(repo) {
      const values = secretValues(repo);
      return trackedFiles(repo).flatMap(file => {
        const text = repo.read(file);
        const found: string[] = [];
        if (values.some(v => text.includes(v))) found.push(`${file}: holds a generated secret value`);
        if (PRIVATE_KEY.test(text)) found.push(`${file}: holds a private key`);
        if (URL_CREDENTIALS.test(text)) found.push(`${file}: holds a URL with a password`);
        return found;
      });
    },
  }),
  defineRule({
    id: 'SEC-02',
    group: 'secrets',
    title: 'prod refuses to start with an empty, short or placeholder secret',
    applies: repo => repo.exists('scripts/restart.sh') && repo.exists('.env.example'),
    findings(repo) {
      const restart = repo.read('scripts/restart.sh');
      const secrets = [...envValues(repo.read('.env.example')).keys()].filter(name => SECRET_NAME.test(name));
      const listed =
        /^SECRETS=\((.*)\)$/m
          .exec(restart)?.[1]
          ?.split(/\s+/)
          .map(pair => pair.split(':')[0]) ?? [];
      const up = /^\s*up\)\n([\s\S]*?);;/m.exec(restart)?.[1] ?? '';
      const checksFirst = /^\s*check_secrets$/m.test(up) && up.indexOf('check_secrets') < up.indexOf('compose up');
      return [
        ...(checksFirst ? [] : ['restart.sh starts without checking secrets first']),
        ...secrets.filter(name => !listed.includes(name)).map(name => `restart.sh does not check ${name}`),
      ];
    },
  }),
];
