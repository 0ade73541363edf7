/**
 * What the old database's init scripts made at first start: files mounted into the postgres image's
 * /docker-entrypoint-initdb.d, taken as its entrypoint takes them (docker-library/postgres
 * docker-entrypoint.sh @ 6edb0a8c4def40c371514b34aef9037ec82d9110, docker_process_init_files): the folder's
 * top-level entries in glob order; *.sh run or sourced, *.sql run by psql, *.sql.gz/.xz/.zst decompressed
 * and run, anything else ignored. Databases, template databases, extensions and ALTER SYSTEM tuning become
 * answers; roles, schemas, tables and grants have none and are reported, never their passwords.
 */
import { posix } from 'node:path';
import { EXTENSIONS, tuningProblem } from '../answers/postgres-answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import { mountedEntries, readMounted } from './mounted-files.js';
import type { ServiceFacts } from './service-facts.js';

export const INIT_FOLDER = '/docker-entrypoint-initdb.d';

export interface InitFacts {
  readonly databases: string[];
  readonly templates: string[];
  readonly extensions: string[];
  /** ALTER SYSTEM SET name = value, in file order (a later one wins). */
  readonly settings: Record<string, string>;
  /** Files read, by their name in the container folder. */
  readonly read: string[];
  readonly notes: string[];
}

/** Names one SQL identifier may take: a quoted one as written, a bare one folded to lowercase as PostgreSQL does. */
const IDENTIFIER = String.raw`("(?:[^"]|"")+"|[A-Za-z_$][A-Za-z0-9_$]*|\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|:'?"?[A-Za-z_][A-Za-z0-9_]*"?'?)`;
const unquote = (name: string): string => (name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());
const isVariable = (name: string): boolean => name.startsWith('$') || name.startsWith(':');

/**
 * A shell script's SQL without its comments (`/* *\/` blocks, `--` at the start of a line, of a
 * here-document): elsewhere `--` is an option such as --dbname.
 */
function shellWithoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^[ \t]*--[^\n]*/gm, '');
}

/**
 * The statements of an SQL file, split at the semicolons psql splits at: not inside a 'string', a
 * "quoted identifier", a $tag$ dollar-quoted body$tag$ or a comment (comments become a space).
 */
export function sqlStatements(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i, i + 2);
    const char = text[i]!;
    if (rest === '--') {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
      current += ' ';
    } else if (rest === '/*') {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
      current += ' ';
    } else if (char === "'" || char === '"') {
      // a doubled quote inside is the quote itself: the loop reads it as a close and a reopen
      const end = text.indexOf(char, i + 1);
      const stop = end === -1 ? text.length : end + 1;
      current += text.slice(i, stop);
      i = stop;
    } else if (char === '$' && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(text.slice(i, i + 66))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 66))![0];
      const end = text.indexOf(tag, i + tag.length);
      const stop = end === -1 ? text.length : end + tag.length;
      current += text.slice(i, stop);
      i = stop;
    } else if (char === ';') {
      out.push(current);
      current = '';
      i += 1;
    } else {
      current += char;
      i += 1;
    }
  }
  out.push(current);
  return out;
}

interface Found {
  databases: { name: string; template: boolean }[];
  extensions: string[];
  roles: string[];
  settings: [string, string][];
  other: Set<string>;
  variables: string[];
}

