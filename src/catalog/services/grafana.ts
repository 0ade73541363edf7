/** Grafana at /grafana/, provisioned with the Prometheus datasource and an overview dashboard. */
import { IMAGES } from '../images.js';
import { limits, TMP, wgetProbe } from '../defaults.js';
import { defineService } from '../types.js';

export const grafana = defineService({
  id: 'grafana',
  title: 'Grafana',
  summary: 'Dashboards over Prometheus, served under /grafana/',
  contribute: ({ devUrl }) => ({
    containers: [
      {
        name: 'grafana',
        role: 'Dashboards (under /grafana/)',
        image: IMAGES.grafana,
        environment: {
          GF_SERVER_ROOT_URL: 'https://${DOMAIN}/grafana/',
          GF_SERVER_SERVE_FROM_SUB_PATH: 'true',
          GF_SECURITY_ADMIN_USER: 'admin',
          GF_AUTH_ANONYMOUS_ENABLED: 'false',
          GF_USERS_ALLOW_SIGN_UP: 'false',
          GF_ANALYTICS_REPORTING_ENABLED: 'false',
          GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
        },
        secrets: [{ secret: 'grafana_admin_password', env: 'GF_SECURITY_ADMIN_PASSWORD', fileEnv: 'GF_SECURITY_ADMIN_PASSWORD__FILE' }],
        mounts: [
          { file: './grafana/provisioning', target: '/etc/grafana/provisioning' },
          { file: './grafana/dashboards', target: '/var/lib/grafana-dashboards' },
          { storage: 'grafana-data', target: '/var/lib/grafana' },
        ],
        healthcheck: wgetProbe('http://127.0.0.1:3000/api/health', '30s'),
        dependsOn: { prometheus: 'service_healthy' },
        networks: ['internal', 'edge'],
        port: 3000,
        devPorts: [3000],
        // behind nginx or varnish the browser sees Grafana under the front's dev URL; alone, on its own port
        // grafana brings prometheus, which brings a proxy: in dev it is reached through the front
        dev: { environment: { GF_SERVER_ROOT_URL: `${devUrl}/grafana/` } },
        limits: limits('256m', '0.5', 200),
        tmpfs: [TMP],
        user: '472:0',
      },
    ],
    storage: [{ name: 'grafana-data', purpose: 'Grafana users, sessions and edited dashboards', usedBy: ['grafana'], owner: '472:0', backup: true }],
    secrets: [{ name: 'grafana_admin_password', env: 'GRAFANA_ADMIN_PASSWORD', purpose: 'Grafana admin login' }],
    routes: [{ path: '/grafana/', title: 'Grafana dashboards', upstream: { host: 'grafana', port: 3000, stripPrefix: false }, cache: 'none', websocket: true }],
    // grafana strips its sub path itself, so /grafana/metrics answers too
    scrape: [{ job: 'grafana', target: 'grafana:3000', publicAliases: ['/grafana/metrics'] }],
  }),
});
