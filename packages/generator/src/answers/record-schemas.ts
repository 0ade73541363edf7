/**
 * JSON Schemas of the answers that are lists or records (apps, folders, instances, contracts, the
 * database server): the shape their validators in this folder check, shipped in schema/yo-rc.schema.json.
 */
import { ROOT_START_CAPABILITIES } from './app-contract.js';
import { RESERVED_INSTANCES } from './extras.js';
import { EXTENSIONS, RESERVED_DATABASES, ROTATIONS } from './postgres-answers.js';
import { EVICTION_POLICIES } from './redis-settings.js';

type JsonSchema = Readonly<Record<string, unknown>>;

/** The keys of an app's contract, shared by apps and a prebuilt backend. */
const CONTRACT_PROPERTIES: Readonly<Record<string, JsonSchema>> = {
  settings: {
    type: 'object',
    maxProperties: 100,
    propertyNames: {
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    },
    additionalProperties: {
      type: 'string',
      maxLength: 512,
    },
    description:
      "Variables the app reads, by its own names: values or templates over the stores' fields, e.g. postgresql://{postgis.user}:{postgis.password}@{postgis.host}:{postgis.port}/{postgis.db}; {secret} draws a secret of the app's own, {domain} is the deployment's domain",
  },
  fileSettings: {
    type: 'array',
    maxItems: 100,
    uniqueItems: true,
    items: {
      type: 'string',
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    },
    description: 'Settings the app reads from a file, as <NAME>_FILE (each exactly one secret)',
  },
  devSettings: {
    type: 'object',
    maxProperties: 100,
    propertyNames: {
      pattern: '^[A-Za-z_][A-Za-z0-9_]{0,63}$',
    },
    additionalProperties: {
      type: 'string',
      maxLength: 512,
    },
    description: 'Variables in dev only, with the same templates',
  },
  aliases: {
    type: 'object',
    maxProperties: 20,
    propertyNames: {
      pattern: '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$',
    },
    additionalProperties: {
      type: 'string',
      pattern: '^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$',
    },
    description: 'Host names the app dials -> the store answering them, e.g. {"mongo": "mongodb"}',
  },
  user: {
    type: 'string',
    pattern: '^(image|[1-9][0-9]{0,9}(:[1-9][0-9]{0,9})?)$',
    description: "image: the image's own USER; else a non-root uid or uid:gid (default 10001:10001)",
  },
  writable: {
    type: 'array',
    maxItems: 20,
    uniqueItems: true,
    items: {
      type: 'string',
      pattern: '^/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
      maxLength: 128,
    },
    description: 'Paths the app writes while its root stays read-only (in-memory)',
  },
  readWriteRoot: {
    type: 'string',
    minLength: 10,
    maxLength: 200,
    description: 'Why the app needs a writable root filesystem (a recorded checklist exception)',
  },
  capabilities: {
    type: 'object',
    additionalProperties: false,
    required: ['add', 'reason'],
    description: 'Capabilities a root-started image needs back after cap_drop ALL, and why (a recorded checklist exception)',
    properties: {
      add: {
        type: 'array',
        minItems: 1,
        uniqueItems: true,
        items: {
          enum: [...ROOT_START_CAPABILITIES],
        },
      },
      reason: {
        type: 'string',
        minLength: 10,
        maxLength: 200,
      },
    },
  },
  outbound: {
    type: 'boolean',
    description: 'It reaches the internet (a data download): it joins the edge network',
  },
  health: {
    type: 'string',
    pattern: '^(http:/.*|tcp:[0-9]{1,5}|cmd:.+|none:.{10,})$',
    maxLength: 300,
    description: 'http:/path, tcp:<port>, cmd:<shell command> or none:<reason>',
  },
  command: {
    type: 'array',
    minItems: 1,
    maxItems: 50,
    items: {
      type: 'string',
      maxLength: 512,
    },
    description: "The command the app runs instead of the image's, one word per item",
  },
  configFolder: {
    type: 'string',
    pattern: '^/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
    maxLength: 128,
    description: 'The path the app reads its config folder from: config/dev, config/prod and config/<instance> are mounted there read-only, one per deployment',
  },
  devMounts: {
    type: 'array',
    maxItems: 20,
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['source', 'target'],
      properties: {
        source: {
          type: 'string',
          maxLength: 130,
          pattern: '^(?!(\\./)?(secrets|instances|backups|config)(/|$))(\\./)?[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$',
          description: 'A folder of the repo, relative to it ("./src/api"): no "..", no hidden parts, not secrets/, instances/, backups/ or config/',
        },
        target: {
          type: 'string',
          maxLength: 128,
          pattern: '^(?!/(etc|usr|bin|sbin|lib|lib64|proc|sys|dev|boot|run|tmp)(/|$))/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
          description: 'The absolute path the container sees it at, e.g. /app',
        },
        readOnly: {
          type: 'boolean',
          description: 'Mounted read-only (default: writable, as the source of our own backends)',
        },
      },
    },
    description:
      "Folders of the repo mounted in dev only (docker-compose.override.yml), e.g. the app's source for a reload without a rebuild; never in prod or an instance",
  },
  devCommand: {
    type: 'array',
    minItems: 1,
    maxItems: 50,
    items: {
      type: 'string',
      minLength: 1,
      maxLength: 512,
    },
    description: 'The command in dev only (a server that reloads the mounted source), one word per item',
  },
};

