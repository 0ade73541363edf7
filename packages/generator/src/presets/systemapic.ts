/**
 * Systemapic (systemapic/docker-systemapic, compose/ and build/ of 2016; systemapic/wu, systemapic/pile):
 * the Node.js web server wu on 3001 and the tile server pile on 3003, both reading their config from the
 * domain's folder mounted at /systemapic/config (wu-config.js, pile-config.js, env.sh, redis.*.conf) and
 * dialling hard-coded hosts: postgis, mongo, redislayers, redisstats, redistokens, redistemp (rediskue for
 * the queue), and pile dials http://wu:3001. Shared files under /data; every store was a data-only
 * container, and restart.sh picked the compose file from $SYSTEMAPIC_DOMAIN. The images run unchanged.
 */
import { definePreset } from './types.js';

/** The folder start.sh refuses to start without (build/wu/start.sh, build/pile/start.sh). */
const CONFIG = '/systemapic/config';
/** What both images are given by compose/yml/common.yml. */
const COMMON = { SYSTEMAPIC_DOMAIN: '{domain}', SYSTEMAPIC_PRODMODE: 'true' };
/** Hosts the config files name (config/localhost/*.config.js) and the compose links make answer. */
const STORE_HOSTS = { postgis: 'postgis', redislayers: 'redis-layers', redisstats: 'redis-stats', redistokens: 'redis-tokens', redistemp: 'redis-temp' };
/** The images run as root, copy the config into their code tree, may npm install at start and log under it. */
const WRITES = 'start.sh copies the config into the code tree, npm-installs when node_modules is missing and forever logs under it';
/** redis.*.conf of config/localhost: no maxmemory-policy (Redis' default, noeviction), maxmemory 23592960000 bytes. */
const UPSTREAM_MEMORY = '22500mb';

