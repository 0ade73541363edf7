/**
 * Test helper: base + override merged from the parsed files, as docker-compose 1.29's `config` prints them,
 * for the forms the generated files use (and the checklist's planted faults add). It lets the planted-fault
 * tests run the checklist on the parsed model without one compose process per fault; a test holds it equal
 * to the real `docker-compose config` on generated repos. Read: docker-compose 1.29.2 (Debian 1.29.2-3),
 * compose/config/config.py (process_service, merge_service_dicts) and serialize.py (denormalize_service_dict).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import type { ComposeModel } from '../checklist/repo-view.js';
import { interpolateTree, parseEnvFile } from 'generator-portal/import/interpolate.js';

type Service = Record<string, unknown>;
type Mapping = Record<string, unknown>;
const isMapping = (value: unknown): value is Mapping => value !== null && typeof value === 'object' && !Array.isArray(value);

/** `KEY=VALUE` lists and mappings alike as a mapping (environment, labels). */
const asMapping = (value: unknown): Mapping =>
  Array.isArray(value)
    ? Object.fromEntries(
        value.map(String).map(item => (item.includes('=') ? [item.slice(0, item.indexOf('=')), item.slice(item.indexOf('=') + 1)] : [item, null])),
      )
    : { ...((value as Mapping) ?? {}) };

const sortedUnique = (values: unknown[]): string[] => [...new Set(values.map(String))].sort();
const abs = (root: string, path: string) => (isAbsolute(path) ? path : join(root, path)).replace(/\/$/, '');

/** A short volume as `source:target:mode` (mode rw unless given), a bind's source made absolute; long ones kept. */
function volume(root: string, entry: unknown): unknown {
  if (isMapping(entry)) return entry.type === 'bind' && typeof entry.source === 'string' ? { ...entry, source: abs(root, entry.source) } : entry;
  const [source, target, mode] = String(entry).split(':');
  if (target === undefined) return source;
  const host = /^[./~]/.test(source!) ? abs(root, source!) : source;
  return `${host}:${target}:${mode ?? 'rw'}`;
}
const volumeTarget = (entry: unknown) => (isMapping(entry) ? String(entry.target) : (String(entry).split(':')[1] ?? String(entry)));

/** `ip:published:target` as that string with its protocol (tcp unless given); without an address, the long form of what was given. */
function port(entry: unknown): unknown {
  if (isMapping(entry)) return entry;
  const [spec, protocol] = String(entry).split('/');
  const parts = spec!.split(':');
  const target = Number(parts.at(-1));
  if (parts.length === 3) return `${parts[0]}:${parts[1]}:${target}/${protocol ?? 'tcp'}`;
  return { target, ...(parts.length === 2 ? { published: Number(parts[0]) } : {}), ...(protocol ? { protocol } : {}) };
}
const portTarget = (entry: unknown) => (typeof entry === 'string' ? Number(entry.split('/')[0]!.split(':').at(-1)) : Number((entry as Mapping).target));

const NS: Record<string, number> = { us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
/** A duration as compose prints it again: in the largest unit that keeps it whole (90s stays 90s, 60s is 1m). */
function duration(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  let ns = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)) ns += Number(amount) * NS[unit!]!;
  let value = ns;
  let unit = 'ns';
  for (const [next, factor] of [
    ['us', 1000],
    ['ms', 1000],
    ['s', 1000],
    ['m', 60],
    ['h', 60],
  ] as const) {
    if (value % factor !== 0) break;
    value /= factor;
    unit = next;
  }
  return `${value}${unit}`;
}

/** One file's service in compose's normal form. */
function normal(root: string, raw: Service): Service {
  const s: Service = { ...raw };
  if (s.environment !== undefined)
    s.environment = Object.fromEntries(Object.entries(asMapping(s.environment)).map(([k, v]) => [k, v === null ? v : String(v)]));
  if (s.labels !== undefined) s.labels = Object.fromEntries(Object.entries(asMapping(s.labels)).map(([k, v]) => [k, v === null ? '' : String(v)]));
  if (Array.isArray(s.networks)) s.networks = Object.fromEntries(s.networks.map(n => [String(n), {}]));
  if (Array.isArray(s.depends_on)) s.depends_on = Object.fromEntries(s.depends_on.map(n => [String(n), { condition: 'service_started' }]));
  if (Array.isArray(s.secrets)) s.secrets = s.secrets.map(x => (typeof x === 'string' ? { source: x } : x));
  if (Array.isArray(s.volumes)) s.volumes = s.volumes.map(v => volume(root, v));
  if (Array.isArray(s.ports)) s.ports = s.ports.map(port);
  if (typeof s.tmpfs === 'string') s.tmpfs = [s.tmpfs];
  if (s.cpus !== undefined) s.cpus = Number(s.cpus);
  if (typeof s.build === 'string') s.build = { context: s.build };
  if (isMapping(s.build) && typeof s.build.context === 'string') s.build = { ...s.build, context: abs(root, s.build.context) };
  if (isMapping(s.healthcheck)) {
    const check = { ...s.healthcheck };
    for (const key of ['interval', 'timeout', 'start_period']) if (key in check) check[key] = duration(check[key]);
    s.healthcheck = check;
  }
  delete s.pull_policy;
  return s;
}

