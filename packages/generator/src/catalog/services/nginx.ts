/** nginx: serves static and media files and routes paths to the app, the cache, tiles and grafana. */
import { IMAGES } from '../images.js';
import { limits, SCRATCH_EXPORTER, wgetProbe } from '../defaults.js';
import { defineService, type ContainerSpec } from '../types.js';
import { sharedTraefikProd, sharedTraefikRouters } from '../shared-traefik.js';
import { VARNISH_PORT } from './varnish.js';

export const NGINX_PORT = 8080;
export const NGINX_TLS_PORT = 8443;
/** Health and stub_status listen here, on the internal network only. */
export const NGINX_STATUS_PORT = 8081;
/** nginx's own health answer, on the status port (its healthcheck) and for the probe host (varnish's probe). */
export const NGINX_HEALTH_PATH = '/healthz';
/** Where nginx serves the ACME HTTP-01 challenge files certbot writes into ACME_WEBROOT on the host (prod, nginx TLS). */
export const ACME_CHALLENGE_ROOT = '/var/www/acme';

export const nginx = defineService({
  id: 'nginx',
  title: 'nginx',
  summary: 'Reverse proxy and static files; TLS edge when traefik is not chosen',
  contribute: ({ has, answers }) => {
    // a Traefik terminates TLS: the stack's own, or a shared one in front of the stack
    const terminatesTls = !has('traefik') && !answers.traefikNetwork;
    // the shared Traefik's routers to nginx: the domain when it is the entry, and every sub-domain
    const sharedTraefik = sharedTraefikProd(answers, sharedTraefikRouters(answers, has, { nginx: NGINX_PORT, varnish: VARNISH_PORT }), 'nginx');
    const hasDjangoFiles = answers.backend === 'django';
    const server: ContainerSpec = {
      name: 'nginx',
      role: terminatesTls ? 'Reverse proxy, static files, TLS in prod' : 'Reverse proxy and static files',
      image: IMAGES.nginx,
      mounts: [
        { file: './nginx/nginx.conf', target: '/etc/nginx/nginx.conf' },
        { file: './nginx/snippets', target: '/etc/nginx/snippets' },
        ...(hasDjangoFiles
          ? [
              { storage: 'static', target: '/srv/static', readOnly: true },
              { storage: 'media', target: '/srv/media', readOnly: true },
            ]
          : []),
      ],
      healthcheck: wgetProbe(`http://127.0.0.1:${NGINX_STATUS_PORT}${NGINX_HEALTH_PATH}`, '10s'),
      // depends_on on every upstream is added by the model, from the routes
      networks: ['internal'],
      port: NGINX_PORT,
      // its exporter reads stub_status there
      otherPorts: [NGINX_STATUS_PORT],
      devPorts: [NGINX_PORT],
      dev: { volumes: ['./nginx/sites/dev.conf:/etc/nginx/conf.d/default.conf:ro'] },
      prod: {
        volumes: [
          './nginx/sites/prod.conf:/etc/nginx/conf.d/default.conf:ro',
          ...(terminatesTls ? ['${TLS_CERT_DIR}:/etc/nginx/certs:ro', `\${ACME_WEBROOT}:${ACME_CHALLENGE_ROOT}:ro`] : []),
        ],
        ...sharedTraefik,
      },
      limits: limits('256m', '0.5', 200),
      // the image's own user, stated so the compose file shows it
      user: '101:101',
      // pid file and request/proxy buffers (see nginx.conf)
      tmpfs: ['/tmp:size=128m'],
    };
    const exporter: ContainerSpec = {
      name: 'nginx-exporter',
      role: 'Prometheus exporter for nginx (stub_status)',
      image: IMAGES.nginxExporter,
      command: [`--nginx.scrape-uri=http://nginx:${NGINX_STATUS_PORT}/stub_status`],
      healthExemption: SCRATCH_EXPORTER,
      dependsOn: { nginx: 'service_healthy' },
      networks: ['internal'],
      port: 9113,
      limits: limits('64m', '0.25', 50),
      user: '65534:65534',
    };
    return {
      repoLayout: [{ path: 'nginx/', what: 'nginx.conf, site files for dev and prod, routes and headers snippets' }],
      containers: has('prometheus') ? [server, exporter] : [server],
      env: terminatesTls
        ? [
            { name: 'TLS_CERT_DIR', value: './secrets/tls', comment: 'folder with fullchain.pem and privkey.pem for nginx in prod (readable by uid/gid 101)' },
            {
              name: 'ACME_WEBROOT',
              value: './acme-webroot',
              comment: 'certbot --webroot writes challenge files here; nginx serves them read-only on port 80 (prod)',
            },
          ]
        : [],
      scrape: [
        {
          job: 'nginx',
          target: 'nginx-exporter:9113',
          panel: { title: 'nginx requests per second', expr: 'rate(nginx_http_requests_total[5m])', legend: 'requests' },
        },
      ],
      alerts: [{ alert: 'NginxDown', expr: 'nginx_up == 0', for: '2m', severity: 'critical', summary: 'nginx stub_status does not answer' }],
    };
  },
});
