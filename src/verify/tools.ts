/** Where each validator comes from, and what to tell a user who lacks it. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from './run-tool.js';

const require = createRequire(import.meta.url);

/** The package root, found from this file (src/verify or dist/verify). */
export const PACKAGE_ROOT = (() => {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) folder = dirname(folder);
  return folder;
})();

/** promtool is unpacked from Debian's prometheus package into .tools/bin (see .ci/install-validators). */
const EXTRA_BIN = [join(PACKAGE_ROOT, '.tools', 'bin'), join(PACKAGE_ROOT, 'node_modules', '.bin')];

export const INSTALL_HINTS: Record<string, string> = {
  'docker-compose': 'apt-get install --no-install-recommends docker-compose',
  nginx: 'apt-get install nginx',
  varnishd: 'apt-get install varnish',
  promtool: 'unpack usr/bin/promtool from Debian\'s prometheus package (see .ci/install-validators)',
  shellcheck: 'apt-get install shellcheck',
  yamllint: 'apt-get install yamllint',
  'redis-server': 'apt-get install redis-server',
  'rabbitmq-server': 'apt-get install rabbitmq-server',
  initdb: 'apt-get install postgresql-15-postgis-3',
  dclint: 'npm install dclint',
  'dockerfile-utils': 'npm install dockerfile-utils',
  python3: 'apt-get install python3-celery python3-redis',
  unshare: 'apt-get install util-linux (and run as root)',
  ip: 'apt-get install iproute2',
};

export function tool(name: string): string | undefined {
  if (name === 'initdb') {
    const path = '/usr/lib/postgresql/15/bin/initdb';
    return existsSync(path) ? path : undefined;
  }
  if (name === 'rabbitmq-server') {
    const path = '/usr/lib/rabbitmq/bin/rabbitmq-server';
    return existsSync(path) ? path : undefined;
  }
  return findExecutable(name, EXTRA_BIN);
}

export const missing = (name: string): string => `${name} not found; install: ${INSTALL_HINTS[name] ?? name}`;

/** The compose-spec JSON schema that dclint ships (same service keys as upstream compose-spec). */
export function composeSchemaPath(): string | undefined {
  try {
    return join(dirname(require.resolve('dclint/package.json')), 'schemas', 'compose.schema.json');
  } catch {
    return undefined;
  }
}

/** Namespaced runs need root (private mount namespace for /etc/hosts and /etc/nginx). */
export const isRoot = (): boolean => process.getuid?.() === 0;
