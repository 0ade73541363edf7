/**
 * The local stand-in images the smoke run boots in place of the official images it cannot pull: each is
 * built offline, FROM one Debian bookworm root filesystem, and keeps the official image's interface (users
 * and uids, entrypoint and its variables, writable paths, the tools its healthchecks call). Their
 * Dockerfiles are in src/standins/images/<name>/.
 */

/** Debian packages of the one root filesystem every stand-in starts from (mmdebstrap --variant=minbase --include=...). */
export const BASE_PACKAGES: readonly string[] = [
  'ca-certificates',
  'tzdata',
  // applets linked only in the stand-ins of Alpine and busybox images: Debian-based images have no wget
  'busybox',
  'gosu',
  'procps',
  'postgresql-15-postgis-3',
  'postgresql-client-15',
  'redis-server',
  'rabbitmq-server',
  'nginx',
  'varnish',
  'pgbouncer',
  'prometheus',
  'prometheus-postgres-exporter',
  'prometheus-redis-exporter',
  'prometheus-nginx-exporter',
  'python3',
  'python3-venv',
  'python3-django',
  'gunicorn',
  'python3-fastapi',
  'python3-uvicorn',
  'python3-redis',
  'python3-whitenoise',
  'python3-prometheus-client',
  'python3-celery',
  'python3-psycopg2',
  'python3-psycopg',
  'nodejs',
];

/** The imported root filesystem's tag; every stand-in Dockerfile starts `FROM portal-smoke/base:bookworm`. */
export const BASE_IMAGE = 'portal-smoke/base:bookworm';

export interface StandIn {
  /** Folder src/standins/images/<name>/ (its build context) and the local image portal-smoke/<name>. */
  readonly name: string;
  /** The official images it stands in for: repository as written without docker.io/ and library/ (e.g. 'postgis/postgis', 'redis', 'nginxinc/nginx-unprivileged'), and a tag pattern when the flavour matters (alpine vs debian uids). */
  readonly replaces: readonly { readonly repository: string; readonly tag?: RegExp }[];
  /** One line printed by the run: what runs inside and how it differs from the official image (versions, what is missing). */
  readonly says: string;
  /** Upstream source read for the interface: repo, path, commit. */
  readonly source: string;
}

const ALPINE = /alpine/;
const BOOKWORM = /bookworm/;

