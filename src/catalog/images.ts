/** Every third-party image, pinned to a release tag; bump them here and nowhere else. */
export const IMAGES = {
  python: 'python:3.12.8-slim-bookworm',
  node: 'node:20.18.1-bookworm-slim',
  postgis: 'postgis/postgis:16-3.5',
  redis: 'redis:7.4.2-alpine',
  rabbitmq: 'rabbitmq:3.13.7-management-alpine',
  tileserver: 'pramsey/pg_tileserv:20240614',
  varnish: 'varnish:7.6.1-alpine',
  nginx: 'nginxinc/nginx-unprivileged:1.27.3-alpine',
  traefik: 'traefik:v3.2.3',
  prometheus: 'prom/prometheus:v2.55.1',
  grafana: 'grafana/grafana:11.4.0',
  postgresExporter: 'prometheuscommunity/postgres-exporter:v0.16.0',
  redisExporter: 'oliver006/redis_exporter:v1.66.0-alpine',
  nginxExporter: 'nginx/nginx-prometheus-exporter:1.4.0',
  backup: 'postgres:16.6-alpine',
  alpine: 'alpine:3.21.2',
} as const;