/** A route of an app or of the prebuilt backend. */
const ROUTE: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: {
      type: 'string',
      pattern: '^/([a-z0-9._~-]+/)*$',
      maxLength: 128,
      description: 'Path prefix; "/" only on a sub-domain',
    },
    host: {
      type: 'string',
      description: 'Sub-domain label: "api" answers on api.<domain> (and on api.<instance domain>)',
      pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$',
      maxLength: 200,
    },
    websocket: {
      type: 'boolean',
    },
    bodySize: {
      type: 'string',
      description: 'Largest request body, e.g. 100m (k or m, at most 2048m)',
      pattern: '^[1-9][0-9]{0,4}[km]?$',
    },
    timeout: {
      type: 'string',
      description: 'Read and send timeout towards the app, e.g. 300s',
      pattern: '^[1-9][0-9]{0,4}(s|m|h)$',
    },
    connectTimeout: {
      type: 'string',
      description: 'Connect timeout, at most 75s',
      pattern: '^[1-9][0-9]{0,4}(s|m|h)$',
    },
    cors: {
      type: 'object',
      additionalProperties: false,
      required: ['origins'],
      properties: {
        origins: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'string',
            pattern: '^(\\*|https?://[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?(:[0-9]{1,5})?)$',
          },
          description: 'Origins a browser may call the route from; "*" alone for any, never with credentials',
        },
        credentials: {
          type: 'boolean',
        },
      },
    },
    private: {
      type: 'object',
      additionalProperties: false,
      required: ['path', 'folder'],
      description: 'A shared folder served only through an internal location after the app answers X-Accel-Redirect',
      properties: {
        path: {
          type: 'string',
          pattern: '^/([a-z0-9._~-]+/)*$',
          maxLength: 128,
        },
        folder: {
          type: 'string',
          pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$',
        },
      },
    },
  },
};

/** A route list: the prebuilt backend's and an app's differ in what they say about it. */
const routes = (description: string): JsonSchema => ({ type: 'array', description, maxItems: 20, items: ROUTE });

export const BACKEND_CONTRACT: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: "With backend image: what the image reads and how it runs, with the keys of an app's contract",
  properties: {
    ...CONTRACT_PROPERTIES,
    routes: routes(
      "Routes of the backend: on / and /api/ they set the limits, websocket and private folder of the stack's own routes; other paths on the domain and sub-domains (with a host) are added",
    ),
  },
};

