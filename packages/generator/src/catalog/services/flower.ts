/** Celery Flower under /flower/ (or at / on a sub-domain of its own, `flowerHost`): watches the workers through the broker, behind its own basic auth. */
import { IMAGES } from '../images.js';
import { limits, requireSecret, TMP } from '../defaults.js';
import { defineService } from '../types.js';
import { SITE_PATHS } from '../site-paths.js';

const PORT = 5555;

export const flower = defineService({
  id: 'flower',
  title: 'Flower',
  summary: 'Celery monitoring UI under /flower/, password protected',
  // not through varnish (never cached): nginx routes its path or sub-domain
  needs: [{ service: 'nginx', reason: 'nginx routes /flower/ (or its sub-domain) to Flower' }],
  contribute: ({ broker, answers }) => {
    const label = answers.flowerHost;
    const prefix = label ? '' : SITE_PATHS.flower.slice(0, -1);
    // the same broker, host and credentials the Celery workers use
    const rabbit = broker === 'rabbitmq';
    const brokerSecret = rabbit ? { secret: 'rabbitmq_password', env: 'RABBITMQ_PASSWORD' } : { secret: 'redis_password', env: 'REDIS_PASSWORD' };
    const brokerUrl = rabbit ? 'amqp://$${RABBITMQ_USER}:$${bpw}@rabbitmq:5672/$${RABBITMQ_VHOST}' : 'redis://:$${bpw}@redis:6379/0';
    return {
      containers: [
        {
          name: 'flower',
          role: `Celery Flower: workers and tasks (${label ? `on ${label}.<domain>` : 'under /flower/'}, user admin)`,
          image: IMAGES.flower,
          // Flower reads no *_FILE variables: both passwords are read here and handed over in the
          // environment (FLOWER_* options, CELERY_BROKER_URL), not on the command line where ps shows them
          command: [
            'sh',
            '-c',
            `${requireSecret('FLOWER_PASSWORD', 'pw')}${requireSecret(brokerSecret.env, 'bpw')}` +
              `FLOWER_BASIC_AUTH="admin:$$pw"\nCELERY_BROKER_URL="${brokerUrl}"\nexport FLOWER_BASIC_AUTH CELERY_BROKER_URL\nexec celery flower`,
          ],
          environment: {
            ...(label ? {} : { FLOWER_URL_PREFIX: 'flower' }),
            FLOWER_PORT: String(PORT),
            ...(rabbit ? { RABBITMQ_USER: '${RABBITMQ_USER}', RABBITMQ_VHOST: '${RABBITMQ_VHOST}' } : {}),
          },
          secrets: [{ secret: 'flower_password', env: 'FLOWER_PASSWORD' }, brokerSecret],
          // /flower/healthcheck answers without the password
          healthcheck: { test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORT}${prefix}/healthcheck`], startPeriod: '20s' },
          dependsOn: { [broker ?? 'redis']: 'service_healthy' },
          networks: ['internal'],
          port: PORT,
          devPorts: [PORT],
          limits: limits('256m', '0.5', 100),
          // /data, the image's VOLUME and working folder, holds nothing without --persistent
          tmpfs: [TMP, '/data:uid=1000,gid=1000,mode=0700,size=1m'],
          user: '1000:1000',
        },
      ],
      secrets: [{ name: 'flower_password', env: 'FLOWER_PASSWORD', purpose: 'Flower basic-auth password (user admin)' }],
      routes: [
        {
          path: `${prefix}/`,
          ...(label ? { host: label } : {}),
          title: 'Celery Flower (basic auth)',
          upstream: { host: 'flower', port: PORT, stripPrefix: false },
          // never cached and not through varnish; 'none' also gives the relaxed CSP Flower's inline handlers need
          cache: 'none',
          // Flower serves its metrics without the password
          privatePaths: [`${prefix}/metrics`],
        },
      ],
      scrape: [{ job: 'flower', target: `flower:${PORT}`, metricsPath: `${prefix}/metrics` }],
    };
  },
});
