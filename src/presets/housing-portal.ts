/**
 * Housing Portal: Django backend with street-view images, imports, exports and drone imagery on a host data
 * volume (/mnt/data), nginx serving them with static and media files, built docs and a drone viewer, and
 * one PostGIS with its own volume per portal instance (local, staging).
 */
import { definePreset } from './types.js';

export const housingPortal = definePreset({
  id: 'housing-portal',
  title: 'Housing Portal',
  inHouseImages: [],
  answers: ({ domain }) => ({
    name: 'housing-portal',
    backend: 'django',
    services: ['postgis', 'nginx', 'backup'],
    storage: 'bind',
    dataRoot: '/mnt/data',
    folders: [
      { name: 'images', target: '/images', route: '/images/' },
      { name: 'imports', target: '/imports' },
      { name: 'exports', target: '/exports', route: '/exports/' },
      { name: 'drone', target: '/drone', route: '/drone/' },
      { name: 'tiles', target: '/tiles', route: '/data/' },
      { name: 'docs', repo: 'docs/_build/html', route: '/docs/' },
      { name: 'drone-viewer', repo: 'drone-viewer', route: '/drone-viewer/' },
    ],
    instances: [{ name: 'staging', domain: `staging.${domain}` }],
  }),
  stores: [
    { old: '../images', path: '.', item: 'images' },
    { old: '../imports', path: '.', item: 'imports' },
    { old: 'exports', path: '.', item: 'exports' },
    { old: '../drone', path: '.', item: 'drone' },
    { old: '../tiles', path: '.', item: 'tiles' },
  ],
  patterns: [
    { old: 'local.yml (development)', now: 'docker-compose.yml + docker-compose.override.yml (PORTAL_ENV=dev)' },
    { old: 'staging.yml', now: 'instance `staging`: instances/staging.yml and instances/staging.env (PORTAL_INSTANCE=staging)' },
    { old: 'backend volumes ../images, ../imports, ../drone and the `exports` volume', now: 'folders images, imports, drone, exports under DATA_ROOT, mounted at /images, /imports, /drone, /exports' },
    { old: '/mnt/data/<folder> bind mounts in production', now: 'the same folders under DATA_ROOT (/mnt/data), created by scripts/create-storage.sh' },
    { old: 'nginx ./backend/media and ./backend/staticfiles', now: 'volumes `media` and `static`, served at /media/ and /static/' },
    { old: 'nginx ../tiles:/data', now: 'folder `tiles`, served at /data/' },
    { old: 'nginx ./docs/_build/html:/docs and ./drone:/drone-viewer', now: 'repository folders served at /docs/ and /drone-viewer/' },
    { old: 'nginx/dev.conf mounted as nginx.conf', now: 'nginx/nginx.conf with nginx/sites/dev.conf and prod.conf' },
    { old: 'a PostGIS volume per portal instance', now: 'each instance is its own compose project: its own `pgdata` volume (or DATA_ROOT/<instance>)' },
  ],
});
