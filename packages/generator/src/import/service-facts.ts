/**
 * What one merged compose service says, in one typed shape: the mapping reads only this. Short and long
 * syntaxes (ports, volumes, links, healthcheck, command) end up alike here.
 */
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import type { RawService } from './compose-load.js';

export interface PortMapping {
  readonly container: number;
  /** The last container port of a range ("8000-8100"); the range is one mapping, never expanded. */
  readonly last?: number;
  /** Host port or range ("8000-8100"), as written. */
  readonly published?: string;
  readonly hostIp?: string;
  /** "udp" or "sctp" when not TCP: such a port is no app port (probes, routes and dev publish TCP). */
  readonly protocol?: string;
}

export interface VolumeMount {
  readonly kind: 'named' | 'bind' | 'anonymous';
  /** Volume name or host path (bind). */
  readonly source?: string;
  readonly target: string;
  readonly readOnly: boolean;
}

export interface ServiceFacts {
  readonly name: string;
  readonly image?: string;
  /** Build context when the service is built (relative to the deployment's folder). */
  readonly build?: string;
  /** The image a build-only service's Dockerfile starts FROM. */
  readonly buildFrom?: string;
  readonly command?: readonly string[];
  readonly entrypoint?: readonly string[];
  /** Variables in order; null when the value comes from the shell. */
  readonly environment: ReadonlyMap<string, string | null>;
  readonly ports: readonly PortMapping[];
  readonly expose: readonly number[];
  readonly volumes: readonly VolumeMount[];
  readonly volumesFrom: readonly string[];
  /** Link target -> the host name the service dials it by. */
  readonly links: ReadonlyMap<string, string>;
  readonly dependsOn: readonly string[];
  readonly labels: ReadonlyMap<string, string>;
  readonly networks: readonly string[];
  readonly secrets: readonly string[];
  readonly user?: string;
  readonly healthcheck?: { readonly test?: readonly string[] | string; readonly disable?: boolean };
  readonly raw: RawService;
}

const words = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  // compose splits a string command like a shell: quotes group words
  const text = String(value);
  const out: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) out.push(match[1] ?? match[2] ?? match[3]!);
  return out;
};

function port(value: string, where: string): number {
  const number = Number(value);
  if (!/^\d{1,5}$/.test(value) || number < 1 || number > 65535) throw new PortalInputError(`Invalid ${where}: ${quoted(value)} is no port; use 1 to 65535.`);
  return number;
}

/** "8000" or "8000-8010" as its first and last port; a reversed range or a port out of 1-65535 is refused. */
function portRange(text: string, where: string, spec: string): [number, number] {
  const [from, to = from] = text.split('-');
  const bad = (why: string): never => {
    throw new PortalInputError(`Invalid ports of ${where}: ${quoted(spec)}: ${why}.`);
  };
  const valid = (value: string) => /^\d{1,5}$/.test(value) && Number(value) >= 1 && Number(value) <= 65535;
  if (!valid(from!) || !valid(to!) || text.split('-').length > 2) bad(`${quoted(text)} is no port; use 1 to 65535, or a range low-high`);
  if (Number(to) < Number(from)) bad(`the range ${quoted(text)} ends before it starts; write it low-high (as compose requires)`);
  return [Number(from), Number(to)];
}

function portMappings(raw: unknown[], where: string): PortMapping[] {
  return raw.flatMap((item): PortMapping[] => {
    if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const protocol = record.protocol === undefined ? 'tcp' : String(record.protocol).toLowerCase();
      const spec = `target ${String(record.target)}${record.published !== undefined ? `, published ${String(record.published)}` : ''}`;
      if (record.published !== undefined && String(record.published) !== '') portRange(String(record.published), where, spec);
      return [
        {
          container: port(String(record.target), `ports of ${where}`),
          ...(record.published !== undefined ? { published: String(record.published) } : {}),
          ...(record.host_ip ? { hostIp: String(record.host_ip) } : {}),
          ...(protocol !== 'tcp' ? { protocol } : {}),
        },
      ];
    }
    const spec = String(item);
    const protocol = /\/([a-z]+)$/i.exec(spec)?.[1]?.toLowerCase() ?? 'tcp';
    const text = spec.replace(/\/[a-z]+$/i, '');
    const parts = text.split(':');
    const container = parts.at(-1)!;
    const published = parts.length >= 2 ? parts.at(-2) : undefined;
    const hostIp = parts.length === 3 ? parts[0] : undefined;
    const common = { ...(published ? { published } : {}), ...(hostIp ? { hostIp } : {}), ...(protocol !== 'tcp' ? { protocol } : {}) };
    const [first, last] = portRange(container, where, spec);
    if (published) {
      const [low, high] = portRange(published, where, spec);
      // compose (docker's nat.ParsePortSpec): a host range for one container port is a pool; two ranges map one to one
      if (last > first && high - low !== last - first)
        throw new PortalInputError(
          `Invalid ports of ${where}: ${quoted(spec)}: it maps ${high - low + 1} host ports to ${last - first + 1} container ports; give both ranges the same size.`,
        );
    }
    return [{ container: first, ...(last > first ? { last } : {}), ...common }];
  });
}

