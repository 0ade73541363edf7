/**
 * What the rules read, loaded once per repo: files, parsed YAML, and the merged compose models printed by
 * the real compose tool (docker-compose 1.29, or `docker compose` v2), whose formats the accessors hide.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { composeCommand, ComposeRenders } from '../checks/compose-config.js';
import { repoFiles } from '../checks/repo-files.js';

export type Environment = 'dev' | 'prod';
const OVERRIDE: Record<Environment, string> = { dev: 'docker-compose.override.yml', prod: 'docker-compose.prod.yml' };

export type ComposeService = Record<string, unknown>;
export interface ComposeModel {
  readonly services: Record<string, ComposeService>;
  readonly networks?: Record<string, { internal?: boolean } | null>;
  readonly secrets?: Record<string, unknown>;
  readonly volumes?: Record<string, unknown>;
}

/** base + one override merged: by the compose tool here; the planted-fault tests pass a parsed merge. */
export type ComposeMerge = (root: string, override: string) => Promise<ComposeModel>;

export class RepoView {
  private readonly merged = new Map<Environment, Promise<ComposeModel>>();

  constructor(
    readonly root: string,
    private readonly merge: ComposeMerge = mergedCompose(new ComposeRenders()),
  ) {}

  exists(path: string): boolean {
    return existsSync(join(this.root, path));
  }

  read(path: string): string {
    return readFileSync(join(this.root, path), 'utf8');
  }

  readOr(path: string, fallback = ''): string {
    return this.exists(path) ? this.read(path) : fallback;
  }

  yaml<T = Record<string, unknown>>(path: string): T {
    return parse(this.read(path), { merge: true }) as T;
  }

  /** Repo files (relative paths) whose path matches, in a stable order; links are passed over. */
  files(pattern: RegExp): string[] {
    return repoFiles(this.root, path => pattern.test(path));
  }

  get hasCompose(): boolean {
    return this.exists('docker-compose.yml');
  }

  /** base + override (dev) or base + prod, as the compose tool merges and interpolates them with .env.example. */
  compose(env: Environment): Promise<ComposeModel> {
    let model = this.merged.get(env);
    if (!model) {
      model = this.merge(this.root, OVERRIDE[env]);
      this.merged.set(env, model);
    }
    return model;
  }
}

export class ComposeToolMissing extends Error {}

/** The compose tool's merge, rendered through `renders` (one verify run's, shared with the compose checks). */
export const mergedCompose =
  (renders: ComposeRenders): ComposeMerge =>
  async (root, override) => {
    const command = composeCommand();
    if (!command) throw new ComposeToolMissing('docker-compose (or docker compose) is needed to merge the compose files');
    const run = await renders.config(command, root, ['--env-file', '.env.example', '-f', 'docker-compose.yml', '-f', override]);
    if (run.code !== 0) throw new Error(`compose config failed: ${run.output.split('\n')[0]}`);
    return parse(run.stdout) as ComposeModel;
  };

/** A volume entry in either short (`src:dst:ro`) or long (`{type, source, target, read_only}`) form. */
export interface VolumeEntry {
  readonly source: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly bind: boolean;
}

export function volumesOf(service: ComposeService): VolumeEntry[] {
  return ((service.volumes as unknown[]) ?? []).map(entry => {
    if (typeof entry === 'string') {
      const parts = entry.split(':');
      const source = parts.length > 1 ? parts[0]! : '';
      const target = parts.length > 1 ? parts[1]! : parts[0]!;
      return { source, target, readOnly: parts[2]?.split(',').includes('ro') ?? false, bind: /^[./~]/.test(source) };
    }
    const long = entry as { type?: string; source?: string; target?: string; read_only?: boolean };
    return { source: long.source ?? '', target: long.target ?? '', readOnly: long.read_only === true, bind: long.type === 'bind' };
  });
}

/** A published port in either form: host address, host port, container port. */
export interface PortEntry {
  readonly hostIp: string;
  readonly published: number;
  readonly target: number;
}

export function portsOf(service: ComposeService): PortEntry[] {
  return ((service.ports as unknown[]) ?? []).map(entry => {
    if (typeof entry === 'string' || typeof entry === 'number') {
      const parts = String(entry).split(':');
      const target = Number(parts.at(-1)!.split('/')[0]);
      const published = parts.length >= 2 ? Number(parts.at(-2)) : target;
      return { hostIp: parts.length === 3 ? parts[0]! : '', published, target };
    }
    const long = entry as { host_ip?: string; published?: string | number; target?: number };
    return { hostIp: long.host_ip ?? '', published: Number(long.published ?? long.target), target: Number(long.target) };
  });
}

export const listOf = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : value && typeof value === 'object' ? Object.keys(value) : []);

/** labels as a map, whichever form the file used (docker-compose config prints a mapping). */
export function labelsOf(service: ComposeService): Record<string, string> {
  const labels = service.labels;
  if (Array.isArray(labels)) return Object.fromEntries(labels.map(String).map(line => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  return Object.fromEntries(Object.entries((labels as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v ?? '')]));
}

/** environment as a map, whichever form the file used. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment;
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map(String).map(line => [line.split('=')[0]!, line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries((env as Record<string, unknown>) ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
}
