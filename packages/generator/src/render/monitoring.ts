/** prometheus.yml, alert rules and grafana provisioning, built as objects from the model. */
import { subDomains } from './nginx.js';
import type { DashboardPanel } from '../catalog/types.js';
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

/** One time-series panel per metric family the scraped services expose (each scrape target names its panel). */
export function grafanaDashboard(model: PortalModel): object {
  const panels: DashboardPanel[] = [
    { title: 'Targets up', expr: 'up', legend: '{{job}}' },
    ...model.scrape.flatMap(target => (target.panel ? [target.panel] : [])),
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