export const STANDINS: readonly StandIn[] = [
  {
    name: 'postgis',
    replaces: [{ repository: 'postgis/postgis', tag: /^(?!.*alpine)/ }],
    says: "stand-in: Debian's PostgreSQL 15 + PostGIS 3.3 (the image has PostgreSQL 16 + PostGIS 3.5), postgres 999:999, the image's entrypoint rules and postgis init script",
    source:
      'postgis/docker-postgis 16-3.5/Dockerfile, 16-3.5/initdb-postgis.sh @51b35550144e6bf1c97a8dc7530b8eaa212180bf; docker-library/postgres 16/bookworm/Dockerfile, docker-entrypoint.sh @6edb0a8c4def40c371514b34aef9037ec82d9110',
  },
  {
    name: 'postgres-alpine',
    replaces: [{ repository: 'postgres', tag: ALPINE }],
    says: "stand-in: Debian's PostgreSQL 15 server and client tools (the image has 16), postgres 70:70, busybox applets for Alpine's",
    source: 'docker-library/postgres 16/alpine3.22/Dockerfile, docker-entrypoint.sh @6edb0a8c4def40c371514b34aef9037ec82d9110',
  },
  {
    name: 'redis',
    replaces: [{ repository: 'redis', tag: ALPINE }],
    says: "stand-in: Debian's redis-server 7.0 (the image has 7.4), redis 999:1000, /data, busybox applets for Alpine's",
    source: 'docker-library/redis 7.4-rc/alpine/Dockerfile, docker-entrypoint.sh @e92049967d6baa9b4b3d6fd950553e6458e61f13',
  },
  {
    name: 'rabbitmq',
    replaces: [{ repository: 'rabbitmq', tag: ALPINE }],
    says: "stand-in: Debian's rabbitmq-server 3.10 with management and prometheus plugins (the image has 3.13), rabbitmq 100:101, busybox applets for Alpine's",
    source:
      'docker-library/rabbitmq 3.13/alpine/Dockerfile, docker-entrypoint.sh, 10-defaults.conf, management/Dockerfile @89910018860f31039178684158bc8d932b155b2c',
  },
  {
    name: 'varnish',
    replaces: [{ repository: 'varnish', tag: ALPINE }],
    says: "stand-in: Debian's varnishd 7.1 (the image has 7.6, and varnish-modules and vmod-dynamic, missing here), USER varnish 1000, /var/lib/varnish 0750, busybox applets for Alpine's",
    source: 'varnish/docker-varnish fresh/alpine/Dockerfile, scripts/docker-varnish-entrypoint @1dab93d8d1ea339f8ff527c62c748be2c50962c8',
  },
  {
    name: 'nginx-unprivileged',
    replaces: [{ repository: 'nginxinc/nginx-unprivileged', tag: ALPINE }],
    says: "stand-in: Debian's nginx 1.22 (the image has 1.27 with njs and curl, missing here; no /docker-entrypoint.d scripts), USER 101, pid and temp files in /tmp, busybox applets for Alpine's",
    source:
      'nginxinc/docker-nginx-unprivileged mainline/alpine-slim/Dockerfile, mainline/alpine/Dockerfile, entrypoint/docker-entrypoint.sh @8ead5cede31b9dc5a976d1b44bb1987226b48677',
  },
  {
    name: 'prometheus',
    replaces: [{ repository: 'prom/prometheus' }],
    says: "stand-in: Debian's prometheus 2.42 (the image has 2.55), /bin/prometheus as nobody, WORKDIR /prometheus, busybox applets",
    source: 'prometheus/prometheus Dockerfile @91d80252c3e528728b0f88d254dd720f6be07cb8 (v2.55.0)',
  },
  {
    name: 'postgres-exporter',
    replaces: [{ repository: 'prometheuscommunity/postgres-exporter' }, { repository: 'quay.io/prometheuscommunity/postgres-exporter' }],
    says: "stand-in: Debian's postgres_exporter 0.11 (the image has 0.16: fewer default collectors), /bin/postgres_exporter as nobody, busybox applets",
    source: 'prometheus-community/postgres_exporter Dockerfile @0421dd126a70138664ba3f0a9d2a322b99aabe2d (its current one is FROM busybox)',
  },
  {
    name: 'redis-exporter',
    replaces: [{ repository: 'oliver006/redis_exporter', tag: ALPINE }],
    says: "stand-in: Debian's redis_exporter 1.45 (the image has 1.66), /redis_exporter as 59000:59000, busybox applets for Alpine's",
    source: 'oliver006/redis_exporter docker/Dockerfile @074cbf1dcb1251c1e9051ee42867663f84d81af5',
  },
  {
    name: 'nginx-exporter',
    replaces: [{ repository: 'nginx/nginx-prometheus-exporter' }],
    says: "stand-in: Debian's nginx-prometheus-exporter 0.11 (the image has 1.4), as 1001:1001; the image is FROM scratch, this one has a shell (no wget or curl)",
    source: 'nginx/nginx-prometheus-exporter build/Dockerfile @0366014ec873d490e11371469367db7260f96e61',
  },
  {
    name: 'grafana',
    replaces: [{ repository: 'grafana/grafana' }],
    says: 'stand-in, NOT grafana (no Debian package): a small server answering /api/health and /metrics only (no UI, dashboards or datasources), after the checks grafana would fail (GF_*__FILE secrets, a writable data folder, the provisioning folder); 472:0; no curl',
    source: 'grafana/grafana Dockerfile @78515af65f036f536c4ab2e6fdb5484552f99f1f',
  },
  {
    name: 'pg-tileserv',
    replaces: [{ repository: 'pramsey/pg_tileserv' }],
    says: "stand-in, NOT pg_tileserv (no Debian package): /app/pg_tileserv is a Python server of pg_tileserv's URL scheme with real vector tiles from PostGIS (ST_AsMVT); no function layers, CQL filters or preview pages",
    source: 'CrunchyData/pg_tileserv Dockerfile, as forked in OMP-IRD/pg_tileserv @262d7cb7d53eb20123849a4fa560b20c5d8703f4',
  },
  {
    name: 'alpine',
    replaces: [{ repository: 'alpine' }],
    says: 'stand-in: Debian bookworm with busybox applets, busybox-style adduser/addgroup and dash as sh (the image is Alpine, with apk and ash); it also holds python3 + psycopg2, which the pg_tileserv stand-in needs',
    source: 'alpinelinux/docker-alpine @cfaba603d3e1826ae8d871985674cf96ba422f84',
  },
  {
    name: 'python',
    replaces: [{ repository: 'python', tag: BOOKWORM }],
    says: "stand-in: Debian's python3 3.11 (the image has 3.12) and Debian's older packages of the requirements (Django 3.2, celery 5.2, ...; no pip install), uvicorn/celery launchers and a redis cache backend for Django 3.2",
    source: 'docker-library/python 3.12/slim-bookworm/Dockerfile @4f07059567fa61c80397126e8063dbbde011b794',
  },
  {
    name: 'node',
    replaces: [{ repository: 'node', tag: BOOKWORM }],
    says: "stand-in: Debian's nodejs 18 (the image has 20), without npm, yarn or corepack, node 1000:1000",
    source: 'nodejs/docker-node 20/bookworm-slim/Dockerfile, docker-entrypoint.sh @efefaebb3c99dfae1ce76a7b693012c0ada84fb1',
  },
  {
    name: 'pgbouncer',
    replaces: [{ repository: 'edoburu/pgbouncer' }],
    says: "stand-in: Debian's pgbouncer 1.18 (the image has 1.23) and PostgreSQL 15 client tools, postgres 70:70, the entrypoint's common variables only, busybox applets for Alpine's",
    source: 'edoburu/docker-pgbouncer Dockerfile, entrypoint.sh @f0b02a70aa9fbe815933c96cdac58f9b09acd198',
  },
];

/** `docker.io/library/redis:7.4.2-alpine@sha256:..` -> ['redis', '7.4.2-alpine'] (tag '' when none). */
export function parseImage(image: string): { readonly repository: string; readonly tag: string } {
  const name = image.trim().replace(/@.*$/, '');
  const colon = name.lastIndexOf(':');
  const hasTag = colon > name.lastIndexOf('/');
  const repository = (hasTag ? name.slice(0, colon) : name).replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '').replace(/^library\//, '');
  return { repository, tag: hasTag ? name.slice(colon + 1) : '' };
}

/** The stand-in for an image reference like 'redis:7.4.2-alpine' or 'docker.io/library/postgres:16.6-alpine@sha256:..', or undefined. */
export function standInFor(image: string): StandIn | undefined {
  const { repository, tag } = parseImage(image);
  return STANDINS.find(standIn => standIn.replaces.some(r => r.repository === repository && (r.tag === undefined || r.tag.test(tag))));
}
