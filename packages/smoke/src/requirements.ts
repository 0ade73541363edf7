/** What the smoke run needs on this machine: Debian's engine and tools (see .ci/install-validators). */
import { existsSync } from 'node:fs';
import { DOCKER_CLI } from './engine.js';
import { findExecutable } from '@generator-portal/verifier/checks/run-tool.js';

const NEEDED: [string, string][] = [
  ['unshare', 'util-linux'],
  ['ip', 'iproute2'],
  ['dockerd', 'docker.io'],
  ['containerd', 'containerd'],
  ['runc', 'runc'],
  [DOCKER_CLI, 'docker.io'],
  // dockerd's NAT chain and the embedded DNS that resolves service names
  ['iptables', 'iptables'],
  ['docker-compose', 'docker-compose'],
  ['mmdebstrap', 'mmdebstrap (it builds the root filesystem of the stand-in images)'],
];

/** The first missing requirement, as a hint to install it, or undefined when all are here. */
export function missingForSmoke(): string | undefined {
  if (process.getuid?.() !== 0) return 'the smoke run needs root (its own namespaces and Docker engine)';
  const absent = NEEDED.find(([probe]) => (probe.startsWith('/') ? !existsSync(probe) : !findExecutable(probe, ['/usr/sbin', '/sbin'])));
  return absent ? `${absent[0]} not found; install ${absent[1]}` : undefined;
}
