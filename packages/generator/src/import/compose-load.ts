/**
 * Loads an old deployment as compose would: each file parsed (YAML 1.1, as PyYAML read them), checked for
 * keys compose knows, variables substituted from the folder's `.env`, `extends` resolved (also across files),
 * `env_file` read, and the files merged in the order given (base, then overrides).
 */
import { dirname, relative, resolve } from 'node:path';
import { parseDocument, visit } from 'yaml';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import { firstBaseImage } from '../shared/dockerfile-from.js';
import { LIST_KEYS, MAPPING_KEYS, NOT_EXTENDED, SERVICE_KEYS, TOP_LEVEL_KEYS, nearestKey } from './compose-keys.js';
import { readInputFile, type ImportInput } from './input-files.js';
import { interpolateTree, parseEnvFile, type Substitution } from './interpolate.js';

export type RawService = Record<string, unknown>;

export interface LoadedCompose {
  /** The deployment's folder (real path): mounted files are read only inside it. Absent: none are read. */
  readonly root?: string;
  /** Services in the order they first appear, merged over every file. */
  readonly services: ReadonlyMap<string, RawService>;
  /** Top-level volumes, networks and secrets, merged. */
  readonly volumes: Readonly<Record<string, unknown>>;
  readonly networks: Readonly<Record<string, unknown>>;
  readonly secrets: Readonly<Record<string, unknown>>;
  /** The format of the first file: 1 (services at the top), else its `version` (or "spec"). */
  readonly format: string;
  readonly unset: readonly string[];
  readonly files: readonly string[];
}

interface ParsedFile {
  readonly path: string;
  readonly shown: string;
  readonly format: string;
  readonly services: Record<string, RawService>;
  readonly top: Record<string, Record<string, unknown>>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

export function loadCompose(input: ImportInput): LoadedCompose {
  const { root } = input;
  const dotEnvPath = resolve(root, '.env');
  let dotEnv = new Map<string, string>();
  try {
    dotEnv = parseEnvFile(readInputFile(root, dotEnvPath, '.env'), '.env');
  } catch (error) {
    // no .env is fine; a broken or escaping one is not
    if (!(error instanceof PortalInputError) || !/does not exist/.test(error.message)) throw error;
  }
  const seen: Substitution = { unset: new Set() };
  const cache = new Map<string, ParsedFile>();
  const parse = (path: string): ParsedFile => {
    const cached = cache.get(path);
    if (cached) return cached;
    const parsed = parseFile(root, path, dotEnv, seen);
    cache.set(path, parsed);
    return parsed;
  };
  const files = input.files.map(parse);
  const services = new Map<string, RawService>();
  const top: Record<string, Record<string, unknown>> = { volumes: {}, networks: {}, secrets: {} };
  for (const file of files) {
    for (const [name, raw] of Object.entries(file.services)) {
      const resolved = resolveExtends(file, name, raw, parse, []);
      services.set(name, services.has(name) ? mergeService(services.get(name)!, resolved, true) : resolved);
    }
    for (const key of ['volumes', 'networks', 'secrets']) {
      for (const [name, value] of Object.entries(file.top[key] ?? {}))
        top[key]![name] = isRecord(top[key]![name]) && isRecord(value) ? { ...(top[key]![name] as object), ...value } : value;
    }
  }
  for (const [name, raw] of services) if (raw.image === undefined && isRecord(raw.build)) services.set(name, { ...raw, 'x-from': baseImage(root, raw.build) });
  if (services.size === 0)
    throw new PortalInputError(`Invalid import file ${quoted(files[0]!.shown)}: it defines no services; name the compose file that runs the deployment.`);
  return {
    root,
    services,
    volumes: top.volumes!,
    networks: top.networks!,
    secrets: top.secrets!,
    format: files[0]!.format,
    unset: [...seen.unset].sort(),
    files: files.map(file => file.shown),
  };
}

function parseFile(root: string, path: string, env: ReadonlyMap<string, string>, seen: Substitution): ParsedFile {
  const shown = relative(root, path) || path;
  const text = readInputFile(root, path, shown);
  const document = parseDocument(text, { version: '1.1', uniqueKeys: true });
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) {
    const line = problem.linePos?.[0]?.line;
    throw new PortalInputError(
      `Invalid import file ${quoted(shown)}: broken YAML${line ? ` at line ${line}` : ''} (${problem.message.split('\n')[0]}); fix the file.`,
    );
  }
  // the yaml library's 1.1 reads y/Y/n/N as booleans; PyYAML (compose v1) and compose v2 read them as text
  visit(document, {
    Scalar(_, node) {
      if (typeof node.value === 'boolean' && /^[YyNn]$/.test(node.source ?? '')) node.value = node.source;
    },
  });
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: 1000 });
  } catch (error) {
    // the yaml library refuses alias bombs (and deep nesting) with a plain Error: still the file's fault
    throw new PortalInputError(
      `Invalid import file ${quoted(shown)}: its YAML cannot be expanded (${(error as Error).message.split('\n')[0]}); remove the alias chain and write the values out.`,
    );
  }
  if (!isRecord(data))
    throw new PortalInputError(
      `Invalid import file ${quoted(shown)}: it holds ${data === null ? 'nothing' : 'no mapping'}; expected a compose file with services.`,
    );
  // format 1 has no `version` and no `services`: every top-level key is a service
  const v1 = data.version === undefined && data.services === undefined;
  const format = v1 ? '1' : data.version === undefined ? 'spec' : String(data.version);
  if (!v1) {
    for (const key of Object.keys(data)) {
      if (key.startsWith('x-') || TOP_LEVEL_KEYS.includes(key)) continue;
      const near = nearestKey(key, TOP_LEVEL_KEYS);
      throw new PortalInputError(
        `Invalid import file ${quoted(shown)}: unknown top-level key ${quoted(key)}${near ? ` (did you mean ${near}?)` : ''}; compose knows ${TOP_LEVEL_KEYS.join(', ')} and x-* extensions.`,
      );
    }
  }
  const rawServices = v1 ? data : data.services;
  if (!isRecord(rawServices)) throw new PortalInputError(`Invalid import file ${quoted(shown)}: "services" is not a mapping of services; fix the file.`);
  const substituted = interpolateTree(rawServices, env, `import file ${quoted(shown)}`, seen) as Record<string, unknown>;
  const services: Record<string, RawService> = {};
  for (const [name, raw] of Object.entries(substituted)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name))
      throw new PortalInputError(
        `Invalid import file ${quoted(shown)}: service name ${quoted(name)} is not a compose name; use letters, digits, ".", "_" and "-".`,
      );
    if (!isRecord(raw)) throw new PortalInputError(`Invalid import file ${quoted(shown)}: service ${quoted(name)} is not a mapping of settings; fix the file.`);
    for (const key of Object.keys(raw)) {
      if (SERVICE_KEYS.includes(key) || key.startsWith('x-') || (v1 && key === 'net')) continue;
      const near = nearestKey(key, SERVICE_KEYS);
      throw new PortalInputError(
        `Invalid import file ${quoted(shown)}: service ${quoted(name)} has unknown key ${quoted(key)}${near ? ` (did you mean ${near}?)` : ''}; fix or remove it.`,
      );
    }
    services[name] = normalised(raw, name, shown, root, path, env, seen);
  }
  const top: Record<string, Record<string, unknown>> = {};
  for (const key of ['volumes', 'networks', 'secrets']) {
    const value = v1 ? undefined : data[key];
    if (value !== undefined && value !== null && !isRecord(value))
      throw new PortalInputError(`Invalid import file ${quoted(shown)}: top-level "${key}" is not a mapping; fix the file.`);
    top[key] = Object.fromEntries(Object.entries((value as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, v ?? {}]));
  }
  return { path, shown, format, services, top };
}

