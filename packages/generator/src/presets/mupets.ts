/**
 * Mupets (EveraertJan/testing, a public copy of the Mupets server, dc.base.yml and images/): Node.js
 * "cargo" containers built on cargo-base (Koa on port 80, the cargo API on 8080, config in /cargo/config),
 * reading NODE_ENV, SOYL_HOST, FE_PROTOCOL, PROJECT_NAME and POSTGRES_* and dialling the hard-coded hosts
 * soyl-broker (the Redis broker), soyl-auth-store (the auth Redis, append-only), soyl-auth and
 * wijze-stad-postgres:5432. Kafka with ZooKeeper is kept as the alternative broker (docs/dev/containers.md),
 * under a compose profile. The images run unchanged.
 */
import { definePreset } from './types.js';

/** What every cargo app reads from its environment (dc.base.yml cargo-base, config/default.js). */
const CARGO = {
  NODE_ENV: 'production',
  SOYL_HOST: '{domain}',
  FE_PROTOCOL: 'https',
  PROJECT_NAME: 'Mupets',
  DC_PROJECT: 'mupets',
};
/** config/default.js store.base: database, user and password from these, host wijze-stad-postgres, port 5432. */
const STORE = { POSTGRES_DB: '{postgis.db}', POSTGRES_USER: '{postgis.user}', POSTGRES_PASSWORD: '{postgis.password}' };
/** Host names config/default.js hard-codes: soyl.redis.host, store.base.host, soyl.auth.storeHost. */
const BROKER = { 'soyl-broker': 'redis' };
const DATABASE = { 'wijze-stad-postgres': 'postgis' };
const AUTH_STORE = { 'soyl-auth-store': 'redis-auth-store' };
/**
 * dc.dev.yml: every cargo app gets cargo-base's config and cargo-lib and its own lib/ from the repo
 * (images/<folder>/), writable as upstream; the admin also its html/dist and html/src.
 */
const cargoSource = (folder: string) => [
  { source: './images/cargo-base/config', target: '/cargo/config' },
  { source: './images/cargo-base/cargo-lib', target: '/cargo/cargo-lib' },
  { source: `./images/${folder}/lib`, target: '/cargo/app/lib' },
];
/** cargoAPI.js: every cargo app serves its cargo API on 8080, whatever else it serves. */
const CARGO_API = 'tcp:8080';

