/**
 * Where a generated service deliberately does not follow a checklist rule, and why. The rules read this
 * table; docs/checklist.md prints it (a test keeps the two equal).
 */
import { EXCEPTION_LABEL } from 'generator-portal/catalog/types.js';
import { labelsOf, type ComposeService } from './repo-view.js';
import { RECORDABLE_RULES, ROOT_START_CAPABILITIES } from 'generator-portal/answers/app-contract.js';

export interface RuleException {
  readonly rule: string;
  /** exempt: the rule skips these services; deviation: the rule itself accepts our reading of it. */
  readonly kind: 'exempt' | 'deviation';
  /** Compose service names; '*' for every service. */
  readonly services: readonly string[];
  readonly reason: string;
}

export const EXCEPTIONS: readonly RuleException[] = [
  {
    rule: 'CMP-02',
    kind: 'exempt',
    services: ['db', 'rabbitmq'],
    reason: 'cap_add CHOWN, DAC_OVERRIDE, FOWNER, SETGID, SETUID: the entrypoint fixes data-folder ownership as root, then drops to its own user',
  },
  {
    rule: 'CMP-09',
    kind: 'exempt',
    services: ['rabbitmq'],
    reason:
      'the entrypoint and the Erlang runtime write outside the data volume; not proven to start with a read-only root here (no Docker engine), so left writable',
  },
  {
    rule: 'CMP-13',
    kind: 'deviation',
    services: ['*'],
    reason:
      'restart: unless-stopped, not on-failure with at most 5 retries (CIS 5.15): daemons must come back after a host reboot; a crash loop shows in healthchecks and TargetDown instead',
  },
  {
    rule: 'CMP-14',
    kind: 'exempt',
    services: ['postgres-exporter', 'nginx-exporter'],
    reason: 'scratch images without a shell or HTTP client to probe with; Prometheus `up` and the TargetDown alert watch them',
  },
  {
    rule: 'CMP-26',
    kind: 'exempt',
    services: ['db', 'rabbitmq'],
    reason: 'the entrypoint starts as root only to fix volume ownership, then runs the server as postgres / rabbitmq',
  },
  {
    rule: 'CMP-26',
    kind: 'exempt',
    services: ['varnish'],
    reason: 'the image chooses its user; varnishd runs its worker process in the unprivileged jail user whatever user starts it',
  },
  {
    rule: 'CMP-26',
    kind: 'exempt',
    services: ['backend', 'scheduler'],
    reason:
      "only with --backend image (the scheduler runs the backend image): the prebuilt image's own USER applies, which the generator cannot know; the backends we build are checked by DF-01",
  },
  {
    rule: 'CMP-26',
    kind: 'exempt',
    services: ['traefik', 'backup', 'orientdb'],
    reason:
      "write to volumes Docker creates root-owned (certificates, dumps; OrientDB's databases, backups and config from its image, whose only user is root); all capabilities dropped, no privileged port, no-new-privileges",
  },
];

/** The reason recorded on the service for departing from this rule, if the rule may be recorded there. */
export function recordedException(rule: string, service: ComposeService): string | undefined {
  if (!(RECORDABLE_RULES as readonly string[]).includes(rule)) return undefined;
  const reason = labelsOf(service)[`${EXCEPTION_LABEL}${rule}`]?.trim();
  return reason ? reason : undefined;
}

export function isExcepted(rule: string, service: string): boolean {
  return EXCEPTIONS.some(e => e.kind === 'exempt' && e.rule === rule && (e.services.includes(service) || e.services.includes('*')));
}

/**
 * The capabilities a service may add beyond its allowlist: those of a root-started image (binding its port,
 * switching to its own user), and only when its contract recorded why (the label of CMP-02).
 */
export function recordedCapabilities(service: ComposeService): readonly string[] {
  return labelsOf(service)[`${EXCEPTION_LABEL}CMP-02`]?.trim() ? ROOT_START_CAPABILITIES : [];
}

/** cap_add allowed per service (CMP-02: drop ALL, add only what the image needs). */
export const CAP_ALLOWLIST: Readonly<Record<string, readonly string[]>> = {
  db: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
  rabbitmq: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'],
};
