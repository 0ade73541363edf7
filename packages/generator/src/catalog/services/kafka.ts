/** Kafka broker with ZooKeeper: a message broker for the apps, independent of Celery; internal network only. */
import { IMAGES } from '../images.js';
import { limits, TMP } from '../defaults.js';
import { defineService, type ContainerSpec } from '../types.js';

/** The images' appuser. */
const APPUSER = '1000:1000';
/**
 * Both images render their config into /etc/kafka at every start (a tmpfs here). The secrets folders,
 * VOLUMEs of the images used only for TLS, become small tmpfs instead of anonymous volumes.
 */
const configTmpfs = (secrets: string) => [`/etc/kafka:uid=1000,gid=1000,mode=0755,size=8m`, `${secrets}:uid=1000,gid=1000,mode=0700,size=1m`];

export const kafka = defineService({
  id: 'kafka',
  title: 'Kafka',
  summary: 'Kafka broker with ZooKeeper, plaintext on the internal network only',
  // kept as the alternative to a Redis broker: `docker compose --profile kafka up -d` starts both
  profile: 'kafka',
  contribute: () => {
    const zookeeper: ContainerSpec = {
      name: 'zookeeper',
      role: "ZooKeeper: Kafka's cluster metadata",
      image: IMAGES.zookeeper,
      environment: {
        ZOOKEEPER_CLIENT_PORT: '2181',
        ZOOKEEPER_TICK_TIME: '2000',
        ZOOKEEPER_ADMIN_ENABLE_SERVER: 'false',
        ZOOKEEPER_AUTOPURGE_SNAP_RETAIN_COUNT: '3',
        ZOOKEEPER_AUTOPURGE_PURGE_INTERVAL: '24',
        KAFKA_HEAP_OPTS: '-Xms64m -Xmx256m',
        // the healthcheck's four-letter word
        KAFKA_OPTS: '-Dzookeeper.4lw.commands.whitelist=ruok',
        // without -loggc: GC logs would fill the read-only image's log folder
        EXTRA_ARGS: '-name zookeeper',
      },
      mounts: [
        { storage: 'zookeeper-data', target: '/var/lib/zookeeper/data' },
        { storage: 'zookeeper-log', target: '/var/lib/zookeeper/log' },
      ],
      healthcheck: { test: ['CMD', 'bash', '-c', 'exec 3<>/dev/tcp/127.0.0.1/2181 && printf ruok >&3 && grep -q imok <&3'], startPeriod: '30s' },
      networks: ['internal'],
      port: 2181,
      limits: limits('512m', '0.5', 200),
      tmpfs: [TMP, ...configTmpfs('/etc/zookeeper/secrets'), '/var/log/kafka:uid=1000,gid=1000,size=16m'],
      user: APPUSER,
    };
    const broker: ContainerSpec = {
      name: 'kafka',
      role: 'Kafka broker (PLAINTEXT, internal network only)',
      image: IMAGES.kafka,
      environment: {
        KAFKA_BROKER_ID: '1',
        KAFKA_ZOOKEEPER_CONNECT: 'zookeeper:2181',
        KAFKA_LISTENERS: 'PLAINTEXT://0.0.0.0:9092',
        KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://kafka:9092',
        // one broker: internal topics cannot have more replicas
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_LOG_RETENTION_HOURS: '168',
        KAFKA_HEAP_OPTS: '-Xms256m -Xmx512m',
        EXTRA_ARGS: '-name kafkaServer',
      },
      mounts: [{ storage: 'kafka-data', target: '/var/lib/kafka/data' }],
      // a real request to the broker; the tool's own JVM is kept small
      healthcheck: {
        test: ['CMD-SHELL', 'KAFKA_HEAP_OPTS=-Xmx64m kafka-broker-api-versions --bootstrap-server 127.0.0.1:9092 > /dev/null'],
        interval: '30s',
        timeout: '20s',
        startPeriod: '60s',
      },
      dependsOn: { zookeeper: 'service_healthy' },
      networks: ['internal'],
      port: 9092,
      limits: limits('1g', '1.0', 500),
      // snappy and zstd unpack their native libraries to /tmp and map them executable
      tmpfs: ['/tmp:exec,size=64m', ...configTmpfs('/etc/kafka/secrets'), '/var/log/kafka:uid=1000,gid=1000,size=16m'],
      user: APPUSER,
    };
    return {
      containers: [zookeeper, broker],
      storage: [
        { name: 'zookeeper-data', purpose: 'ZooKeeper snapshots', usedBy: ['zookeeper'], owner: APPUSER, backup: false },
        { name: 'zookeeper-log', purpose: 'ZooKeeper transaction log', usedBy: ['zookeeper'], owner: APPUSER, backup: false },
        { name: 'kafka-data', purpose: 'Kafka topic partitions', usedBy: ['kafka'], owner: APPUSER, backup: false },
      ],
      appEnv: { KAFKA_BOOTSTRAP_SERVERS: 'kafka:9092' },
      connections: [{ store: 'kafka', host: 'kafka', port: 9092 }],
      appDependsOn: { kafka: 'service_healthy' },
    };
  },
});
