/** Test helper: runs the real app generator through yeoman-test and returns the folder it wrote. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import helpers from 'yeoman-test';

export const APP_GENERATOR = join(dirname(fileURLToPath(import.meta.url)), '..', 'generators', 'app', 'index.js');

export type GeneratorOptions = Record<string, string | boolean>;

/** A fresh folder of ours: yeoman-test removes its own temporary folder when the next run starts. */
export function freshFolder(name = 'portal'): string {
  const folder = join(mkdtempSync(join(tmpdir(), 'portal-test-')), name);
  mkdirSync(folder);
  return folder;
}

/**
 * Non-interactive run with a fixed secret seed, so two runs with the same answers give the same bytes.
 * Runs must not overlap: yeoman-test changes the process' working folder.
 */
export async function generate(options: GeneratorOptions, seed = 'test-seed', folder = freshFolder()): Promise<string> {
  const result = await helpers
    .run(APP_GENERATOR)
    .cd(folder)
    .withOptions({ yes: true, secretSeed: seed, skipInstall: true, ...options } as Record<string, unknown>);
  return result.cwd;
}

/** The answer sets the acceptance asks for: defaults, every service, backend only, each backend, each storage. */
export const SCENARIOS: Record<string, GeneratorOptions> = {
  defaults: {},
  'every-service': { services: 'postgis,redis,celery,rabbitmq,tileserver,varnish,nginx,traefik,prometheus,grafana,backup' },
  'every-service-bind': {
    services: 'postgis,redis,celery,rabbitmq,tileserver,varnish,nginx,traefik,prometheus,grafana,backup',
    storage: 'bind',
    dataRoot: '/mnt/data/portal',
  },
  'backend-only': { services: 'none' },
  'django-celery-redis': { services: 'postgis,redis,celery,nginx,prometheus' },
  'fastapi-monitoring': { backend: 'fastapi', services: 'postgis,redis,celery,rabbitmq,prometheus,grafana' },
  'node-traefik': { backend: 'node', services: 'postgis,redis,nginx,traefik,prometheus', storage: 'bind', dataRoot: '/srv/portal' },
  'image-varnish-front': {
    backend: 'image',
    backendImage: 'ghcr.io/acme/portal-api:1.4.2',
    backendPort: '8080',
    services: 'postgis,tileserver,varnish,prometheus,grafana',
  },
  'fastapi-only': { backend: 'fastapi', services: 'none', storage: 'bind', dataRoot: '/mnt/data/api' },
};