/** One spelling per key: environment and labels as mappings, env_file read into the environment. */
function normalised(
  raw: Record<string, unknown>,
  name: string,
  shown: string,
  root: string,
  path: string,
  env: ReadonlyMap<string, string>,
  seen: Substitution,
): RawService {
  const where = `service ${quoted(name)} in ${quoted(shown)}`;
  const out: RawService = { ...raw };
  for (const key of ['environment', 'labels'] as const) {
    if (raw[key] === undefined) continue;
    out[key] = asMapping(raw[key], `${key} of ${where}`);
  }
  if (raw.env_file !== undefined) {
    const list = typeof raw.env_file === 'string' ? [raw.env_file] : raw.env_file;
    if (!Array.isArray(list)) throw new PortalInputError(`Invalid ${where}: env_file must be a file or a list of files.`);
    const fromFiles: Record<string, string> = {};
    for (const item of list) {
      const file = typeof item === 'string' ? item : isRecord(item) && typeof item.path === 'string' ? item.path : undefined;
      if (!file) throw new PortalInputError(`Invalid ${where}: env_file entry ${quoted(item)} is not a file name.`);
      const full = resolve(dirname(path), file);
      const values = parseEnvFile(readInputFile(root, full, relative(root, full)), relative(root, full));
      for (const [key, value] of values) fromFiles[key] = value;
    }
    // `environment` wins over env_file; values of env_file are not substituted by compose
    out.environment = { ...fromFiles, ...((out.environment as Record<string, string | null>) ?? {}) };
    out.env_file = list.map(item => (typeof item === 'string' ? item : (item as { path: string }).path));
  }
  void seen;
  // a bare name takes its value from the environment compose runs in: here, the folder's .env only
  if (out.environment)
    out.environment = Object.fromEntries(
      Object.entries(out.environment as Record<string, string | null>).map(([key, value]) => [key, value ?? env.get(key) ?? null]),
    );
  if (raw.build !== undefined) {
    const build = typeof raw.build === 'string' ? { context: raw.build } : isRecord(raw.build) ? raw.build : undefined;
    if (!build) throw new PortalInputError(`Invalid ${where}: build must be a folder or a mapping with context.`);
    // a build without context only adds to the one it extends (a prod Dockerfile over the base's folder)
    out.build = build.context === undefined ? { ...build } : { ...build, context: relative(root, resolve(dirname(path), String(build.context))) || '.' };
  }
  if (raw.volumes !== undefined && !Array.isArray(raw.volumes)) throw new PortalInputError(`Invalid ${where}: volumes must be a list.`);
  for (const key of ['links', 'volumes_from', 'ports', 'expose']) {
    if (raw[key] !== undefined && !Array.isArray(raw[key])) throw new PortalInputError(`Invalid ${where}: ${key} must be a list.`);
  }
  if (raw.depends_on !== undefined)
    out.depends_on = Array.isArray(raw.depends_on) ? raw.depends_on.map(String) : isRecord(raw.depends_on) ? Object.keys(raw.depends_on) : [];
  if (raw.networks !== undefined)
    out.networks = Array.isArray(raw.networks) ? raw.networks.map(String) : isRecord(raw.networks) ? Object.keys(raw.networks) : [];
  if (raw.extends !== undefined) {
    const ext = typeof raw.extends === 'string' ? { service: raw.extends } : raw.extends;
    if (!isRecord(ext) || typeof ext.service !== 'string' || (ext.file !== undefined && typeof ext.file !== 'string')) {
      throw new PortalInputError(`Invalid ${where}: extends must name a service (and optionally its file).`);
    }
    out.extends = { service: ext.service, ...(ext.file ? { file: resolve(dirname(path), ext.file as string) } : {}) };
  }
  return out;
}