/** "8000" or "8000-8100": how the report names a mapping's container side. */
export const containerPorts = (p: PortMapping): string => (p.last ? `${p.container}-${p.last}` : String(p.container));

function volumeMounts(raw: unknown[], where: string): VolumeMount[] {
  return raw.map((item): VolumeMount => {
    if (item !== null && typeof item === 'object') {
      const record = item as Record<string, unknown>;
      const type = String(record.type ?? 'volume');
      const target = String(record.target ?? '');
      if (!target.startsWith('/')) throw new PortalInputError(`Invalid volumes of ${where}: ${quoted(target)} is no container path.`);
      const source = record.source === undefined ? undefined : String(record.source);
      const kind = type === 'bind' ? 'bind' : source ? 'named' : 'anonymous';
      return { kind, ...(source ? { source } : {}), target, readOnly: record.read_only === true };
    }
    const text = String(item);
    const parts = text.split(':');
    if (parts.length === 1) return { kind: 'anonymous', target: parts[0]!, readOnly: false };
    const [source, target, mode = ''] = parts;
    if (!target!.startsWith('/')) throw new PortalInputError(`Invalid volumes of ${where}: ${quoted(text)} has no container path; write source:/path.`);
    const kind = /^[./~]/.test(source!) ? 'bind' : 'named';
    return { kind, source: source!, target: target!, readOnly: mode.split(',').includes('ro') };
  });
}

export function serviceFacts(name: string, raw: RawService): ServiceFacts {
  const where = `service ${quoted(name)}`;
  const list = (key: string): unknown[] => (Array.isArray(raw[key]) ? (raw[key] as unknown[]) : []);
  const build =
    raw.build === undefined ? undefined : typeof raw.build === 'string' ? raw.build : String((raw.build as Record<string, unknown>)?.context ?? '.');
  const links = new Map<string, string>();
  for (const link of list('links')) {
    const [target, alias] = String(link).split(':');
    links.set(target!, alias ?? target!);
  }
  const health = raw.healthcheck as { test?: unknown; disable?: unknown } | undefined;
  return {
    name,
    ...(typeof raw.image === 'string' && raw.image !== '' ? { image: raw.image } : {}),
    ...(build !== undefined ? { build } : {}),
    ...(typeof raw['x-from'] === 'string' ? { buildFrom: raw['x-from'] } : {}),
    ...(words(raw.command) ? { command: words(raw.command)! } : {}),
    ...(words(raw.entrypoint) ? { entrypoint: words(raw.entrypoint)! } : {}),
    environment: new Map(Object.entries((raw.environment as Record<string, string | null>) ?? {})),
    ports: portMappings(list('ports'), where),
    expose: list('expose').map(item => port(String(item).replace(/\/(tcp|udp)$/, ''), `expose of ${where}`)),
    volumes: volumeMounts(list('volumes'), where),
    volumesFrom: list('volumes_from').map(item =>
      String(item)
        .replace(/^container:/, '')
        .replace(/:(ro|rw)$/, ''),
    ),
    links,
    dependsOn: list('depends_on').map(String),
    labels: new Map(Object.entries((raw.labels as Record<string, string | null>) ?? {}).map(([k, v]) => [k, v ?? ''])),
    networks: list('networks').map(String),
    secrets: list('secrets').map(item => (item !== null && typeof item === 'object' ? String((item as Record<string, unknown>).source) : String(item))),
    ...(raw.user !== undefined ? { user: String(raw.user) } : {}),
    ...(health
      ? {
          healthcheck: {
            ...(health.test !== undefined ? { test: Array.isArray(health.test) ? health.test.map(String) : String(health.test) } : {}),
            ...(health.disable === true ? { disable: true } : {}),
          },
        }
      : {}),
    raw,
  };
}
