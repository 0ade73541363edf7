/**
 * MLP: FastAPI API and Celery worker (Dockerfile.api, Dockerfile.worker), Redis, PostgreSQL, RabbitMQ,
 * Prometheus, Grafana, and Traefik giving the stack its (sub-)domains; settings in a .env file.
 */
import { definePreset } from './types.js';

export const mlp = definePreset({
  id: 'mlp',
  title: 'MLP API platform',
  inHouseImages: [],
  answers: ({ domain }) => ({
    name: 'mlp',
    backend: 'fastapi',
    services: ['postgis', 'redis', 'celery', 'rabbitmq', 'traefik', 'prometheus', 'grafana'],
    storage: 'volumes',
    acmeEmail: `admin@${domain}`,
  }),
  stores: [],
  patterns: [
    { old: 'Dockerfile.api and Dockerfile.worker', now: 'backend/Dockerfile; the API and the Celery containers run the same image' },
    { old: 'PostgreSQL', now: '`db` (PostgreSQL 16 with PostGIS available)' },
    { old: 'DATABASE_USER, DATABASE_PASS, DATABASE_SCHEMA, DATABASE_HOST, DATABASE_URL', now: 'POSTGRES_USER, POSTGRES_PASSWORD (secret), POSTGRES_DB, POSTGRES_HOST; the app builds its URL' },
    { old: 'CELERY_BROKER_URL=pyamqp://rabbitmq/', now: 'TASK_BROKER=rabbitmq with RABBITMQ_USER and the RABBITMQ_PASSWORD secret' },
    { old: 'CELERY_BACKEND_URL=redis://redis/', now: 'REDIS_HOST and the REDIS_PASSWORD secret' },
    { old: 'GRAFANA_ADMIN_PASS=grafana', now: 'GRAFANA_ADMIN_PASSWORD, generated, docker secret in prod' },
    { old: 'DOMAIN for traefik labels', now: 'DOMAIN in .env; traefik routes it with Let\'s Encrypt and security headers' },
    { old: 'one docker-compose.yaml', now: 'base, dev override and prod files' },
  ],
});