/** The statements of SQL text (or of a shell script's here-documents and -c arguments). */
function scanSql(text: string, found: Found, sqlFile: boolean): void {
  for (const raw of sqlFile ? sqlStatements(text) : shellWithoutComments(text).split(';')) {
    const statement = raw.replace(/\s+/g, ' ').trim();
    // a psql line may hold several -c statements: every match counts
    const databases = [...statement.matchAll(new RegExp(String.raw`(?:^|[\s"'])CREATE DATABASE (?:IF NOT EXISTS )?${IDENTIFIER}((?:(?! CREATE ).)*)`, 'gi'))];
    const extensions = [...statement.matchAll(new RegExp(String.raw`(?:^|[\s"'])CREATE EXTENSION (?:IF NOT EXISTS )?${IDENTIFIER}`, 'gi'))];
    const roles = [...statement.matchAll(new RegExp(String.raw`(?:^|[\s"'])CREATE (?:ROLE|USER) ${IDENTIFIER}`, 'gi'))];
    const setting = /(?:^|[\s"'])ALTER SYSTEM SET ([a-z_]+) ?(?:=|TO) ?'?([^';]*?)'?\s*$/i.exec(statement);
    for (const [, name, options] of databases) {
      if (isVariable(name!)) found.variables.push(`CREATE DATABASE ${name}`);
      else found.databases.push({ name: unquote(name!), template: /IS_TEMPLATE\s*=?\s*(true|on|1)\b/i.test(options ?? '') });
    }
    for (const [, name] of extensions) {
      if (isVariable(name!)) found.variables.push(`CREATE EXTENSION ${name}`);
      else found.extensions.push(unquote(name!));
    }
    for (const [, name] of roles) found.roles.push(isVariable(name!) ? name! : unquote(name!));
    if (setting) found.settings.push([setting[1]!.toLowerCase(), setting[2]!.trim()]);
    if (databases.length + extensions.length + roles.length > 0 || setting) continue;
    if (sqlFile && statement !== '' && !/^\\/.test(statement)) {
      const words = statement.split(' ');
      const kind = /^(CREATE|DROP|ALTER)$/i.test(words[0]!)
        ? words.slice(0, /^(OR|UNIQUE|TEMP|TEMPORARY)$/i.test(words[1] ?? '') ? 3 : 2).join(' ')
        : words[0]!;
      found.other.add(kind.toUpperCase());
    }
  }
}

/** `createdb [options] name` lines of a shell script (options that take a value skip it). */
function scanCreatedb(script: string, found: Found): void {
  const valued = new Set([
    '-O',
    '-T',
    '-E',
    '-U',
    '-h',
    '-p',
    '-l',
    '-D',
    '-S',
    '--owner',
    '--template',
    '--encoding',
    '--username',
    '--host',
    '--port',
    '--locale',
    '--tablespace',
    '--strategy',
    '--lc-collate',
    '--lc-ctype',
    '--icu-locale',
    '--locale-provider',
    '--maintenance-db',
  ]);
  for (const match of script.matchAll(/(?:^|[\s;&|(])createdb((?:[ \t]+[^\s;&|)]+)+)/gm)) {
    const words = match[1]!
      .trim()
      .split(/[ \t]+/)
      .map(word => word.replace(/^["']|["']$/g, ''));
    for (let i = 0; i < words.length; i += 1) {
      const word = words[i]!;
      if (valued.has(word)) {
        i += 1;
        continue;
      }
      if (word.startsWith('-')) continue;
      if (isVariable(word)) found.variables.push(`createdb ${word}`);
      else found.databases.push({ name: word, template: false });
      break;
    }
  }
}

/** Every file the entrypoint would meet in /docker-entrypoint-initdb.d: name in the container -> host path. */
function initFiles(f: ServiceFacts, root: string | undefined, notes: string[]): Map<string, { source: string; folder: boolean }> {
  const files = new Map<string, { source: string; folder: boolean }>();
  for (const mount of f.volumes) {
    const target = posix.normalize(mount.target).replace(/\/+$/, '');
    if (target !== INIT_FOLDER && !target.startsWith(`${INIT_FOLDER}/`)) continue;
    if (mount.kind !== 'bind' || !mount.source) {
      notes.push(
        `${f.name}: ${mount.kind} volume${mount.source ? ` ${mount.source}` : ''} at ${target}: init scripts in a volume are not in the old files; they are not read`,
      );
      continue;
    }
    if (target !== INIT_FOLDER) {
      const name = target.slice(INIT_FOLDER.length + 1);
      if (name.includes('/')) notes.push(`${f.name}: ${mount.source} at ${target}: the entrypoint runs only the folder's own entries, not ${name}`);
      else files.set(name, { source: mount.source, folder: false });
      continue;
    }
    const listed = mountedEntries(root, mount.source);
    if ('notRead' in listed) {
      notes.push(
        `${f.name}: init scripts ${mount.source}: not read (${listed.notRead}); copy them into the folder and import again, or give the databases with --answers "postgres"`,
      );
      continue;
    }
    for (const entry of listed.entries) if (!files.has(entry.name)) files.set(entry.name, { source: entry.source, folder: entry.folder });
    if (listed.more.length > 0)
      notes.push(`${f.name}: init scripts ${listed.more.join(', ')} in ${listed.shown}: only the first ${listed.entries.length} entries are read`);
  }
  return new Map([...files].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
}

export function postgresInitScripts(f: ServiceFacts, root: string | undefined, own: readonly string[]): InitFacts {
  const out: InitFacts = { databases: [], templates: [], extensions: [], settings: {}, read: [], notes: [] };
  for (const [name, { source, folder }] of initFiles(f, root, out.notes)) {
    const shown = `${INIT_FOLDER}/${name}`;
    const kind = /\.sh$/.test(name) ? 'shell' : /\.sql$/.test(name) ? 'sql' : /\.sql\.(gz|xz|zst)$/.test(name) ? 'compressed' : 'ignored';
    if (folder) {
      // the entrypoint runs or feeds to psql whatever matches: a folder there stops the first start
      if (kind !== 'ignored')
        throw new PortalInputError(
          `Invalid import file ${quoted(source)}: it is a folder mounted as ${shown}, which the postgres entrypoint would run and fail on; remove it or rename it, then import again.`,
        );
      out.notes.push(`${f.name}: ${shown} is a folder; the entrypoint ignores it (it runs files only)`);
      continue;
    }
    if (kind === 'ignored') {
      out.notes.push(`${f.name}: ${shown}: the image's entrypoint ignores it too (it runs *.sh, *.sql and compressed *.sql only)`);
      continue;
    }
    if (kind === 'compressed') {
      out.notes.push(
        `${f.name}: ${shown}: compressed SQL is not read; what it creates is not carried (decompress it to a .sql and import again, or load it with scripts/restore.sh)`,
      );
      continue;
    }
    const mounted = readMounted(root, source);
    if ('notRead' in mounted) {
      out.notes.push(`${f.name}: ${shown}: not read (${mounted.notRead}); what it creates is not carried`);
      continue;
    }
    out.read.push(name);
    const found: Found = { databases: [], extensions: [], roles: [], settings: [], other: new Set(), variables: [] };
    const text =
      kind === 'shell'
        ? mounted.text
            .split('\n')
            .filter(line => !/^\s*#/.test(line))
            .join('\n')
        : mounted.text;
    scanSql(text, found, kind === 'sql');
    if (kind === 'shell') scanCreatedb(text, found);
    collect(f.name, shown, found, own, out);
    if (kind === 'shell')
      out.notes.push(
        `${f.name}: ${shown}: a shell script; only its CREATE DATABASE/EXTENSION, ALTER SYSTEM and createdb are carried, the new stack does not run it`,
      );
  }
  return out;
}

const DATABASE = /^[a-z_][a-z0-9_]{0,62}$/;

function collect(service: string, shown: string, found: Found, own: readonly string[], out: InitFacts): void {
  for (const { name, template } of found.databases) {
    if (own.includes(name)) continue;
    if (!DATABASE.test(name)) out.notes.push(`${service}: ${shown}: database ${name}: not a name the answers take (lowercase letters, digits, underscores)`);
    else if (!out.databases.includes(name) && !out.templates.includes(name)) (template ? out.templates : out.databases).push(name);
  }
  for (const name of found.extensions) {
    if (!(EXTENSIONS as readonly string[]).includes(name))
      out.notes.push(`${service}: ${shown}: extension ${name}: not one the PostGIS image ships (${EXTENSIONS.join(', ')})`);
    else if (!out.extensions.includes(name)) out.extensions.push(name);
  }
  for (const [name, value] of found.settings) {
    const problem = tuningProblem(name, value);
    if (!problem) out.settings[name] = value;
    else out.notes.push(`${service}: ${shown}: ALTER SYSTEM SET ${name}: ${problem}`);
  }
  for (const role of found.roles)
    out.notes.push(
      `${service}: ${shown}: role ${role}: the answers create no roles (the stack makes the owner from POSTGRES_USER and its own read-only roles); create it from the app's migrations, its password is not carried`,
    );
  for (const what of found.variables)
    out.notes.push(`${service}: ${shown}: ${what}: named by a variable, so not carried; add it to postgres.databases or postgres.extensions by hand`);
  if (found.other.size > 0) out.notes.push(`${service}: ${shown}: ${[...found.other].join(', ')}: not answers; run them from the app's migrations`);
}