export const APPS: JsonSchema = {
  type: 'array',
  description: 'In-house containers from prebuilt images',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'image'],
    properties: {
      id: {
        type: 'string',
        pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$',
        maxLength: 30,
      },
      image: {
        type: 'string',
        description: 'Image with a pinned tag',
        maxLength: 255,
        pattern: '^[a-z0-9][a-z0-9._/:@-]*$',
      },
      port: {
        type: 'integer',
        minimum: 1,
        maximum: 65535,
      },
      route: {
        type: 'string',
        pattern: '^/[a-z0-9._~-]+(/[a-z0-9._~-]+)*/$',
        maxLength: 128,
      },
      websocket: {
        type: 'boolean',
      },
      healthPath: {
        type: 'string',
        pattern: '^/[A-Za-z0-9._~/-]*$',
        maxLength: 128,
      },
      ...CONTRACT_PROPERTIES,
      routes: routes('Routes by path and sub-domain with limits, CORS and a private folder (instead of route and websocket)'),
    },
  },
  maxItems: 50,
};

export const FOLDERS: JsonSchema = {
  type: 'array',
  description: 'Shared file folders of the backend and apps; with route, served by nginx',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: {
        type: 'string',
        pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$',
      },
      target: {
        type: 'string',
        pattern: '^/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
        maxLength: 128,
      },
      mounts: {
        type: 'object',
        description:
          'Container (an app id, backend or scheduler) -> its own mount path where its image reads the folder elsewhere, or false: not mounted there',
        propertyNames: {
          pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$',
        },
        additionalProperties: {
          anyOf: [
            {
              type: 'string',
              pattern: '^/[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$',
              maxLength: 128,
            },
            {
              const: false,
            },
          ],
        },
      },
      route: {
        type: 'string',
        pattern: '^/([a-z0-9._~-]+/)*$',
        maxLength: 128,
      },
      repo: {
        type: 'string',
        description: 'Folder inside the repository, served read-only',
        pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*$',
        maxLength: 128,
      },
      host: {
        type: 'string',
        description: 'Sub-domain label: "api" answers on api.<domain> (and on api.<instance domain>)',
        pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$',
        maxLength: 200,
      },
      spa: {
        type: 'boolean',
        description: 'A single-page front end: unknown paths get its index.html',
      },
      devServer: {
        type: 'string',
        description: 'With spa: the app serving it in dev, "<app id>" or "<app id>:<port>"',
        pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?(:[0-9]{1,5})?$',
      },
    },
  },
  maxItems: 50,
};

export const REDIS_SETTINGS: JsonSchema = {
  type: 'object',
  maxProperties: 21,
  description: 'Settings of each Redis server, by container name: "redis" or "redis-<role>"',
  propertyNames: {
    pattern: '^redis(-[a-z]([a-z0-9-]{0,28}[a-z0-9])?)?$',
  },
  additionalProperties: {
    type: 'object',
    additionalProperties: false,
    properties: {
      maxmemory: {
        type: 'string',
        pattern: '^[1-9][0-9]{0,12}(kb|mb|gb)?$',
        description: 'Memory limit in Redis units, e.g. 256mb',
      },
      policy: {
        enum: [...EVICTION_POLICIES],
        description: 'Eviction policy (maxmemory-policy)',
      },
      persistence: {
        enum: ['aof', 'rdb'],
        description: 'aof: append-only file; rdb: snapshots only',
      },
      file: {
        type: 'string',
        pattern: '^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$',
        description: 'File name of the AOF or RDB in /data (needs persistence)',
      },
      auth: {
        type: 'string',
        pattern: '^(on|off:.{10,200})$',
        description: 'on (default), or off:<reason>: no password, internal network only, recorded as a checklist exception',
      },
    },
    dependencies: {
      file: ['persistence'],
    },
  },
};

export const INSTANCES: JsonSchema = {
  type: 'array',
  description: 'Deployments besides dev and prod',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['name', 'domain'],
    properties: {
      name: {
        type: 'string',
        pattern: '^[a-z]([a-z0-9-]{0,28}[a-z0-9])?$',
        not: {
          enum: [...RESERVED_INSTANCES],
        },
      },
      domain: {
        type: 'string',
        minLength: 1,
        maxLength: 253,
        pattern: '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$',
      },
    },
  },
  maxItems: 50,
};

