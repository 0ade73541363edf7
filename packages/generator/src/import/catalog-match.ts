/**
 * Which old images the stack provides itself: a table from image name (repository without registry and tag)
 * to a catalog service, or to `edge` for the proxies the stack replaces with its own nginx / traefik.
 */
import type { ServiceId } from '../answers/answers.js';

export type CatalogKind = ServiceId | 'edge' | 'zookeeper';

interface Entry {
  readonly kind: CatalogKind;
  /** Matches the image's repository path (e.g. "kartoza/postgis", "postgres"). */
  readonly image: RegExp;
  /** Matches the last folder of a build context, for services built from a folder named after the server. */
  readonly context?: RegExp;
}

const TABLE: readonly Entry[] = [
  { kind: 'pgbouncer', image: /(^|\/)pgbouncer$/, context: /^pgbouncer$/ },
  { kind: 'tileserver', image: /(^|\/)pg_tileserv$/, context: /^pg_tileserv$/ },
  { kind: 'backup', image: /(^|\/)postgres-backup-local$/ },
  { kind: 'postgis', image: /(^|\/)(postgres|postgis)$/, context: /^(postgres|postgresql|postgis)$/ },
  { kind: 'redis', image: /(^|\/)redis$/, context: /^redis(-[a-z]+)?$/ },
  { kind: 'rabbitmq', image: /(^|\/)rabbitmq$/ },
  { kind: 'mongodb', image: /(^|\/)mongo(db)?$/ },
  { kind: 'orientdb', image: /(^|\/)orientdb$/ },
  { kind: 'kafka', image: /(^|\/)(cp-kafka|kafka)$/ },
  { kind: 'zookeeper', image: /(^|\/)(cp-zookeeper|zookeeper)$/ },
  { kind: 'varnish', image: /(^|\/)varnish$/ },
  { kind: 'prometheus', image: /^prom\/prometheus$|(^|\/)prometheus$/ },
  { kind: 'grafana', image: /^grafana\/grafana(-oss|-enterprise)?$/ },
  { kind: 'flower', image: /(^|\/)flower$/ },
  { kind: 'mailpit', image: /(^|\/)(mailpit|mailhog)$/ },
  { kind: 'edge', image: /(^|\/)(nginx|nginx-unprivileged|traefik|caddy|haproxy)$/, context: /^(nginx|traefik)$/ },
];

/** The image's repository path, without registry host, tag or digest. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  const name = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  const parts = name.split('/');
  // a registry host has a dot or a port, or is localhost
  if (parts.length > 1 && (/[.:]/.test(parts[0]!) || parts[0] === 'localhost')) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/').toLowerCase();
}

/** The image's tag; undefined when none is given (compose then pulls "latest"). */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return image.split('@')[1];
  const lastSlash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > lastSlash ? image.slice(colon + 1) : undefined;
}

export function catalogKind(image: string | undefined, buildContext: string | undefined): CatalogKind | undefined {
  if (image) {
    const repository = imageRepository(image);
    const entry = TABLE.find(e => e.image.test(repository));
    if (entry) return entry.kind;
  }
  if (buildContext) {
    const folder = buildContext.replace(/\/+$/, '').split('/').at(-1)!.toLowerCase();
    return TABLE.find(e => e.context?.test(folder))?.kind;
  }
  return undefined;
}
