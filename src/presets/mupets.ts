/**
 * Mupets: Node.js server with "cargo" containers (Admin, Log-Archiver) from in-house images, canonical
 * Redis (the broker) and OrientDB, and Kafka with ZooKeeper kept as the alternative backbone.
 */
import { definePreset } from './types.js';

export const mupets = definePreset({
  id: 'mupets',
  title: 'Mupets server',
  inHouseImages: ['mupets/admin', 'mupets/log-archiver'],
  answers: ({ imageTag }) => ({
    name: 'mupets',
    backend: 'node',
    services: ['redis', 'nginx', 'orientdb', 'kafka'],
    apps: [
      { id: 'admin', image: `mupets/admin:${imageTag}`, port: 3000, route: '/admin/' },
      { id: 'log-archiver', image: `mupets/log-archiver:${imageTag}`, port: 3000 },
    ],
    storage: 'volumes',
  }),
  stores: [],
  patterns: [
    { old: 'canonical containers (Redis, OrientDB)', now: '`redis` and `orientdb` from pinned official images, passwords from secrets' },
    { old: 'Redis-Broker', now: '`redis`' },
    { old: 'cargo containers (Admin, Log-Archiver) built from images/<name>/', now: 'app containers `admin` and `log-archiver` from their pinned images' },
    { old: 'df.dev.yml and df.prod.yml per image', now: 'one Dockerfile per image with `dev` and `prod` build targets (backend/Dockerfile)' },
    { old: 'dev images exposing volumes for mounted source', now: 'docker-compose.override.yml mounts the source into the dev target' },
    { old: 'Kafka (wurstmeister/kafka) as alternative to Redis-Broker', now: '`kafka` (Confluent image, ZooKeeper mode) on the internal network' },
    { old: 'ZooKeeper (wurstmeister/zookeeper)', now: '`zookeeper`, with its own volumes' },
    { old: 'links between containers', now: 'compose networks: `internal` for data services, `edge` for the front' },
  ],
});
