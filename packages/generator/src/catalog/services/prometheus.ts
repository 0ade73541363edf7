/** Prometheus: scrapes every chosen service (config rendered from the model) and evaluates baseline alerts. */
import { IMAGES } from '../images.js';
import { limits, wgetProbe } from '../defaults.js';
import { defineService } from '../types.js';

export const prometheus = defineService({
  id: 'prometheus',
  title: 'Prometheus',
  summary: 'Metrics and alert rules for every service',
  contribute: () => ({
    repoLayout: [{ path: 'prometheus/', what: 'scrape jobs and alert rules' }],
    containers: [
      {
        name: 'prometheus',
        role: 'Metrics collection and alert rules',
        image: IMAGES.prometheus,
        command: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus', '--storage.tsdb.retention.time=${PROMETHEUS_RETENTION}'],
        mounts: [
          { file: './prometheus/prometheus.yml', target: '/etc/prometheus/prometheus.yml' },
          { file: './prometheus/rules', target: '/etc/prometheus/rules' },
          { storage: 'prometheus-data', target: '/prometheus' },
        ],
        healthcheck: wgetProbe('http://127.0.0.1:9090/-/healthy', '20s'),
        networks: ['internal'],
        port: 9090,
        devPorts: [9090],
        limits: limits('1g', '1.0', 300),
        user: '65534:65534',
      },
    ],
    storage: [{ name: 'prometheus-data', purpose: 'Prometheus time series', usedBy: ['prometheus'], owner: '65534:65534', backup: false }],
    env: [{ name: 'PROMETHEUS_RETENTION', value: '15d', comment: 'how long Prometheus keeps samples' }],
    // no login of its own: never routed publicly
    consoles: [{ title: 'Prometheus', internal: { container: 'prometheus', port: 9090 } }],
    scrape: [{ job: 'prometheus', target: 'localhost:9090' }],
    alerts: [
      { alert: 'TargetDown', expr: 'up == 0', for: '5m', severity: 'critical', summary: 'A scrape target is down' },
      {
        alert: 'PrometheusConfigReloadFailed',
        expr: 'prometheus_config_last_reload_successful == 0',
        for: '10m',
        severity: 'warning',
        summary: 'Prometheus could not load its configuration',
      },
    ],
  }),
});
