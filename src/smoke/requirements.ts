/** What the smoke run needs on this machine (Debian packages, see .ci/install-validators). */
import { existsSync } from 'node:fs';
import { PROMETHEUS_BIN } from './images.js';
import { findExecutable } from '../verify/run-tool.js';

const NEEDED: [string, string][] = [
  ['unshare', 'util-linux'],
  ['nsenter', 'util-linux'],
  ['setpriv', 'util-linux'],
  ['ip', 'iproute2'],
  ['docker-compose', 'docker-compose'],
  ['nginx', 'nginx'],
  ['varnishd', 'varnish'],
  ['redis-server', 'redis-server'],
  ['/usr/lib/rabbitmq/bin/rabbitmq-server', 'rabbitmq-server'],
  ['/usr/lib/postgresql/15/bin/initdb', 'postgresql-15-postgis-3'],
  ['cc', 'gcc (it builds the library that gives each service its own address)'],
  ['/usr/include/stdio.h', 'libc6-dev'],
  ['gunicorn', 'gunicorn'],
  ['/usr/lib/python3/dist-packages/django/__init__.py', 'python3-django'],
  ['/usr/lib/python3/dist-packages/fastapi/__init__.py', 'python3-fastapi'],
  ['/usr/lib/python3/dist-packages/redis/__init__.py', 'python3-redis'],
  ['/usr/lib/python3/dist-packages/whitenoise/__init__.py', 'python3-whitenoise'],
  ['/usr/lib/python3/dist-packages/prometheus_client/__init__.py', 'python3-prometheus-client'],
  ['celery', 'celery'],
  ['wget', 'wget'],
  ['pgbouncer', 'pgbouncer'],
  ['/usr/lib/python3/dist-packages/psycopg2/__init__.py', 'python3-psycopg2'],
  ['/usr/lib/python3/dist-packages/psycopg/__init__.py', 'python3-psycopg'],
  ['/usr/lib/python3/dist-packages/uvicorn/__init__.py', 'python3-uvicorn'],
  ['/usr/bin/prometheus-postgres-exporter', 'prometheus-postgres-exporter'],
  ['/usr/bin/prometheus-redis-exporter', 'prometheus-redis-exporter'],
  ['/usr/bin/prometheus-nginx-exporter', 'prometheus-nginx-exporter'],
  [PROMETHEUS_BIN, "the prometheus binary from Debian's prometheus package (.ci/install-validators)"],
];

/** The first missing requirement, as a hint to install it, or undefined when all are here. */
export function missingForSmoke(): string | undefined {
  if (process.getuid?.() !== 0) return 'the smoke run needs root (namespaces, servers under their own users)';
  const absent = NEEDED.find(([probe]) => (probe.startsWith('/') ? !existsSync(probe) : !findExecutable(probe)));
  return absent ? `${absent[0]} not found; install ${absent[1]}` : undefined;
}