export const FILE_HASHES: JsonSchema = {
  type: 'object',
  description: 'sha256 of each managed file as last generated: tells an untouched file from an edited one',
  additionalProperties: {
    type: 'string',
    pattern: '^[0-9a-f]{64}$',
  },
  propertyNames: {
    maxLength: 300,
    pattern: '^(?!(\\.portal|\\.git)(/|$))(?!(.*/)?\\.\\.?(/|$))[^/\\\\\\u0000]+(/[^/\\\\\\u0000]+)*$',
    description: 'A path inside the repo: forward slashes, no empty, . or .. parts, not under .portal/ or .git/',
  },
  maxProperties: 5000,
};

export const POSTGRES: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Extra and template databases, extensions and tuning of the PostgreSQL server',
  properties: {
    databases: {
      type: 'array',
      uniqueItems: true,
      maxItems: 20,
      items: {
        type: 'string',
        pattern: '^[a-z_][a-z0-9_]{0,62}$',
        not: {
          enum: [...RESERVED_DATABASES],
        },
      },
      description: 'Databases created at first start besides POSTGRES_DB',
    },
    templates: {
      type: 'array',
      uniqueItems: true,
      maxItems: 20,
      items: {
        type: 'string',
        pattern: '^[a-z_][a-z0-9_]{0,62}$',
        not: {
          enum: [...RESERVED_DATABASES],
        },
      },
      description: 'Template databases holding the extensions',
    },
    extensions: {
      type: 'array',
      uniqueItems: true,
      maxItems: 20,
      items: {
        enum: [...EXTENSIONS],
      },
      description: "Extensions of the deployment's, extra and template databases",
    },
    settings: {
      type: 'object',
      additionalProperties: false,
      properties: {
        shared_buffers: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        effective_cache_size: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        work_mem: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        maintenance_work_mem: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        wal_buffers: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        max_wal_size: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        min_wal_size: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,6}(kB|MB|GB)$',
        },
        max_connections: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,5}$',
          maximum: 10000,
        },
        max_worker_processes: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,5}$',
          maximum: 262143,
        },
        max_parallel_workers: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,5}$',
          maximum: 1024,
        },
        max_parallel_workers_per_gather: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,5}$',
          maximum: 1024,
        },
        effective_io_concurrency: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,5}$',
          maximum: 1000,
        },
        default_statistics_target: {
          type: ['string', 'number'],
          pattern: '^[1-9][0-9]{0,5}$',
          maximum: 10000,
        },
        checkpoint_completion_target: {
          type: ['string', 'number'],
          pattern: '^(0(\\.[0-9]{1,3})?|1(\\.0{1,3})?)$',
        },
        random_page_cost: {
          type: ['string', 'number'],
          pattern: '^[0-9]{1,3}(\\.[0-9]{1,2})?$',
        },
        statement_timeout: {
          type: ['string', 'number'],
          pattern: '^(0|-1|[1-9][0-9]{0,7}(ms|s|min|h)?)$',
        },
        idle_in_transaction_session_timeout: {
          type: ['string', 'number'],
          pattern: '^(0|-1|[1-9][0-9]{0,7}(ms|s|min|h)?)$',
        },
        log_min_duration_statement: {
          type: ['string', 'number'],
          pattern: '^(0|-1|[1-9][0-9]{0,7}(ms|s|min|h)?)$',
        },
        synchronous_commit: {
          type: ['string', 'number'],
          pattern: '^(on|off)$',
        },
        jit: {
          type: ['string', 'number'],
          pattern: '^(on|off)$',
        },
      },
      description: 'Server settings passed as postgres -c name=value',
    },
  },
};

export const BACKUPS: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['schedule', 'rotation'],
  description: 'When the backup container dumps every database and the roles, and which dumps it keeps',
  properties: {
    schedule: {
      type: 'string',
      pattern: '^\\S+ \\S+ \\S+ \\S+ \\S+$',
      maxLength: 100,
      description: 'cron expression, UTC',
    },
    rotation: {
      enum: [...ROTATIONS],
    },
    keep: {
      type: 'integer',
      minimum: 1,
      maximum: 366,
    },
  },
};
