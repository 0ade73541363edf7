/**
 * The merged compose model the smoke run boots: `docker-compose config` resolves the files, the env file and
 * every `${VAR}`, so the harness starts exactly what `docker-compose up` would.
 */
import { parse } from 'yaml';
import { firstLines, runTool } from '@generator-portal/verifier/checks/run-tool.js';

export interface ComposeService {
  readonly name: string;
  readonly image: string;
  /** Build context folder (absolute), for images the repo builds itself. */
  readonly build?: { readonly context: string; readonly target?: string; readonly dockerfile?: string };
  readonly entrypoint?: readonly string[];
  readonly command?: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  /** `source:target[:mode]` with absolute host paths or named volumes, as `config` prints them. */
  readonly volumes: readonly string[];
  /** Secret name and where it is mounted (an absolute path). */
  readonly secrets: readonly { readonly source: string; readonly target: string }[];
  readonly tmpfs: readonly string[];
  /** `[ip:]published:target[/proto]` */
  readonly ports: readonly string[];
  readonly user?: string;
  readonly workingDir?: string;
  readonly hostname?: string;
  readonly stopSignal?: string;
  readonly readOnly: boolean;
  readonly healthcheck?: readonly string[];
  /** How long compose gives the healthcheck before the service counts as unhealthy (start_period + retries × interval). */
  readonly healthDeadlineMs: number;
  readonly healthTimeoutMs: number;
  readonly dependsOn: Readonly<Record<string, string>>;
  /** The compose networks it joins (their keys in `ComposeStack.networks`). */
  readonly networks: readonly string[];
  /** What would give it the host: privileged, host namespaces, devices (checked by safety.ts). */
  readonly hostAccess: readonly string[];
}

export interface ComposeStack {
  readonly project: string;
  readonly services: readonly ComposeService[];
  /** Secret name -> host file. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly volumes: readonly string[];
  /** Network key -> the engine's name for it and whether compose made it `internal` (no way out). */
  readonly networks: Readonly<Record<string, { readonly name: string; readonly internal: boolean; readonly external: boolean }>>;
  /** Volumes the local driver binds to a host folder (`driver_opts.device`), as bind storage does. */
  readonly volumeDevices: Readonly<Record<string, string>>;
}

type Raw = Record<string, unknown>;

/** A string command is split as compose does (no shell): on blanks, keeping quoted parts together. */
const argv = (value: unknown): string[] | undefined => {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String);
  return [...String(value).matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(m => m[1] ?? m[2] ?? m[3]!);
};

/** Volumes in short syntax; long-syntax ones become `source:target:mode`, and tmpfs ones `tmpfs:target`. */
const volumeEntries = (value: unknown): string[] =>
  (Array.isArray(value) ? value : []).map(v => {
    if (typeof v !== 'object' || v === null) return String(v);
    const entry = v as Raw;
    if (entry.type === 'tmpfs')
      return `tmpfs:${String(entry.target)}${(entry.tmpfs as Raw | undefined)?.size ? `:size=${String((entry.tmpfs as Raw).size)}` : ''}`;
    return `${String(entry.source)}:${String(entry.target)}:${entry.read_only ? 'ro' : 'rw'}`;
  });

/** Compose durations: `1m30s`, `40s`, `500ms`. */
const duration = (value: unknown, fallback: number): number => {
  if (typeof value !== 'string') return fallback;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001 };
  const parts = [...value.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  return parts.length ? parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0) : fallback;
};

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value ? [String(value)] : []);

