/** Compose runtime hardening (CMP-*) and cross-references (CFG-05), on the merged dev and prod models. */
import { CAP_ALLOWLIST, recordedCapabilities } from '../exceptions.js';
import { environmentOf, listOf, portsOf, volumesOf, type RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';
import { DATA_SERVICES, edgeOf, isOneShot, perService } from './compose-helpers.js';

const hasCompose = (repo: RepoView) => repo.hasCompose;
const prodRule = (id: string, title: string, check: Parameters<typeof perService>[2]): Rule =>
  defineRule({ id, group: 'compose', title, applies: hasCompose, findings: async repo => perService(await repo.compose('prod'), id, check) });

const SENSITIVE_HOST_PATHS = ['/', '/boot', '/dev', '/etc', '/lib', '/proc', '/sys', '/usr'];
const SECRET_NAME = /(PASS(WORD)?|SECRET|TOKEN|API_KEY|PRIVATE_KEY)$/;
const REFERENCE_ONLY = /^(\$\{[A-Z0-9_]+(:?[-?][^}]*)?\})?$/;

export const COMPOSE_RULES: readonly Rule[] = [
  prodRule('CMP-01', 'no privileged containers', (_, s) => s.privileged === true && 'privileged: true'),
  prodRule('CMP-02', 'cap_drop ALL; cap_add only from the per-service allowlist, or from the root-start list with a recorded reason', (name, s) => {
    if (!listOf(s.cap_drop).includes('ALL')) return 'cap_drop lacks ALL';
    const allowed = [...(CAP_ALLOWLIST[name] ?? []), ...recordedCapabilities(s)];
    const extra = listOf(s.cap_add).filter(cap => !allowed.includes(cap));
    return extra.length > 0 && `cap_add ${extra.join(', ')} is not in its allowlist`;
  }),
  prodRule(
    'CMP-03',
    'no-new-privileges',
    (_, s) => !listOf(s.security_opt).some(o => /^no-new-privileges(:true|=true)?$/.test(o)) && 'security_opt lacks no-new-privileges:true',
  ),
  prodRule('CMP-04', 'default seccomp and AppArmor profiles kept', (_, s) => {
    const off = listOf(s.security_opt).filter(o => /^(seccomp|apparmor)[:=]unconfined$/.test(o));
    return off.length > 0 && `security_opt ${off.join(', ')}`;
  }),
  prodRule('CMP-05', 'no host namespaces', (_, s) => {
    const shared = ['network_mode', 'pid', 'ipc', 'uts', 'userns_mode'].filter(key => s[key] === 'host');
    return shared.length > 0 && `${shared.join(', ')}: host`;
  }),
  prodRule('CMP-06', 'no Docker socket mounted', (_, s) => {
    const socket = volumesOf(s).find(v => v.source.endsWith('docker.sock'));
    return socket !== undefined && `mounts ${socket.source}`;
  }),
  prodRule('CMP-07', 'no sensitive host folder mounted', (_, s) => {
    const bad = volumesOf(s).filter(v => v.bind && SENSITIVE_HOST_PATHS.some(p => v.source === p || (p !== '/' && v.source.startsWith(`${p}/`))));
    return bad.length > 0 && `mounts ${bad.map(v => v.source).join(', ')}`;
  }),
  prodRule('CMP-08', 'configuration bind mounts read-only', (_, s) => {
    const writable = volumesOf(s).filter(v => v.bind && !v.readOnly);
    return writable.length > 0 && `writable bind mount ${writable.map(v => v.target).join(', ')}`;
  }),
  prodRule('CMP-09', 'read-only root filesystem', (_, s) => s.read_only !== true && 'read_only is not true'),
  prodRule(
    'CMP-10',
    'memory limit',
    (_, s) => !s.mem_limit && !(s.deploy as { resources?: { limits?: { memory?: unknown } } })?.resources?.limits?.memory && 'no memory limit',
  ),
  prodRule(
    'CMP-11',
    'CPU limit',
    (_, s) => !s.cpus && !s.cpu_shares && !(s.deploy as { resources?: { limits?: { cpus?: unknown } } })?.resources?.limits?.cpus && 'no CPU limit',
  ),
  prodRule('CMP-12', 'PIDs limit', (_, s) => !s.pids_limit && 'no pids_limit'),
  prodRule(
    'CMP-13',
    'restart policy on long-running services, "no" on one-shot jobs',
    (_, s) => !['unless-stopped', 'always', 'on-failure', 'no'].includes(String(s.restart ?? '').split(':')[0]!) && `restart ${String(s.restart ?? 'unset')}`,
  ),
  prodRule('CMP-14', 'healthcheck on every long-running service', (_, s) => {
    if (isOneShot(s)) return false;
    const check = s.healthcheck as { disable?: boolean; test?: unknown } | undefined;
    return (!check?.test || check.disable === true || listOf(check.test)[0] === 'NONE') && 'no healthcheck';
  }),
  defineRule({
    id: 'CMP-15',
    group: 'compose',
    title: 'depends_on waits for healthy services only where they have a healthcheck; jobs must complete',
    applies: hasCompose,
    async findings(repo) {
      const model = await repo.compose('prod');
      return perService(model, 'CMP-15', (_, s) => {
        const bad = Object.entries((s.depends_on as Record<string, { condition?: string }>) ?? {}).filter(([target, { condition }]) => {
          const other = model.services[target];
          if (!other) return true;
          if (condition === 'service_healthy') return !(other.healthcheck as { test?: unknown } | undefined)?.test;
          if (isOneShot(other)) return condition !== 'service_completed_successfully';
          return false;
        });
        return bad.length > 0 && `depends_on ${bad.map(([t, { condition }]) => `${t} (${condition})`).join(', ')}`;
      });
    },
  }),
  defineRule({
    id: 'CMP-16',
    group: 'compose',
    title: 'published ports bound to 127.0.0.1, except the edge in prod',
    applies: hasCompose,
    async findings(repo) {
      const prod = await repo.compose('prod');
      const edge = edgeOf(prod);
      const dev = perService(await repo.compose('dev'), 'CMP-16', (_, s) => {
        const open = portsOf(s).filter(p => p.hostIp !== '127.0.0.1');
        return open.length > 0 && `dev publishes ${open.map(p => `${p.hostIp || '*'}:${p.published}`).join(', ')} beyond 127.0.0.1`;
      });
      const prodOpen = perService(prod, 'CMP-16', (name, s) => {
        const open = portsOf(s).filter(p => p.hostIp !== '127.0.0.1' && (name !== edge || p.hostIp === ''));
        return open.length > 0 && `prod publishes ${open.map(p => `${p.hostIp || '*'}:${p.published}`).join(', ')}`;
      });
      return [...dev, ...prodOpen];
    },
  }),
  defineRule({
    id: 'CMP-17',
    group: 'compose',
    title: 'no host port below 1024 except on the edge',
    applies: hasCompose,
    async findings(repo) {
      const prod = await repo.compose('prod');
      const edge = edgeOf(prod);
      const check = (name: string, s: Record<string, unknown>) => {
        const low = portsOf(s).filter(p => p.published < 1024);
        return name !== edge && low.length > 0 && `publishes ${low.map(p => p.published).join(', ')}`;
      };
      return [...perService(prod, 'CMP-17', check), ...perService(await repo.compose('dev'), 'CMP-17', (n, s) => check(`${n}-dev`, s))];
    },
  }),
  defineRule({
    id: 'CMP-18',
    group: 'compose',
    title: 'in prod, only the edge publishes ports',
    applies: hasCompose,
    async findings(repo) {
      const prod = await repo.compose('prod');
      const edge = edgeOf(prod);
      return perService(prod, 'CMP-18', (name, s) => name !== edge && portsOf(s).length > 0 && 'publishes ports in prod');
    },
  }),
  defineRule({
    id: 'CMP-19',
    group: 'compose',
    title: 'user-defined networks only; data services on internal networks',
    applies: hasCompose,
    async findings(repo) {
      const prod = await repo.compose('prod');
      const networks = prod.networks ?? {};
      return perService(prod, 'CMP-19', (name, s) => {
        const joined = listOf(s.networks);
        if (joined.length === 0 || joined.includes('default')) return 'on the default network';
        const open = joined.filter(n => networks[n]?.internal !== true);
        return (DATA_SERVICES as readonly string[]).includes(name) && open.length > 0 && `data service on non-internal network ${open.join(', ')}`;
      });
    },
  }),
  prodRule('CMP-24', 'no secret literals in environment', (_, s) => {
    const literal = Object.entries(environmentOf(s)).filter(([key, value]) => SECRET_NAME.test(key) && !REFERENCE_ONLY.test(value));
    return literal.length > 0 && `${literal.map(([k]) => k).join(', ')} hold a literal`;
  }),
  prodRule('CMP-25', 'log rotation', (_, s) => {
    const options = (s.logging as { options?: Record<string, unknown> })?.options ?? {};
    return (!options['max-size'] || !options['max-file']) && 'logging lacks max-size and max-file';
  }),
  prodRule('CMP-26', 'runs as a non-root user', (_, s) => {
    const user = String(s.user ?? '');
    if (s.build) return false; // our own images: DF-01 checks their USER
    return (user === '' || /^(0|root)(:|$)/.test(user)) && 'no non-root user:';
  }),
  defineRule({
    id: 'CFG-05',
    group: 'compose',
    title: 'every network, secret, volume and depends_on target a service uses is declared',
    applies: hasCompose,
    async findings(repo) {
      const findings: string[] = [];
      for (const env of ['dev', 'prod'] as const) {
        const model = await repo.compose(env);
        findings.push(
          ...perService(model, 'CFG-05', (_, s) => {
            const missing = [
              ...listOf(s.networks)
                .filter(n => !(n in (model.networks ?? {})))
                .map(n => `network ${n}`),
              ...((s.secrets as unknown[]) ?? [])
                .map(x => (typeof x === 'string' ? x : (x as { source: string }).source))
                .filter(n => !(n in (model.secrets ?? {})))
                .map(n => `secret ${n}`),
              ...volumesOf(s)
                .filter(v => v.source && !v.bind && !(v.source in (model.volumes ?? {})))
                .map(v => `volume ${v.source}`),
              ...Object.keys((s.depends_on as object) ?? {})
                .filter(t => !(t in model.services))
                .map(t => `service ${t}`),
            ];
            return missing.length > 0 && `${env}: undeclared ${missing.join(', ')}`;
          }),
        );
      }
      return findings;
    },
  }),
];