export const systemapic = definePreset({
  id: 'systemapic',
  title: 'Systemapic mapping platform',
  inHouseImages: ['systemapic/wu', 'systemapic/pile'],
  answers: ({ imageTag }) => ({
    name: 'systemapic',
    backend: 'image',
    backendImage: `systemapic/wu:${imageTag}`,
    backendPort: 3001,
    backendContract: {
      // api/api.js: require(process.env.WU_CONFIG_PATH || '../../config/wu-config.js')
      settings: { ...COMMON, WU_CONFIG_PATH: `${CONFIG}/wu-config.js` },
      // wu-config.js: mongodb://...@mongo/..., redis hosts redislayers, redisstats, redistemp; kue on rediskue
      aliases: { ...STORE_HOSTS, mongo: 'mongodb', rediskue: 'redis' },
      configFolder: CONFIG,
      user: 'image',
      readWriteRoot: WRITES,
      // no health route in server/server.js: the port answering is what upstream had
      health: 'tcp:3001',
      // build/nginx/config/dev.systemapic.com.nginx.conf: / goes to wu (upstream sockets) with the websocket
      // upgrade, and the whole site takes 2000m bodies (uploads through /api/upload)
      routes: [
        { path: '/', websocket: true, bodySize: '2000m' },
        { path: '/api/', bodySize: '2000m' },
      ],
    },
    apps: [
      {
        id: 'pile',
        image: `systemapic/pile:${imageTag}`,
        port: 3003,
        // build/nginx/config/dev.systemapic.com.nginx.conf: the tile host e.<domain> goes to pile (2000m bodies),
        // /api/db on the portal's host too, with 600 s timeouts (nginx caps connect at 75 s); /v2/tiles/ kept on the domain
        routes: [
          { path: '/', host: 'e', bodySize: '2000m' },
          { path: '/api/db/', bodySize: '2000m', timeout: '600s', connectTimeout: '75s' },
          { path: '/v2/tiles/' },
        ],
        settings: {
          ...COMMON,
          // src/pile.js: require(process.env.PILE_CONFIG_PATH || '../../config/pile-config')
          PILE_CONFIG_PATH: `${CONFIG}/pile-config.js`,
          // src/pile.js and src/cubes.js read these (start-server.sh exports them from env.sh)
          SYSTEMAPIC_PGSQL_USERNAME: '{postgis.user}',
          SYSTEMAPIC_PGSQL_PASSWORD: '{postgis.password}',
          SYSTEMAPIC_PGSQL_DBNAME: '{postgis.db}',
        },
        // src/pile.js: base 'http://wu:3001'
        aliases: { ...STORE_HOSTS, wu: 'backend' },
        configFolder: CONFIG,
        user: 'image',
        readWriteRoot: WRITES,
        health: 'tcp:3003',
      },
    ],
    services: ['postgis', 'redis', 'nginx', 'backup', 'mongodb'],
    redisRoles: ['layers', 'stats', 'tokens', 'temp'],
    redisSettings: {
      // redis.layers.conf, redis.tokens.conf: appendonly yes (appendonly.aof, Redis' default name)
      'redis-layers': { maxmemory: UPSTREAM_MEMORY, policy: 'noeviction', persistence: 'aof', file: 'appendonly.aof' },
      'redis-tokens': { maxmemory: UPSTREAM_MEMORY, policy: 'noeviction', persistence: 'aof', file: 'appendonly.aof' },
      // redis.stats.conf, redis.temp.conf: appendonly no, dbfilename redis.rdb
      'redis-stats': { maxmemory: UPSTREAM_MEMORY, policy: 'noeviction', persistence: 'rdb', file: 'redis.rdb' },
      'redis-temp': { maxmemory: UPSTREAM_MEMORY, policy: 'noeviction', persistence: 'rdb', file: 'redis.rdb' },
    },
    folders: [{ name: 'common', target: '/data' }],
    storage: 'volumes',
    instanceVariable: 'SYSTEMAPIC_DOMAIN',
  }),
  stores: [
    { old: 'data_store_dev_common', path: '/data', item: 'common' },
    { old: 'postgis_store_dev', path: '/var/lib/postgresql', item: 'pgdata', postgres: true },
    { old: 'redis_store_dev', path: '/data', item: 'redis-layers-data' },
    { old: 'redis_stats_store_dev', path: '/data', item: 'redis-stats-data' },
    { old: 'redis_tokens_store_dev', path: '/data', item: 'redis-tokens-data' },
    { old: 'mongo_store_dev', path: '/data/db', item: 'mongo-data' },
    { old: 'postgis_backup_store', path: '/backup/postgis', item: 'backups' },
  ],
  patterns: [
    {
      old: 'wu (systemapic/wu:latest)',
      now: "`backend`, the same image pinned to a release tag (`--image-tag`), answering as `wu` too; as upstream it runs as its image's user (root) with a writable root, recorded as CMP-26 and CMP-09 exceptions; / with the websocket upgrade (socket.io) and 2000m bodies on / and /api/ as upstream's nginx. Opt out once the image runs as a non-root USER: in .yo-rc.json drop `user` and `readWriteRoot` from `backendContract` and list the paths it writes under `writable`",
    },
    {
      old: 'pile (systemapic/pile:latest)',
      now: "`pile`, an app container from the pinned image, on the tile host e.<domain> as upstream (bodies up to 2000m), and /api/db/ (600 s timeouts; connect 75 s, nginx's cap) and /v2/tiles/ on the portal's host; as upstream it runs as root with a writable root (recorded CMP-26 and CMP-09 exceptions). Opt out: `portal app set pile --user 10001 --writable /systemapic/prod/log` once the image allows it",
    },
    {
      old: '../../config/${SYSTEMAPIC_DOMAIN}:/systemapic/config',
      now: '`config/dev/`, `config/prod/` and `config/<instance>/` mounted read-only at /systemapic/config, one per deployment (per instance name, not per domain, so a new domain keeps its config); git ignores their files, which hold passwords',
    },
    {
      old: 'SYSTEMAPIC_DOMAIN, SYSTEMAPIC_PRODMODE in compose',
      now: 'the same variables; SYSTEMAPIC_PRODMODE stays true in dev too, because no source is mounted at /systemapic/dev. Opt out: `portal app set pile --dev-setting SYSTEMAPIC_PRODMODE=false` with the source mounted there in docker-compose.override.yml',
    },
    {
      old: 'SYSTEMAPIC_PGSQL_USERNAME, SYSTEMAPIC_PGSQL_PASSWORD, SYSTEMAPIC_PGSQL_DBNAME in env.sh',
      now: 'given to pile from POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB (an env.sh in the config folder still overrides them, as before)',
    },
    { old: 'postgis (systemapic/postgis:latest)', now: '`db` (postgis/postgis, pinned), answering as `postgis`' },
    { old: 'mongo (systemapic/mongo:latest)', now: '`mongodb` (official mongo image, root password from a secret), answering as `mongo`' },
    { old: 'rediskue', now: '`redis` (the queue), password protected, answering as `rediskue`' },
    {
      old: 'redislayers, redisstats, redistokens, redistemp (redis-server /systemapic/config/redis.<role>.conf)',
      now: '`redis-layers`, `redis-stats`, `redis-tokens`, `redis-temp`, answering by their old names, each with its own volume, password and redis/redis-<role>.conf: the same maxmemory (22500mb, with a container memory limit a quarter above it), persistence (AOF for layers and tokens, RDB redis.rdb for stats and temp) and no eviction; logs go to the container log, not /data/redis.log; redistemp keeps its snapshot on a volume. Change any of it with `redisSettings` in .yo-rc.json (maxmemory, policy, persistence, file, auth)',
    },
    {
      old: 'requirepass in each redis.<role>.conf, the same for all',
      now: 'a generated password per server, from a Docker secret; copy each from secrets/ into the auth fields of wu-config.js and pile-config.js. Opt out (internal network only, no port even in dev, recorded as an RDS-02 exception): `redisSettings: {"redis-layers": {"auth": "off:<reason>"}}` in .yo-rc.json',
    },
    {
      old: 'nginx (systemapic/nginx:latest)',
      now: "`nginx` (nginx-unprivileged, generated config) with upstream's routes: e.<domain> to pile, / (websocket) and /api/ to wu, /api/db/ to pile with 600 s timeouts, 2000m bodies; TLS 1.2+ only, and the site-wide `Access-Control-Allow-Origin *` dropped (add `cors` to a route in .yo-rc.json if a browser on another origin needs it)",
    },
    { old: 'backup (systemapic/backup:postgis)', now: '`backup` (scheduled pg_dump with rotation) and scripts/backup.sh' },
    { old: 'data-only storage containers (docker create -v ...)', now: "named volumes; scripts/migrate-storage.sh copies the old containers' data into them" },
    { old: 'create_storage_containers.sh', now: 'scripts/create-storage.sh' },
    { old: 'restart.sh reading $SYSTEMAPIC_DOMAIN', now: 'scripts/restart.sh reading PORTAL_INSTANCE or SYSTEMAPIC_DOMAIN (instance name or domain)' },
    { old: 'links between containers', now: 'compose networks: `internal` for data services, `edge` for the front; the linked names are network aliases' },
  ],
});
