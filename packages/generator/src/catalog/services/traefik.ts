/** Traefik (prod only): TLS with Let's Encrypt, HTTP->HTTPS redirect; routes come from a file, so no Docker socket. */
import { IMAGES } from '../images.js';
import { limits, TMP } from '../defaults.js';
import { defineService } from '../types.js';

export const traefik = defineService({
  id: 'traefik',
  title: 'Traefik',
  summary: "TLS edge in prod with Let's Encrypt certificates",
  contribute: ({ has, answers }) => ({
    repoLayout: [{ path: 'traefik/', what: 'TLS edge configuration (prod)' }],
    containers: [
      {
        name: 'traefik',
        role: "TLS edge (prod): certificates from Let's Encrypt, redirects HTTP to HTTPS",
        image: IMAGES.traefik,
        command: ['--configFile=/etc/traefik/traefik.yml'],
        mounts: [
          { file: './traefik/traefik.yml', target: '/etc/traefik/traefik.yml' },
          { file: './traefik/dynamic', target: '/etc/traefik/dynamic' },
          { storage: 'traefik-acme', target: '/letsencrypt' },
        ],
        healthcheck: { test: ['CMD', 'traefik', 'healthcheck', '--ping'], startPeriod: '10s' },
        // Prometheus, on the internal network only, scrapes traefik's metrics there
        networks: has('prometheus') ? ['edge', 'internal'] : ['edge'],
        port: 8443,
        prodOnly: true,
        notInKubernetes: "the cluster's Gateway (or Ingress controller) terminates TLS and routes to the front",
        limits: limits('256m', '0.5', 200),
        tmpfs: [TMP],
      },
    ],
    storage: [{ name: 'traefik-acme', purpose: "Let's Encrypt account and certificates", usedBy: ['traefik'], owner: '0:0', backup: true }],
    scrape: [
      {
        job: 'traefik',
        target: 'traefik:8082',
        prodOnly: true,
        panel: { title: 'Traefik requests per second by code', expr: 'sum by (code) (rate(traefik_entrypoint_requests_total[5m]))', legend: '{{code}}' },
      },
    ],
    files: [{ path: 'traefik/traefik.yml', yaml: traefikStatic(answers.acmeEmail ?? '', has('prometheus')), comment: 'Traefik static configuration (prod).' }],
  }),
});

/** With --configFile, traefik ignores every other CLI flag: the whole static configuration lives here. */
function traefikStatic(acmeEmail: string, withMetrics: boolean): object {
  return {
    entryPoints: {
      // websecure listens on 8443 inside the container; browsers reach it as 443
      web: { address: ':8000', http: { redirections: { entryPoint: { to: ':443', scheme: 'https', permanent: true } } } },
      websecure: { address: ':8443', http: { tls: { certResolver: 'le' } } },
      ...(withMetrics ? { metrics: { address: ':8082' } } : {}),
    },
    providers: { file: { directory: '/etc/traefik/dynamic', watch: true } },
    certificatesResolvers: { le: { acme: { email: acmeEmail, storage: '/letsencrypt/acme.json', tlsChallenge: {} } } },
    ping: {},
    api: { dashboard: false },
    log: { level: 'INFO' },
    accessLog: {},
    global: { checkNewVersion: false, sendAnonymousUsage: false },
    ...(withMetrics ? { metrics: { prometheus: { entryPoint: 'metrics' } } } : {}),
  };
}