function service(name: string, raw: Raw): ComposeService {
  const build = raw.build as Raw | undefined;
  const health = raw.healthcheck as Raw | undefined;
  const depends = (raw.depends_on ?? {}) as Record<string, Raw> | string[];
  const environment = Object.fromEntries(Object.entries((raw.environment ?? {}) as Raw).map(([k, v]) => [k, v === null ? '' : String(v)]));
  return {
    name,
    image: String(raw.image ?? ''),
    ...(build
      ? {
          build: {
            context: String(build.context),
            ...(build.target ? { target: String(build.target) } : {}),
            ...(build.dockerfile ? { dockerfile: String(build.dockerfile) } : {}),
          },
        }
      : {}),
    ...(raw.entrypoint !== undefined ? { entrypoint: argv(raw.entrypoint)! } : {}),
    ...(raw.command !== undefined ? { command: argv(raw.command)! } : {}),
    environment,
    volumes: volumeEntries(raw.volumes).filter(v => !v.startsWith('tmpfs:')),
    secrets: (Array.isArray(raw.secrets) ? raw.secrets : []).map(s => {
      const source = typeof s === 'string' ? s : String((s as Raw).source);
      const target = typeof s === 'string' ? source : String((s as Raw).target ?? source);
      return { source, target: target.startsWith('/') ? target : `/run/secrets/${target}` };
    }),
    tmpfs: [
      ...strings(raw.tmpfs),
      ...volumeEntries(raw.volumes)
        .filter(v => v.startsWith('tmpfs:'))
        .map(v => v.slice('tmpfs:'.length)),
    ],
    ports: (Array.isArray(raw.ports) ? raw.ports : []).map(p => (typeof p === 'object' && p ? `${(p as Raw).published}:${(p as Raw).target}` : String(p))),
    ...(raw.user !== undefined ? { user: String(raw.user) } : {}),
    ...(raw.working_dir !== undefined ? { workingDir: String(raw.working_dir) } : {}),
    ...(raw.hostname !== undefined ? { hostname: String(raw.hostname) } : {}),
    ...(raw.stop_signal !== undefined ? { stopSignal: String(raw.stop_signal) } : {}),
    readOnly: raw.read_only === true,
    hostAccess: [
      ...(raw.privileged === true ? ['privileged: true'] : []),
      ...(['network_mode', 'pid', 'ipc', 'userns_mode', 'uts', 'cgroup'] as const).filter(key => raw[key] === 'host').map(key => `${key}: host`),
      ...(Array.isArray(raw.devices) && raw.devices.length > 0 ? [`devices: ${raw.devices.map(String).join(', ')}`] : []),
    ],
    // a string test is run by the shell, as CMD-SHELL
    ...(health && !health.disable && health.test ? { healthcheck: typeof health.test === 'string' ? ['CMD-SHELL', health.test] : strings(health.test) } : {}),
    // failures in start_period do not count; then `retries` more, one per interval (compose's defaults otherwise)
    healthDeadlineMs: duration(health?.start_period, 0) + Number(health?.retries ?? 3) * duration(health?.interval, 30_000),
    healthTimeoutMs: duration(health?.timeout, 30_000),
    dependsOn: Array.isArray(depends)
      ? Object.fromEntries(depends.map(d => [d, 'service_started']))
      : Object.fromEntries(Object.entries(depends).map(([d, v]) => [d, String(v?.condition ?? 'service_started')])),
    networks: Array.isArray(raw.networks) ? raw.networks.map(String) : Object.keys((raw.networks ?? { default: null }) as Raw),
  };
}

/** `docker-compose config` of the given files; throws with compose's own message when it refuses them. */
export async function loadStack(repo: string, files: readonly string[], envFile: string, project: string, env: NodeJS.ProcessEnv): Promise<ComposeStack> {
  const run = await runTool('docker-compose', ['--project-directory', repo, '-p', project, '--env-file', envFile, ...files.flatMap(f => ['-f', f]), 'config'], {
    cwd: repo,
    env,
  });
  if (run.code !== 0) throw new Error(`docker-compose config failed: ${firstLines(run.output)}`);
  const doc = parse(run.stdout) as Raw;
  // `up` without a profile leaves the services kept under one (the alternatives) stopped, and so does the run
  const services = Object.entries((doc.services ?? {}) as Record<string, Raw>)
    .filter(([, raw]) => !Array.isArray(raw.profiles) || raw.profiles.length === 0)
    .map(([name, raw]) => service(name, raw));
  const secrets = Object.fromEntries(Object.entries((doc.secrets ?? {}) as Record<string, Raw>).map(([name, raw]) => [name, String(raw.file)]));
  const volumes = (doc.volumes ?? {}) as Record<string, Raw | null>;
  const volumeDevices = Object.fromEntries(
    Object.entries(volumes).flatMap(([name, raw]) => {
      const device = (raw?.driver_opts as Raw | undefined)?.device;
      return typeof device === 'string' ? [[name, device]] : [];
    }),
  );
  const networks = Object.fromEntries(
    Object.entries((doc.networks ?? {}) as Record<string, Raw | null>).map(([key, raw]) => [
      key,
      {
        name: typeof raw?.name === 'string' ? raw.name : raw?.external ? key : `${project}_${key}`,
        internal: raw?.internal === true,
        external: Boolean(raw?.external),
      },
    ]),
  );
  return { project, services, secrets, networks, volumes: Object.keys(volumes), volumeDevices };
}

/** Compose's `$$` escape, as the container's shell sees it. */
export const unescape = (text: string): string => text.replaceAll('$$', '$');

/** Services in an order that honours depends_on (compose starts dependencies first). */
export function startOrder(services: readonly ComposeService[]): ComposeService[] {
  const byName = new Map(services.map(s => [s.name, s]));
  const done = new Set<string>();
  const order: ComposeService[] = [];
  const visit = (s: ComposeService, path: string[]) => {
    if (done.has(s.name)) return;
    if (path.includes(s.name)) throw new Error(`depends_on cycle: ${[...path, s.name].join(' -> ')}`);
    for (const dep of Object.keys(s.dependsOn).sort()) {
      const target = byName.get(dep);
      if (target) visit(target, [...path, s.name]);
    }
    done.add(s.name);
    order.push(s);
  };
  for (const s of services) visit(s, []);
  return order;
}