function asMapping(value: unknown, where: string): Record<string, string | null> {
  if (Array.isArray(value)) {
    return Object.fromEntries(
      value.map(item => {
        const text = String(item);
        const at = text.indexOf('=');
        return at < 0 ? [text, null] : [text.slice(0, at), text.slice(at + 1)];
      }),
    );
  }
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)]));
  if (value === null) return {};
  throw new PortalInputError(`Invalid ${where}: expected a list of NAME=value or a mapping.`);
}

function resolveExtends(file: ParsedFile, name: string, raw: RawService, parse: (path: string) => ParsedFile, chain: string[]): RawService {
  const ext = raw.extends as { service: string; file?: string } | undefined;
  if (!ext) return raw;
  const here = `${file.shown}#${name}`;
  if (chain.includes(here)) throw new PortalInputError(`Invalid import: extends loops (${[...chain, here].join(' -> ')}); break the cycle.`);
  const target = ext.file ? parse(ext.file) : file;
  const base = target.services[ext.service];
  if (!base)
    throw new PortalInputError(
      `Invalid service ${quoted(name)} in ${quoted(file.shown)}: extends ${quoted(ext.service)}${ext.file ? ` of ${quoted(target.shown)}` : ''}, which does not exist; name a service that file defines.`,
    );
  const resolvedBase = resolveExtends(target, ext.service, base, parse, [...chain, here]);
  const inherited = Object.fromEntries(Object.entries(resolvedBase).filter(([key]) => !NOT_EXTENDED.has(key)));
  const { extends: _dropped, ...own } = raw;
  return mergeService(inherited, own, false);
}

/** Compose's merge of one service over another: mappings by key, lists as sets, volumes by target, the rest replaced. */
export function mergeService(base: RawService, over: RawService, _override: boolean): RawService {
  const out: RawService = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const before = base[key];
    if (MAPPING_KEYS.has(key) && isRecord(before) && isRecord(value)) out[key] = { ...before, ...value };
    else if (
      (LIST_KEYS.has(key) || key === 'links' || key === 'volumes_from' || key === 'depends_on' || key === 'networks') &&
      Array.isArray(before) &&
      Array.isArray(value)
    ) {
      out[key] = [...before, ...value.filter(item => !before.some(old => JSON.stringify(old) === JSON.stringify(item)))];
    } else if (key === 'volumes' && Array.isArray(before) && Array.isArray(value)) {
      const target = (item: unknown) => (typeof item === 'string' ? volumeTarget(item) : isRecord(item) ? String(item.target) : '');
      const kept = before.filter(old => !value.some(item => target(item) === target(old)));
      out[key] = [...kept, ...value];
    } else out[key] = value;
  }
  return out;
}

/** The container path of a short volume entry (`src:/path:ro`, `/path`). */
export function volumeTarget(entry: string): string {
  const parts = entry.split(':');
  if (parts.length === 1) return parts[0]!;
  return parts.length >= 3 || !parts[1]!.startsWith('/') ? (parts[1]!.startsWith('/') ? parts[1]! : parts[0]!) : parts[1]!;
}

/** The first FROM of a build-only service's Dockerfile, when it is inside the folder (what the image starts from). */
function baseImage(root: string, build: Record<string, unknown>): string | undefined {
  const context = String(build.context ?? '.');
  if (context.startsWith('..') || context.startsWith('/')) return undefined;
  const file = resolve(root, context, String(build.dockerfile ?? 'Dockerfile'));
  try {
    const text = readInputFile(root, file, relative(root, file));
    return firstBaseImage(text);
  } catch (error) {
    if (error instanceof PortalInputError && /does not exist/.test(error.message)) return undefined;
    throw error;
  }
}
