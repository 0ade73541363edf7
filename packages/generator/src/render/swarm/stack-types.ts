/** The keys of compose file format 3.9 that our stack files use, as `docker stack deploy` reads them. */
import type { ComposeService } from '../../catalog/compose-types.js';

/** A mount in the long syntax: the only one that can say tmpfs (the `tmpfs:` key is not passed to Swarm). */
export type StackVolume =
  | string
  | { type: 'tmpfs'; target: string; tmpfs?: { size: number } }
  | { type: 'volume'; target: string }
  | { type: 'bind'; source: string; target: string; read_only: true };

/** A Swarm config or secret mounted as a file. */
export interface FileReference {
  source: string;
  target: string;
  mode?: number;
}

export interface Deploy {
  mode?: 'replicated' | 'replicated-job';
  replicas?: number;
  labels?: string[];
  resources: { limits: { cpus: string; memory: string; pids: number }; reservations?: { memory: string } };
  restart_policy: { condition: 'any' | 'on-failure'; delay: string; max_attempts?: number };
  placement?: { constraints: string[] };
  update_config?: { parallelism: number; order: 'start-first' | 'stop-first'; failure_action: 'rollback'; monitor: string };
}

export interface StackService {
  image: string;
  hostname?: string;
  user?: string;
  entrypoint?: string[];
  command?: string[];
  environment?: Record<string, string>;
  volumes?: StackVolume[];
  configs?: FileReference[];
  secrets?: string[];
  read_only?: true;
  /** `disable` for a job: Swarm kills a task whose image healthcheck fails, and a job serves nothing. */
  healthcheck?: NonNullable<ComposeService['healthcheck']> | { disable: true };
  networks: ComposeService['networks'];
  labels?: string[];
  cap_drop: string[];
  cap_add?: string[];
  logging: NonNullable<ComposeService['logging']>;
  ports?: { target: number; published: number; protocol: 'tcp'; mode: 'host' }[];
  deploy: Deploy;
}

export interface StackFile {
  version: '3.9';
  services: Record<string, StackService>;
  networks: Record<string, { driver?: 'overlay'; internal?: true; attachable?: true; external?: true; name?: string }>;
  volumes?: Record<string, { driver?: string; driver_opts?: Record<string, string> } | null>;
  secrets?: Record<string, { name: string; file: string }>;
  configs?: Record<string, { name: string; file: string }>;
}
