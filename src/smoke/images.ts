/**
 * What stands in for each image: the Debian package that provides the same server, where the image keeps
 * its entrypoint, command and user, and which small stand-ins replace the servers Debian lacks. Images not
 * listed here are not started; the run says so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../verify/tools.js';

export interface ImageRuntime {
  /** What runs here, printed in the report. */
  readonly runs: string;
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly user?: string;
  /** [host file, path in the image]: Debian's binaries (or our stand-ins) where the image has its own. */
  readonly files?: readonly (readonly [string, string])[];
  /** [path, target]: symbolic links the image has, such as log files that point at stderr. */
  readonly links?: readonly (readonly [string, string])[];
  readonly workdir?: string;
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Environment that makes a Go server listen on the service's own address only: Go bypasses libc, so the
   * own-address library cannot, and a wrong port in a scrape target would otherwise reach another service.
   */
  readonly listenEnv?: (address: string) => Record<string, string>;
  /** The image's STOPSIGNAL. */
  readonly stopSignal?: NodeJS.Signals;
  /** Set when this is not the real server. */
  readonly standIn?: string;
}

/** Stand-ins and shims shipped with the harness, bound at /smoke in every container. */
export const SMOKE_DIR = (() => {
  const dist = join(PACKAGE_ROOT, 'dist', 'smoke', 'standins');
  return existsSync(dist) ? dist : join(PACKAGE_ROOT, 'src', 'smoke', 'standins');
})();

/** Debian's prometheus server, unpacked like promtool (see .ci/install-validators). */
export const PROMETHEUS_BIN = join(PACKAGE_ROOT, '.tools', 'bin', 'prometheus');

/** The nginx images send their log files to the container's output. */
const NGINX_LOGS = [['/var/log/nginx/access.log', '/dev/stdout'], ['/var/log/nginx/error.log', '/dev/stderr']] as const;

const postgres: ImageRuntime = {
  runs: 'PostgreSQL 15 + PostGIS 3 (Debian), first boot as the image does it',
  entrypoint: ['/smoke/postgres-entrypoint.sh'],
  cmd: ['postgres'],
  // fast shutdown: SIGTERM would wait for every open session
  stopSignal: 'SIGINT',
};

/** Debian's prometheus-<name>-exporter where the image keeps its binary, listening on its own address. */
const exporter = (name: string, at: string, user: string, listenVariable: string, port: number): ImageRuntime => ({
  runs: `prometheus-${name}-exporter (Debian)`,
  entrypoint: [at],
  user,
  files: [[`/usr/bin/prometheus-${name}-exporter`, at]],
  listenEnv: address => ({ [listenVariable]: `${address}:${port}` }),
});

const IMAGES: Record<string, ImageRuntime> = {
  'postgis/postgis': postgres,
  postgres,
  'edoburu/pgbouncer': { runs: 'pgbouncer (Debian)', cmd: ['pgbouncer', '/etc/pgbouncer/pgbouncer.ini'], user: '70:70' },
  redis: { runs: 'redis-server (Debian)', cmd: ['redis-server'], workdir: '/data' },
  rabbitmq: {
    runs: 'rabbitmq-server (Debian)',
    entrypoint: ['/usr/local/bin/docker-entrypoint.sh'],
    cmd: ['rabbitmq-server'],
    files: [[`${SMOKE_DIR}/rabbitmq-entrypoint.sh`, '/usr/local/bin/docker-entrypoint.sh']],
  },
  varnish: { runs: 'varnishd (Debian)', cmd: ['varnishd', '-F', '-f', '/etc/varnish/default.vcl', '-a', 'http=:80,HTTP'] },
  nginx: { runs: 'nginx (Debian)', cmd: ['nginx', '-g', 'daemon off;'], links: NGINX_LOGS },
  'nginxinc/nginx-unprivileged': { runs: 'nginx (Debian)', cmd: ['nginx', '-g', 'daemon off;'], user: '101:101', links: NGINX_LOGS },
  'prom/prometheus': {
    runs: 'prometheus (Debian)',
    entrypoint: ['/bin/prometheus'],
    cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
    user: '65534:65534',
    files: [[PROMETHEUS_BIN, '/bin/prometheus']],
  },
  'prometheuscommunity/postgres-exporter': exporter('postgres', '/bin/postgres_exporter', '65534:65534', 'PG_EXPORTER_WEB_LISTEN_ADDRESS', 9187),
  'oliver006/redis_exporter': exporter('redis', '/redis_exporter', '59000:59000', 'REDIS_EXPORTER_WEB_LISTEN_ADDRESS', 9121),
  'nginx/nginx-prometheus-exporter': exporter('nginx', '/usr/bin/nginx-prometheus-exporter', '65534:65534', 'LISTEN_ADDRESS', 9113),
  'grafana/grafana': {
    runs: 'stand-in for grafana',
    entrypoint: ['/usr/bin/python3', '/smoke/images/grafana/grafana.py'],
    user: '472:0',
    standIn: 'grafana has no Debian package: a stand-in answers /api/health and /metrics on its port, nothing else',
  },
};

/** Images copied into a built image that Debian lacks, and the stand-in bound where their binary was. */
export const COPIED_IMAGES: Record<string, { readonly file: string; readonly at: string; readonly standIn: string }> = {
  'pramsey/pg_tileserv': {
    file: `${SMOKE_DIR}/images/pg-tileserv/pg_tileserv`,
    at: '/app/pg_tileserv',
    standIn: 'pg_tileserv has no Debian package: a stand-in serves real MVT tiles from PostGIS (ST_AsMVT) under its URL scheme',
  },
};

/** `docker.io/library/redis:7.4-alpine` -> `redis` */
export const repository = (image: string): string =>
  image.replace(/@.*$/, '').replace(/:[^/:]+$/, '').replace(/^(docker\.io\/)?(library\/)?/, '');

export const imageRuntime = (image: string): ImageRuntime | undefined => IMAGES[repository(image)];
