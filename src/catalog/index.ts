/** The ordered catalog: menu order, compose order and docs order are all this order. */
import type { Backend, ServiceId } from '../answers/answers.js';
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

const SERVICES: Record<ServiceId, ServiceDefinition> = {
  postgis,
  redis,
  celery,
  rabbitmq,
  tileserver,
  varnish,
  nginx,
  traefik,
  prometheus,
  grafana,
  backup,
  pgbouncer,
  mongodb,
  orientdb,
  kafka,
  flower,
  scheduler,
  mailpit,
  martin,
};

const BACKENDS: Record<Backend, ServiceDefinition> = {
  django: backendDjango,
  fastapi: backendFastapi,
  node: backendNode,
  image: backendImage,
};

export const serviceDefinition = (id: ServiceId): ServiceDefinition => SERVICES[id];
export const backendDefinition = (backend: Backend): ServiceDefinition => BACKENDS[backend];
