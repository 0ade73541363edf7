/**
 * Systemapic: Node.js web server (wu) and tile server (pile) from prebuilt images, PostGIS, MongoDB, four
 * Redis servers (queue, layers, stats, tokens), nginx and a database backup container; every store was a
 * data-only container, and restart.sh picked the compose file from $SYSTEMAPIC_DOMAIN.
 */
import { definePreset } from './types.js';

export const systemapic = definePreset({
  id: 'systemapic',
  title: 'Systemapic mapping platform',
  inHouseImages: ['systemapic/wu', 'systemapic/pile'],
  answers: ({ imageTag }) => ({
    name: 'systemapic',
    backend: 'image',
    backendImage: `systemapic/wu:${imageTag}`,
    backendPort: 3001,
    apps: [{ id: 'pile', image: `systemapic/pile:${imageTag}`, port: 3003, route: '/v2/tiles/' }],
    services: ['postgis', 'redis', 'nginx', 'backup', 'mongodb'],
    redisRoles: ['layers', 'stats', 'tokens'],
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
    { old: 'wu (systemapic/wu:latest)', now: '`backend`, the same image pinned to a release tag' },
    { old: 'pile (systemapic/pile:latest)', now: '`pile`, an app container from the pinned image, routed at /v2/tiles/' },
    { old: 'postgis (systemapic/postgis:latest)', now: '`db` (postgis/postgis, pinned)' },
    { old: 'mongo (systemapic/mongo:latest)', now: '`mongodb` (official mongo image, root password from a secret)' },
    { old: 'rediskue', now: '`redis` (the queue), password protected' },
    { old: 'redislayers, redisstats, redistokens', now: '`redis-layers`, `redis-stats`, `redis-tokens`, each with its own volume and password' },
    { old: 'nginx (systemapic/nginx:latest)', now: '`nginx` (nginx-unprivileged, generated config)' },
    { old: 'backup (systemapic/backup:postgis)', now: '`backup` (scheduled pg_dump with rotation) and scripts/backup.sh' },
    { old: 'data-only storage containers (docker create -v ...)', now: 'named volumes; scripts/migrate-storage.sh copies the old containers\' data into them' },
    { old: 'create_storage_containers.sh', now: 'scripts/create-storage.sh' },
    { old: 'restart.sh reading $SYSTEMAPIC_DOMAIN', now: 'scripts/restart.sh reading PORTAL_INSTANCE or SYSTEMAPIC_DOMAIN (instance name or domain)' },
    { old: 'links between containers', now: 'compose networks: `internal` for data services, `edge` for the front' },
  ],
});
