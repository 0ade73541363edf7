/** prometheus.yml, alert rules and grafana provisioning, built as objects from the model. */
import { subDomains } from './nginx.js';
import type { PortalModel } from '../model/portal-model.js';
import { UNTRUSTED_REQUEST_HEADERS } from './forwarding.js';

export function prometheusConfig(model: PortalModel): object {
  return {
    global: { scrape_interval: '15s', evaluation_interval: '15s' },
    rule_files: ['/etc/prometheus/rules/*.yml'],
    scrape_configs: model.scrape.map(target => ({
      job_name: target.job,
      ...(target.metricsPath ? { metrics_path: target.metricsPath } : {}),
      ...(target.prodOnly ? { dns_sd_configs: dnsDiscovery(target.target) } : { static_configs: [{ targets: [target.target] }] }),
    })),
  };
}

function dnsDiscovery(target: string): object[] {
  const [host, port] = target.split(':');
  return [{ names: [host], type: 'A', port: Number(port), refresh_interval: '30s' }];
}

export function alertRules(model: PortalModel): object {
  return {
    groups: [
      {
        name: `${model.answers.name}-baseline`,
        rules: model.alerts.map(rule => ({
          alert: rule.alert,
          expr: rule.expr,
          for: rule.for,
          labels: { severity: rule.severity },
          annotations: { summary: rule.summary },
        })),
      },
    ],
  };
}

export const grafanaDatasource = (): object => ({
  apiVersion: 1,
  datasources: [
    { name: 'Prometheus', type: 'prometheus', uid: 'prometheus', access: 'proxy', url: 'http://prometheus:9090', isDefault: true, editable: false },
  ],
});

export const grafanaDashboardProvider = (): object => ({
  apiVersion: 1,
  providers: [
    {
      name: 'portal',
      folder: 'Portal',
      type: 'file',
      disableDeletion: true,
      allowUiUpdates: false,
      options: { path: '/var/lib/grafana-dashboards' },
    },
  ],
});

interface PanelSpec {
  readonly title: string;
  readonly expr: string;
  readonly legend: string;
}

/** One time-series panel per metric family that the chosen services expose. */
export function grafanaDashboard(model: PortalModel): object {
  const jobs = new Set(model.scrape.map(target => target.job));
  const panels: PanelSpec[] = [
    { title: 'Targets up', expr: 'up', legend: '{{job}}' },
    ...(jobs.has('backend')
      ? [{ title: 'Backend requests per second by status', expr: 'sum by (status) (rate(portal_http_requests_total[5m]))', legend: '{{status}}' }]
      : []),
    ...(jobs.has('nginx') ? [{ title: 'nginx requests per second', expr: 'rate(nginx_http_requests_total[5m])', legend: 'requests' }] : []),
    ...(jobs.has('postgres') ? [{ title: 'PostgreSQL connections', expr: 'sum by (datname) (pg_stat_database_numbackends)', legend: '{{datname}}' }] : []),
    ...(jobs.has('redis') ? [{ title: 'Redis memory used', expr: 'redis_memory_used_bytes', legend: 'bytes' }] : []),
    ...(jobs.has('rabbitmq') ? [{ title: 'RabbitMQ messages ready', expr: 'sum(rabbitmq_queue_messages_ready)', legend: 'ready' }] : []),
    ...(jobs.has('traefik')
      ? [{ title: 'Traefik requests per second by code', expr: 'sum by (code) (rate(traefik_entrypoint_requests_total[5m]))', legend: '{{code}}' }]
      : []),
  ];
  return {
    uid: `${model.answers.name}-overview`.slice(0, 40),
    title: `${model.answers.name} overview`,
    tags: ['portal'],
    timezone: 'browser',
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    panels: panels.map((panel, index) => ({
      id: index + 1,
      type: 'timeseries',
      title: panel.title,
      datasource: { type: 'prometheus', uid: 'prometheus' },
      gridPos: { h: 8, w: 12, x: (index % 2) * 12, y: Math.floor(index / 2) * 8 },
      targets: [{ refId: 'A', expr: panel.expr, legendFormat: panel.legend, datasource: { type: 'prometheus', uid: 'prometheus' } }],
    })),
  };
}

/**
 * traefik's file provider: the domain routed to the front service, with security headers. Other host names
 * match no router (404, and no certificate with sniStrict). traefik drops the X-Forwarded-* a client sent
 * but fills X-Forwarded-Host and -Port from the request's Host, port included (Host(`d`) matches `d:1234`),
 * and passes `Forwarded` on: the forwarding middleware sets the router's own values instead.
 */
export function traefikDynamic(model: PortalModel): object {
  const domain = model.answers.domain;
  // the portal's host, then each sub-domain a route is served on (an instance's model has its own domain)
  const hosts = [{ id: '', host: domain }, ...subDomains(model).map(label => ({ id: `-${label.replace(/\./g, '-')}`, host: `${label}.${domain}` }))];
  const forwarding = (host: string) => ({
    headers: {
      // an empty value deletes the header
      customRequestHeaders: {
        Host: host,
        'X-Forwarded-Host': host,
        'X-Forwarded-Proto': 'https',
        ...Object.fromEntries(UNTRUSTED_REQUEST_HEADERS.map(header => [header, ''])),
      },
    },
  });
  return {
    http: {
      routers: Object.fromEntries(
        hosts.map(({ id, host }) => [
          `portal${id}`,
          {
            rule: `Host(\`${host}\`)`,
            entryPoints: ['websecure'],
            service: 'portal',
            middlewares: [`forwarding${id}`, 'security-headers'],
            tls: { certResolver: 'le' },
          },
        ]),
      ),
      services: { portal: { loadBalancer: { servers: [{ url: `http://${model.front.name}:${model.front.port}` }] } } },
      middlewares: {
        ...Object.fromEntries(hosts.map(({ id, host }) => [`forwarding${id}`, forwarding(host)])),
        'security-headers': {
          headers: { stsSeconds: 63072000, stsIncludeSubdomains: true, contentTypeNosniff: true, referrerPolicy: 'strict-origin-when-cross-origin' },
        },
      },
    },
    tls: { options: { default: { minVersion: 'VersionTLS12', sniStrict: true } } },
  };
}
