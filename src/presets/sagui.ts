/**
 * SAGUI: Django backend owning the schema through migrations, PostGIS with init files, pg_tileserv waiting
 * for the database, varnish routing and caching, nginx for static files, a prod-only scheduler running a
 * data-update process, docker secrets in prod, dev ports in docker-compose.override.yml.
 */
import { definePreset } from './types.js';

export const sagui = definePreset({
  id: 'sagui',
  title: 'SAGUI hydrology portal',
  inHouseImages: [],
  answers: () => ({
    name: 'sagui',
    backend: 'django',
    services: ['postgis', 'tileserver', 'varnish', 'nginx', 'scheduler'],
    storage: 'volumes',
  }),
  stores: [],
  patterns: [
    { old: 'database (postgis image) with config/postgresql/entrypoint-initdb.d/', now: '`db` with postgres/initdb/ (extensions, roles, tiles schema)' },
    { old: 'pg-tileserv-base, a transitional service to build pg-tileserv', now: 'a build stage in tileserver/Dockerfile' },
    { old: 'pg-tileserv with /wait-for-db.sh', now: '`tileserver` with depends_on db: service_healthy' },
    { old: 'varnish as the single entry point', now: 'nginx in front (TLS, security headers, rate limits) sends API, tiles and pages through `varnish`, which routes and caches' },
    { old: 'nginx serving Django static files only', now: '`nginx` serves /static/ and /media/ and proxies the rest' },
    { old: 'docker-compose.override.yml opening ports (dev)', now: 'docker-compose.override.yml: ports on 127.0.0.1 only' },
    { old: 'docker-compose.prod.yml with secrets and the scheduler', now: 'docker-compose.prod.yml: docker secrets, restart policies and the `scheduler` (hyfaa run: set SCHEDULER_COMMAND)' },
    { old: 'external traefik-proxy network and traefik labels', now: 'nginx terminates TLS; or choose the traefik service for Let\'s Encrypt in this stack' },
    { old: 'USER_ID/GROUP_ID passed at start', now: 'fixed non-root users per container; bind folders owned by scripts/create-storage.sh' },
  ],
});