/** compose's merge_service_dicts for the keys our files hold: mappings by key, lists as compose merges each. */
function merge(base: Service, over: Service): Service {
  const out: Service = { ...base, ...over };
  for (const key of ['environment', 'labels', 'depends_on'])
    if (key in base || key in over) out[key] = { ...(base[key] as Mapping), ...(over[key] as Mapping) };
  if ('networks' in base || 'networks' in over) {
    const names = new Set([...Object.keys((base.networks as Mapping) ?? {}), ...Object.keys((over.networks as Mapping) ?? {})]);
    out.networks = Object.fromEntries(
      [...names].map(n => [n, { ...((base.networks as Mapping)?.[n] as Mapping), ...((over.networks as Mapping)?.[n] as Mapping) }]),
    );
  }
  if ('secrets' in base || 'secrets' in over) {
    const bySource = new Map([...((base.secrets as Mapping[]) ?? []), ...((over.secrets as Mapping[]) ?? [])].map(x => [String(x.source), x]));
    out.secrets = [...bySource.keys()].sort().map(k => bySource.get(k));
  }
  if ('security_opt' in base || 'security_opt' in over)
    out.security_opt = sortedUnique([...((base.security_opt as unknown[]) ?? []), ...((over.security_opt as unknown[]) ?? [])]);
  for (const key of ['cap_add', 'cap_drop', 'expose', 'profiles'])
    if (key in base || key in over) out[key] = sortedUnique([...((base[key] as unknown[]) ?? []), ...((over[key] as unknown[]) ?? [])]);
  for (const key of ['dns', 'tmpfs']) if (key in base || key in over) out[key] = [...((base[key] as unknown[]) ?? []), ...((over[key] as unknown[]) ?? [])];
  if ('volumes' in base || 'volumes' in over) {
    const byTarget = new Map([...((base.volumes as unknown[]) ?? []), ...((over.volumes as unknown[]) ?? [])].map(v => [volumeTarget(v), v]));
    out.volumes = [...byTarget.keys()].sort().map(k => byTarget.get(k));
  }
  if ('ports' in base || 'ports' in over)
    out.ports = [...((base.ports as unknown[]) ?? []), ...((over.ports as unknown[]) ?? [])].sort((a, b) => portTarget(a) - portTarget(b));
  if (isMapping(base.logging) && isMapping(over.logging)) {
    const sameDriver = over.logging.driver === undefined || over.logging.driver === base.logging.driver;
    out.logging = {
      ...base.logging,
      ...over.logging,
      ...(sameDriver ? { options: { ...(base.logging.options as Mapping), ...(over.logging.options as Mapping) } } : {}),
    };
  }
  if (isMapping(base.healthcheck) && isMapping(over.healthcheck) && over.healthcheck.disabled !== true)
    out.healthcheck = { ...base.healthcheck, ...over.healthcheck };
  if (isMapping(base.build) && isMapping(over.build)) out.build = { ...base.build, ...over.build };
  if (isMapping(base.deploy) && isMapping(over.deploy)) out.deploy = { ...base.deploy, ...over.deploy };
  return out;
}

/** Every string with `$` written `$$`, as compose's config prints it (escape_dollar). */
const escaped = (node: unknown): unknown =>
  typeof node === 'string'
    ? node.replaceAll('$', () => '$$')
    : Array.isArray(node)
      ? node.map(escaped)
      : isMapping(node)
        ? Object.fromEntries(Object.entries(node).map(([k, v]) => [k, escaped(v)]))
        : node;

export function parsedComposeConfig(root: string, override: string): ComposeModel {
  const env = parseEnvFile(readFileSync(join(root, '.env.example'), 'utf8'), '.env.example');
  const files = ['docker-compose.yml', override].map(file => {
    const data = (parse(readFileSync(join(root, file), 'utf8'), { version: '1.1', merge: true }) ?? {}) as Mapping;
    return interpolateTree(data, env, file, { unset: new Set() }) as Mapping;
  });
  // compose merges every service of either file, one present in only one of them with an empty one
  const [base, over] = files.map(file =>
    Object.fromEntries(Object.entries((file.services as Record<string, Service>) ?? {}).map(([name, raw]) => [name, normal(root, raw ?? {})])),
  );
  const services: Record<string, Service> = {};
  for (const name of new Set([...Object.keys(base!), ...Object.keys(over!)])) services[name] = merge(base![name] ?? {}, over![name] ?? {});
  const top: Record<string, Mapping> = { networks: {}, volumes: {}, secrets: {} };
  for (const file of files) {
    for (const key of Object.keys(top)) {
      for (const [name, value] of Object.entries((file[key] as Mapping) ?? {})) {
        const entry: Mapping = { ...(top[key]![name] as Mapping), ...((value as Mapping) ?? {}) };
        if (key === 'secrets' && typeof entry.file === 'string') entry.file = abs(root, entry.file);
        top[key]![name] = entry;
      }
    }
  }
  const version = files
    .map(file => file.version)
    .filter(v => v !== undefined)
    .at(-1);
  const model: Mapping = { services, version: version === undefined ? '3.9' : String(version) };
  for (const [key, value] of Object.entries(top)) if (Object.keys(value).length > 0) model[key] = value;
  return escaped(model) as ComposeModel;
}