export const mupets = definePreset({
  id: 'mupets',
  title: 'Mupets server',
  inHouseImages: [
    'mupets/log-service',
    'mupets/admin',
    'mupets/log-archiver',
    'mupets/auth',
    'mupets/socket-server',
    'mupets/answer-admin',
    'mupets/user-admin',
    'mupets/question-admin',
  ],
  answers: ({ imageTag }) => ({
    name: 'mupets',
    // the log service is the public API: POST /logs/report.json (api.<host>/logs)
    backend: 'image',
    backendImage: `mupets/log-service:${imageTag}`,
    backendPort: 80,
    backendContract: { settings: { ...CARGO }, aliases: { ...BROKER }, health: 'http:/logs/test', devMounts: cargoSource('log-service') },
    apps: [
      // serves the React admin front end (serveReact on /)
      // on its own sub-domain as upstream (Host:admin.${SOYL_HOST}): its asset links start at /
      {
        id: 'admin',
        image: `mupets/admin:${imageTag}`,
        port: 80,
        routes: [{ path: '/', host: 'admin' }],
        settings: { ...CARGO },
        aliases: { ...BROKER },
        health: 'http:/',
        devMounts: [
          ...cargoSource('admin'),
          { source: './images/admin/html/dist', target: '/cargo/html/dist' },
          { source: './images/admin/html/src', target: '/cargo/html/src' },
        ],
      },
      // subscribes to the log channels on the broker and stores them in PostgreSQL
      {
        id: 'log-archiver',
        image: `mupets/log-archiver:${imageTag}`,
        port: 80,
        settings: { ...CARGO, ...STORE },
        aliases: { ...BROKER, ...DATABASE },
        health: CARGO_API,
        devMounts: cargoSource('log-archiver'),
      },
      // the other apps dial it as soyl-auth (soyl.auth.host), sys-auth on 8001
      {
        id: 'soyl-auth',
        image: `mupets/auth:${imageTag}`,
        port: 80,
        route: '/auth/',
        settings: { ...CARGO },
        aliases: { ...BROKER, ...AUTH_STORE },
        health: CARGO_API,
        devMounts: cargoSource('auth'),
      },
      {
        id: 'answer-admin',
        image: `mupets/answer-admin:${imageTag}`,
        port: 80,
        route: '/answers/',
        settings: { ...CARGO, ...STORE },
        aliases: { ...BROKER, ...DATABASE },
        health: CARGO_API,
        devMounts: cargoSource('answer-admin'),
      },
      {
        id: 'user-admin',
        image: `mupets/user-admin:${imageTag}`,
        port: 80,
        route: '/users/',
        settings: { ...CARGO, ...STORE },
        aliases: { ...BROKER, ...DATABASE },
        health: CARGO_API,
        devMounts: cargoSource('user-admin'),
      },
      {
        id: 'question-admin',
        image: `mupets/question-admin:${imageTag}`,
        port: 80,
        route: '/questions/',
        settings: { ...CARGO, ...STORE },
        aliases: { ...BROKER, ...DATABASE },
        health: CARGO_API,
        devMounts: cargoSource('question-admin'),
      },
      // socket.io on wijzeStad.socketStreamPort 4020 (socket.<host>/socket)
      {
        id: 'socket-server',
        image: `mupets/socket-server:${imageTag}`,
        port: 4020,
        route: '/socket.io/',
        websocket: true,
        settings: { ...CARGO, ...STORE },
        aliases: { ...BROKER, ...DATABASE },
        health: 'tcp:4020',
        devMounts: cargoSource('socket-server'),
      },
    ],
    services: ['postgis', 'redis', 'nginx', 'pgbouncer', 'kafka'],
    redisRoles: ['auth-store'],
    // cargo-lib's Redis client (broker/redis/Client.js) and the auth store client send no password: both
    // servers stay on the internal network with no published port, recorded as RDS-02 exceptions
    redisSettings: {
      redis: { auth: "off:soyl-broker: the cargo images' Redis client sends no password; internal network only" },
      'redis-auth-store': { persistence: 'aof', auth: "off:soyl-auth-store: the auth service's Redis client sends no password; internal network only" },
    },
    // the images dial wijze-stad-postgres:5432 with node-postgres 6.1, which predates SCRAM; PgBouncer
    // answers there and speaks scram-sha-256 to PostgreSQL; the store sends whole statements, no session state
    pgbouncerPort: 5432,
    pgbouncerPoolMode: 'transaction',
    pgbouncerClientAuth: 'md5',
    alternatives: ['kafka'],
    storage: 'volumes',
  }),
  stores: [],
  patterns: [
    {
      old: 'cargo containers built from images/<name>/ on cargo-base (df.dev.yml / df.prod.yml)',
      now: 'the same images, built by your CI and pinned with --image-tag: `backend` (log-service), `admin`, `log-archiver`, `soyl-auth`, `answer-admin`, `user-admin`, `question-admin`, `socket-server`',
    },
    {
      old: 'soyl-broker (redis:3-alpine, no persistence, no password)',
      now: "`redis`, also answering as `soyl-broker`, pinned Redis 7 without a password as the images expect (cargo-lib's broker/redis/Client.js sends none): internal network only, no published port, recorded as an RDS-02 exception. Once the images pass `password` to redis.createClient, drop `auth` from `redisSettings.redis` to get a generated password",
    },
    {
      old: 'soyl-auth-store (Redis with --appendonly yes, ./_volumes/auth-store/data)',
      now: '`redis-auth-store`, also answering as `soyl-auth-store`, append-only file in its own volume, without a password as the auth service expects: internal network only, recorded as an RDS-02 exception (opt out as for soyl-broker)',
    },
    {
      old: 'wijze-stad-postgres (postgres, unpinned; POSTGRES_PASSWORD rootpass in dc.prod.yml)',
      now: '`db` (PostgreSQL 16 with PostGIS) behind `pgbouncer`, which answers as `wijze-stad-postgres` on 5432; the password is generated',
    },
    { old: 'images/postgres/initdb.d/init.sql (the tables)', now: 'copy it into postgres/initdb/ (run once, on an empty database)' },
    {
      old: 'node-postgres 6.1 logs in with md5',
      now: 'PgBouncer takes md5 logins from the apps (`pgbouncerClientAuth: md5`) and scram-sha-256 to PostgreSQL; drop it once the images use node-postgres 8',
    },
    {
      old: 'Traefik labels: api.${SOYL_HOST} with /auth, /logs, /answers, /users, /questions; admin.${SOYL_HOST}; socket.${SOYL_HOST}/socket',
      now: 'nginx routes by path on the one domain: /auth/, /logs/ (the backend at /), /answers/, /users/, /questions/, /socket.io/ (websocket); the admin front end on its own sub-domain admin.<domain> as before',
    },
    { old: 'wijze-stad-socket-server publishing 4020:4020', now: 'no published port: /socket.io/ through nginx with the websocket upgrade' },
    {
      old: 'wijze-stad-pgweb (donnex/pgweb at pg.${SOYL_HOST}, database password on its command line)',
      now: 'not deployed: a database UI must not be public; use `scripts/restart.sh` dev ports and psql',
    },
    {
      old: 'secrets in images/cargo-base/config/local.yml (jwtSecret, initialRootPassword)',
      now: 'unchanged: the prod images carry their /cargo/config; give secrets as NODE_CONFIG at deploy time, never in the repo',
    },
    {
      old: "dc.dev.yml: images/cargo-base/config, cargo-lib and each app's lib/ (the admin's html/dist and html/src too) mounted into the cargo containers",
      now: "the same folders mounted in dev only (docker-compose.override.yml), so keep the images/ tree of the server's repository in this repo (or a clone of it at images/): without a folder, dev refuses to start that app; prod and instances run the code inside the images",
    },
    {
      old: 'df.dev.yml images run startup.sh: nodemon when APP_WATCH_MODE=true (commented out in dc.dev.yml), else node --debug=5858 lib/index.js, with NODE_ENV=development',
      now: 'no dev command: the pinned prod images have neither startup.sh nor nodemon (a devDependency, left out by npm install with NODE_ENV=production) and run npm start (node lib/index.js) with NODE_ENV=production, as the settings say; restart the app (docker-compose restart <app>) to load an edit. Give `devCommand` in .yo-rc.json for an image that has a watcher',
    },
    {
      old: 'cargo containers run as root (node:7.0.0 has no USER)',
      now: 'run as the app user with a read-only root, /tmp in memory; `portal app set <id> --user image` to opt out',
    },
    { old: 'CARGO_DELAY seconds to wait for the other containers', now: 'depends_on with healthchecks: each app waits for the stores it names' },
    {
      old: 'Kafka (wurstmeister/kafka) and ZooKeeper kept as the alternative to soyl-broker (docs/dev/containers.md)',
      now: '`kafka` and `zookeeper` under the compose profile `kafka`: not started by default; `COMPOSE_PROFILES=kafka scripts/restart.sh` or `docker compose --profile kafka up -d` starts them',
    },
    { old: 'system_traefik external network and traefik.* labels', now: 'compose networks: `internal` for data services, `edge` for nginx' },
    {
      old: 'OrientDB (docs/dev/architecture.md, the earlier store)',
      now: 'not deployed: store.base is PostgreSQL in config/default.js; add the `orientdb` service if an image still uses it',
    },
  ],
});
