/** The compose keys we emit, in compose's own snake_case, limited to what docker-compose 1.29 accepts. */
export interface ComposeService {
  image?: string;
  build?: { context: string; target?: string };
  pull_policy?: 'build' | 'always' | 'missing';
  user?: string;
  command?: string[];
  entrypoint?: string[];
  working_dir?: string;
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: (string | BindVolume)[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[]; interval: string; timeout: string; retries: number; start_period: string };
  /** A list, or a mapping where a network gives the container extra names. */
  networks?: string[] | Record<string, { aliases: string[] } | null>;
  restart?: string;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  mem_limit?: string;
  cpus?: string;
  pids_limit?: number;
  init?: boolean;
  stop_grace_period?: string;
  logging?: { driver: string; options: Record<string, string> };
  labels?: string[];
  profiles?: string[];
}

/** The long form of a bind mount: unlike `./src:/app`, a missing source is an error, not a folder made empty. */
export interface BindVolume {
  type: 'bind';
  source: string;
  target: string;
  read_only?: boolean;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  networks?: Record<string, { internal?: boolean; name?: string; external?: boolean }>;
  volumes?: Record<string, { driver?: string; driver_opts?: Record<string, string> } | null>;
  secrets?: Record<string, { file: string }>;
}
