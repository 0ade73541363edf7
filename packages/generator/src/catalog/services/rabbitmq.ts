/** RabbitMQ: the Celery broker when chosen; guest disabled, own vhost, metrics from the built-in plugin. */
import { IMAGES } from '../images.js';
import { limits, requireSecret, shellProbe } from '../defaults.js';
import { defineService } from '../types.js';

const MEMORY_MIB = 512;

export const rabbitmq = defineService({
  id: 'rabbitmq',
  title: 'RabbitMQ',
  summary: 'Message broker for background tasks, with the management UI in dev',
  contribute: ({ slug }) => ({
    repoLayout: [{ path: 'rabbitmq/', what: 'RabbitMQ settings and plugins' }],
    containers: [
      {
        name: 'rabbitmq',
        role: 'Message broker (AMQP)',
        image: IMAGES.rabbitmq,
        // the image reads no *_FILE variables, so the password is taken from the secret file here
        command: [
          'sh',
          '-c',
          `${requireSecret('RABBITMQ_PASSWORD', 'RABBITMQ_DEFAULT_PASS')}export RABBITMQ_DEFAULT_PASS\nexec docker-entrypoint.sh rabbitmq-server`,
        ],
        // the node name (rabbit@<hostname>) names the data folder: a random container hostname would
        // start an empty node on every re-creation
        hostname: 'rabbitmq',
        environment: { RABBITMQ_DEFAULT_USER: '${RABBITMQ_USER}', RABBITMQ_DEFAULT_VHOST: '${RABBITMQ_VHOST}' },
        secrets: [{ secret: 'rabbitmq_password', env: 'RABBITMQ_PASSWORD' }],
        mounts: [
          { storage: 'rabbitmq-data', target: '/var/lib/rabbitmq' },
          { file: './rabbitmq/rabbitmq.conf', target: '/etc/rabbitmq/conf.d/20-portal.conf' },
          { file: './rabbitmq/enabled_plugins', target: '/etc/rabbitmq/enabled_plugins' },
        ],
        healthcheck: shellProbe('rabbitmq-diagnostics -q check_port_connectivity', '60s'),
        networks: ['internal'],
        port: 5672,
        devPorts: [5672, 15672],
        limits: limits(`${MEMORY_MIB}m`, '1.0', 400),
        writableRoot: 'the entrypoint and the Erlang runtime write outside the data volume (cookie, generated config); not proven to start read-only',
        capAdd: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
      },
    ],
    storage: [{ name: 'rabbitmq-data', purpose: 'RabbitMQ queues and definitions', usedBy: ['rabbitmq'], owner: '100:101', backup: false }],
    secrets: [{ name: 'rabbitmq_password', env: 'RABBITMQ_PASSWORD', purpose: 'RabbitMQ user password' }],
    // the user's password lives in the node's database once created
    passwordChanges: [
      { container: 'rabbitmq', secret: 'rabbitmq_password', keeper: 'RabbitMQ', command: 'rabbitmqctl change_password "$RABBITMQ_DEFAULT_USER" "$pw"' },
    ],
    env: [
      { name: 'RABBITMQ_USER', value: slug, comment: 'RabbitMQ user (guest is loopback-only)' },
      { name: 'RABBITMQ_VHOST', value: slug, comment: 'RabbitMQ virtual host' },
    ],
    appEnv: { RABBITMQ_HOST: 'rabbitmq', RABBITMQ_PORT: '5672', RABBITMQ_USER: '${RABBITMQ_USER}', RABBITMQ_VHOST: '${RABBITMQ_VHOST}' },
    appSecrets: [{ secret: 'rabbitmq_password', env: 'RABBITMQ_PASSWORD' }],
    readiness: { rabbitmq: 'service_healthy' },
    connections: [
      {
        store: 'rabbitmq',
        host: 'rabbitmq',
        port: 5672,
        fields: { user: '${RABBITMQ_USER}', vhost: '${RABBITMQ_VHOST}' },
        secretFields: { password: { secret: 'rabbitmq_password', env: 'RABBITMQ_PASSWORD' } },
      },
    ],
    scrape: [
      { job: 'rabbitmq', target: 'rabbitmq:15692', panel: { title: 'RabbitMQ messages ready', expr: 'sum(rabbitmq_queue_messages_ready)', legend: 'ready' } },
    ],
    alerts: [
      {
        alert: 'RabbitMQQueueBacklog',
        expr: 'sum(rabbitmq_queue_messages_ready) > 1000',
        for: '15m',
        severity: 'warning',
        summary: 'More than 1000 messages wait in RabbitMQ queues',
      },
    ],
    files: [
      { path: 'rabbitmq/rabbitmq.conf', template: 'rabbitmq/rabbitmq.conf.ejs', view: { memoryBytes: MEMORY_MIB * 1024 * 1024 } },
      { path: 'rabbitmq/enabled_plugins', template: 'rabbitmq/enabled_plugins.ejs' },
    ],
  }),
});
