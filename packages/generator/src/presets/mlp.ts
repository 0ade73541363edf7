/**
 * MLP (IDSIA/MLprod, docker/docker-compose.yaml): the API image `mlprod.api` (uvicorn on 4789) and the
 * Celery worker image `mlprod.node`, both reading DATABASE_URL, CELERY_BROKER_URL and CELERY_BACKEND_URL;
 * PostgreSQL reached as `database`, RabbitMQ and Redis by their names, trained models in /app/models,
 * Prometheus and Grafana, Traefik giving the stack its domain. The images run unchanged.
 */
import { definePreset } from './types.js';

/** What both images read (src/mlprod/database/database.py, src/mlprod/worker/celery.py). */
const SETTINGS = {
  // the upstream template has no port: postgresql://user:pass@host/schema
  DATABASE_URL: 'postgresql://{postgis.user}:{postgis.password}@{postgis.host}/{postgis.db}',
  CELERY_BROKER_URL: 'pyamqp://{rabbitmq.user}:{rabbitmq.password}@{rabbitmq.host}:{rabbitmq.port}/{rabbitmq.vhost}',
  CELERY_BACKEND_URL: 'redis://:{redis.password}@{redis.host}:{redis.port}/0',
};

export const mlp = definePreset({
  id: 'mlp',
  title: 'MLP API platform',
  inHouseImages: ['mlprod.api', 'mlprod.node'],
  answers: ({ domain, imageTag }) => ({
    name: 'mlp',
    backend: 'image',
    backendImage: `mlprod.api:${imageTag}`,
    backendPort: 4789,
    backendContract: {
      settings: SETTINGS,
      // DATABASE_HOST=database in the upstream .env
      aliases: { database: 'postgis' },
      // python:3.12-slim has neither wget nor curl; GET / is the API's root route
      health: 'cmd:python -c "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:4789/\', timeout=4)"',
    },
    apps: [
      {
        id: 'worker',
        image: `mlprod.node:${imageTag}`,
        port: 4789,
        // the image's CMD: celery -A mlprod.worker.celery worker -l INFO (Dockerfile.node)
        settings: { ...SETTINGS, CELERY_QUEUE: '' },
        aliases: { database: 'postgis' },
        health: 'cmd:celery -A mlprod.worker.celery inspect ping -d celery@$HOSTNAME --timeout 5',
      },
    ],
    // the worker writes trained models to ./models (WORKDIR /app); compose mounted ../models there
    folders: [{ name: 'models', target: '/app/models' }],
    services: ['postgis', 'redis', 'rabbitmq', 'traefik', 'prometheus', 'grafana'],
    // grafana/provisioning/datasources/datasources.yml: a PostgreSQL data source (uid zNqkUPk4k, which the
    // dashboards name) on database:5432; ours reads through a read-only role instead of the app's user
    grafanaPostgres: 'readonly',
    grafanaPostgresUid: 'zNqkUPk4k',
    // docker-compose.yaml @ d377c2fb: Traefik routes Host(`grafana.${DOMAIN}`) to grafana
    grafanaHost: 'grafana',
    storage: 'volumes',
    acmeEmail: `admin@${domain}`,
  }),
  stores: [],
  patterns: [
    {
      old: 'mlprod.api:1.0 and mlprod.node:1.0 built by docker compose',
      now: '`backend` and `worker` from the same images, built by your CI and pinned with --image-tag; they run unchanged',
    },
    { old: 'database (postgres)', now: '`db` (PostgreSQL 16 with PostGIS), also answering as `database`' },
    {
      old: 'DATABASE_USER, DATABASE_PASS, DATABASE_SCHEMA, DATABASE_HOST in .env',
      now: 'POSTGRES_USER, POSTGRES_PASSWORD (generated), POSTGRES_DB; DATABASE_URL is composed from them for both images',
    },
    { old: 'CELERY_BROKER_URL=pyamqp://rabbitmq/ (guest)', now: 'the same variable, with its own RabbitMQ user, password and vhost' },
    { old: 'CELERY_BACKEND_URL=redis://redis/ (no password)', now: 'the same variable, with the Redis password' },
    { old: '../models:/app/models on the worker', now: 'the `models` volume at /app/models in the API and the worker' },
    { old: 'GRAFANA_ADMIN_PASS=grafana', now: 'GRAFANA_ADMIN_PASSWORD, generated, docker secret in prod' },
    {
      old: 'Grafana PostgreSQL data source as DATABASE_USER, DS_POSTGRES_PASSWORD in the environment',
      now: "the same data source (uid zNqkUPk4k) through the read-only role `grafana_reader`, password read from its secret file; `grafanaPostgres: owner` in .yo-rc.json for the app's user",
    },
    {
      old: 'grafana on grafana.${DOMAIN} (Traefik Host rule)',
      now: 'Grafana at / on grafana.<domain> (`grafanaHost`), through nginx with its looser Content-Security-Policy on that host only',
    },
    { old: 'DOMAIN and the external `www` network of a shared Traefik', now: "DOMAIN in .env; the stack's own Traefik routes it with Let's Encrypt" },
    { old: 'one docker-compose.yaml', now: 'base, dev override and prod files' },
  ],
});
