/** The ordered catalog: menu order, compose order and docs order are all this order. */
import type { Backend } from '../answers/answers.js';
import { backendDjango } from './services/backend-django.js';
import { backendFastapi } from './services/backend-fastapi.js';
import { backendImage } from './services/backend-image.js';
import { backendNode } from './services/backend-node.js';
import { backup } from './services/backup.js';
import { celery } from './services/celery.js';
import { flower } from './services/flower.js';
import { grafana } from './services/grafana.js';
import { kafka } from './services/kafka.js';
import { mailpit } from './services/mailpit.js';
import { martin } from './services/martin.js';
import { mongodb } from './services/mongodb.js';
import { nginx } from './services/nginx.js';
import { orientdb } from './services/orientdb.js';
import { pgbouncer } from './services/pgbouncer.js';
import { postgis } from './services/postgis.js';
import { prometheus } from './services/prometheus.js';
import { rabbitmq } from './services/rabbitmq.js';
import { redis } from './services/redis.js';
import { scheduler } from './services/scheduler.js';
import { tileserver } from './services/tileserver.js';
import { traefik } from './services/traefik.js';
import { varnish } from './services/varnish.js';
import type { ServiceDefinition } from './types.js';

/**
 * One line per service. Each entry is a function so that the ids (the keys) are known before the services'
 * own types, which name ServiceId: the compiler would otherwise find a cycle.
 */
const SERVICES = {
  postgis: () => postgis,
  redis: () => redis,
  celery: () => celery,
  rabbitmq: () => rabbitmq,
  tileserver: () => tileserver,
  varnish: () => varnish,
  nginx: () => nginx,
  traefik: () => traefik,
  prometheus: () => prometheus,
  grafana: () => grafana,
  backup: () => backup,
  pgbouncer: () => pgbouncer,
  mongodb: () => mongodb,
  orientdb: () => orientdb,
  kafka: () => kafka,
  flower: () => flower,
  scheduler: () => scheduler,
  mailpit: () => mailpit,
  martin: () => martin,
};

/** The services a portal may choose, in catalog order: the answers, the schema and the menu take them from here. */
export type ServiceId = keyof typeof SERVICES;
export const SERVICE_IDS = Object.keys(SERVICES) as readonly ServiceId[];

const BACKENDS: Record<Backend, ServiceDefinition> = {
  django: backendDjango,
  fastapi: backendFastapi,
  node: backendNode,
  image: backendImage,
};

export const serviceDefinition = (id: ServiceId): ServiceDefinition => SERVICES[id]();

/** The paths services declare in their modules (`sitePaths`) on the portal's domain, chosen or not. */
export const servicePaths = (): ReadonlyMap<string, ServiceId> =>
  new Map(SERVICE_IDS.flatMap(id => (serviceDefinition(id).sitePaths ?? []).map(path => [path, id] as const)));
export const backendDefinition = (backend: Backend): ServiceDefinition => BACKENDS[backend];
