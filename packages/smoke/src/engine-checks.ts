/**
 * What only a real engine proves, asked of the engine and of the containers themselves: the data services
 * cannot be reached from the edge network and only the edge publishes ports; read-only roots refuse writes
 * while each tmpfs is writable by the container's user; the capability sets, no-new-privileges and the
 * memory and pids limits are in force in the kernel; a killed container comes back healthy.
 */
import { check } from './http.js';
import type { ComposeService } from './compose.js';
import { sleep, type Inspected, type Report, type RunningStack } from './stack.js';
import { firstLines } from '@generator-portal/verifier/checks/run-tool.js';

/** Linux capability numbers (include/uapi/linux/capability.h), for reading /proc/<pid>/status. */
const CAPABILITIES = [
  'CHOWN',
  'DAC_OVERRIDE',
  'DAC_READ_SEARCH',
  'FOWNER',
  'FSETID',
  'KILL',
  'SETGID',
  'SETUID',
  'SETPCAP',
  'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE',
  'NET_BROADCAST',
  'NET_ADMIN',
  'NET_RAW',
  'IPC_LOCK',
  'IPC_OWNER',
  'SYS_MODULE',
  'SYS_RAWIO',
  'SYS_CHROOT',
  'SYS_PTRACE',
  'SYS_PACCT',
  'SYS_ADMIN',
  'SYS_BOOT',
  'SYS_NICE',
  'SYS_RESOURCE',
  'SYS_TIME',
  'SYS_TTY_CONFIG',
  'MKNOD',
  'LEASE',
  'AUDIT_WRITE',
  'AUDIT_CONTROL',
  'SETFCAP',
  'MAC_OVERRIDE',
  'MAC_ADMIN',
  'SYSLOG',
  'WAKE_ALARM',
  'BLOCK_SUSPEND',
  'AUDIT_READ',
  'PERFMON',
  'BPF',
  'CHECKPOINT_RESTORE',
];

export const capabilityNames = (hex: string): string[] => {
  const bits = BigInt(`0x${hex}`);
  return CAPABILITIES.filter((_, i) => (bits >> BigInt(i)) & 1n);
};

/** Services that hold data or queues: never on the edge network. */
const DATA_IMAGES = /postgis|postgres|redis|rabbitmq|mongo|kafka|zookeeper|orientdb|pgbouncer/;
const isDataService = (service: ComposeService) => !service.build && DATA_IMAGES.test(service.image);

/** The port a data service listens on, from its image. */
const DATA_PORTS: [RegExp, number][] = [
  [/pgbouncer/, 6432],
  [/postgis|postgres/, 5432],
  [/redis/, 6379],
  [/rabbitmq/, 5672],
  [/mongo/, 27017],
];

/**
 * The edge networks, as the compose files define them: those the publishing services join that are not
 * `internal` (they lead out). Read from the files, so a publisher not started here still names them.
 */
const edgeNetworks = (stack: RunningStack): string[] =>
  [...new Set(stack.stack.services.filter(s => s.ports.length > 0).flatMap(s => s.networks))]
    .filter(key => stack.stack.networks[key] && !stack.stack.networks[key]!.internal)
    .map(key => stack.stack.networks[key]!.name);

async function isolation(stack: RunningStack, report: Report): Promise<void> {
  // the edge is where users arrive: the service publishing 443, else 80; nothing else may publish
  const publishes = (port: string) => stack.stack.services.filter(s => s.ports.some(p => new RegExp(`(?:^|:)${port}:\\d+(?:/tcp)?$`).test(p))).map(s => s.name);
  const edge = publishes('443').length > 0 ? publishes('443') : publishes('80');
  await check(report, `only the edge publishes ports (${edge.join(', ') || 'no service publishes 443 or 80'})`, async () => {
    const problems: string[] = [];
    for (const service of stack.stack.services) {
      if (edge.includes(service.name)) continue;
      if (service.ports.length > 0) problems.push(`${service.name} publishes ${service.ports.join(', ')} in the files`);
      const bindings = Object.entries((await stack.inspect(service.name))?.HostConfig.PortBindings ?? {}).filter(([, b]) => b && b.length > 0);
      if (bindings.length > 0) problems.push(`${service.name} is published by the engine on ${bindings.map(([p]) => p).join(', ')}`);
    }
    if (edge.length === 0) problems.push('no service publishes 443 or 80');
    return [...new Set(problems)].join('\n') || undefined;
  });
  const data = stack.stack.services.filter(s => isDataService(s) && stack.started(s.name));
  const edges = edgeNetworks(stack);
  if (data.length === 0 || edges.length === 0) return report.note('network isolation not checked: no data service or no edge network here');
  const probeImage = (await stack.inspect(data[0]!.name))?.Config.Image;
  // every data service by name and by each of its addresses, with its port
  const targets: { service: string; host: string; port: number }[] = [];
  const attached = new Map<string, string[]>();
  for (const service of data) {
    const seen = await stack.inspect(service.name);
    if (seen) attached.set(service.name, Object.keys(seen.NetworkSettings.Networks));
    const port = DATA_PORTS.find(([image]) => image.test(service.image))?.[1];
    if (!seen || !port) continue;
    for (const host of [
      service.name,
      ...Object.values(seen.NetworkSettings.Networks)
        .map(n => n.IPAddress)
        .filter(Boolean),
    ])
      targets.push({ service: service.name, host, port });
  }
  /** The targets a throwaway container on `network` reaches (bash's /dev/tcp, 3 s each). */
  const reachable = async (network: string): Promise<Set<string>> => {
    const script = 'for t in "$@"; do timeout 3 bash -c \'exec 3<>"/dev/tcp/${0%:*}/${0##*:}"\' "$t" 2>/dev/null && echo "$t"; done; true';
    const run = await stack.engine.docker(
      [
        'run',
        '--rm',
        '--network',
        network,
        '--user',
        '65534:65534',
        '--entrypoint',
        'bash',
        probeImage!,
        '-c',
        script,
        'probe',
        ...targets.map(t => `${t.host}:${t.port}`),
      ],
      { timeoutMs: 120_000 },
    );
    return new Set(run.stdout.split('\n').filter(Boolean));
  };
  // the probe must reach them from the network they share with the app, else it proves nothing
  const own = [...new Set([...attached.values()].flat().filter(n => !edges.includes(n)))];
  const control = own.length > 0 ? await reachable(own[0]!) : new Set<string>();
  const listening = targets.filter(t => t.host === t.service && control.has(`${t.host}:${t.port}`)).map(t => t.service);
  const checked = data.map(s => s.name).filter(n => listening.includes(n));
  // services the probe cannot reach even from their own network (another port): attachment is still checked
  const unprobed = data.map(s => s.name).filter(n => !listening.includes(n));
  if (unprobed.length > 0) report.note(`network isolation: ${unprobed.join(', ')} checked by their networks only (the probe knows no port they answer on)`);
  for (const network of edges) {
    await check(
      report,
      `network isolation: ${checked.join(', ') || 'no data service'} reached from ${own[0]}, not from the edge network ${network}`,
      async () => {
        const problems = data
          .map(s => s.name)
          .filter(n =>
            (attached.get(n) ?? [])
              .concat(stack.stack.services.find(s => s.name === n)?.networks.map(k => stack.stack.networks[k]?.name ?? k) ?? [])
              .includes(network),
          )
          .map(n => `${n} is attached to ${network}`);
        const from = await reachable(network);
        for (const t of targets.filter(t => checked.includes(t.service) && from.has(`${t.host}:${t.port}`)))
          problems.push(`${t.service} answers on ${t.host}:${t.port} from ${network}`);
        return problems.join('\n') || undefined;
      },
    );
  }
}

/** The container's user as `docker exec` runs it by default (compose's user:, else the image's). */
async function readOnlyAndTmpfs(stack: RunningStack, name: string, seen: Inspected, service: ComposeService, report: Report): Promise<void> {
  if (!service.readOnly) return;
  await check(report, `${name}: read-only root refuses writes, each tmpfs takes them (as ${seen.Config.User || 'root'})`, async () => {
    if (!seen.HostConfig.ReadonlyRootfs) return 'the engine did not make the root read-only';
    const problems: string[] = [];
    const root = await stack.exec(name, ['sh', '-c', 'echo x > /smoke-probe']);
    if (root.code === 0) problems.push('writing /smoke-probe succeeded');
    for (const target of Object.keys(seen.HostConfig.Tmpfs ?? {})) {
      const write = await stack.exec(name, ['sh', '-c', `echo x > "${target}/.smoke-probe" && rm "${target}/.smoke-probe"`]);
      if (write.code !== 0) problems.push(`cannot write to the tmpfs ${target}: ${firstLines(write.output, 2)}`);
    }
    return problems.join('\n') || undefined;
  });
}

async function capabilities(stack: RunningStack, name: string, seen: Inspected, report: Report): Promise<void> {
  const drop = seen.HostConfig.CapDrop ?? [];
  if (!drop.includes('ALL'))
    return report.fail(
      `${name}: capabilities`,
      `no cap_drop: ALL: it keeps the engine's default set (${(seen.HostConfig.CapAdd ?? []).length ? `plus ${seen.HostConfig.CapAdd!.join(', ')}` : 'CHOWN, NET_RAW, SETUID, ...'})`,
    );
  const wanted = (seen.HostConfig.CapAdd ?? []).map(c => c.replace(/^CAP_/, '')).sort();
  await check(report, `${name}: capabilities are ${wanted.join(', ') || 'none'} and no-new-privileges holds (pid 1 in the kernel)`, async () => {
    const status = await stack.exec(name, ['cat', '/proc/1/status']);
    if (status.code !== 0) return `reading /proc/1/status: ${firstLines(status.output, 2)}`;
    const field = (key: string) => new RegExp(`^${key}:\\s*(\\S+)`, 'm').exec(status.stdout)?.[1] ?? '';
    const bounding = capabilityNames(field('CapBnd')).sort();
    const problems: string[] = [];
    if (bounding.join() !== wanted.join()) problems.push(`bounding set ${bounding.join(', ') || 'empty'}, expected ${wanted.join(', ') || 'empty'}`);
    if ((seen.HostConfig.SecurityOpt ?? []).some(o => /no-new-privileges(:true)?$/.test(o)) && field('NoNewPrivs') !== '1')
      problems.push('NoNewPrivs is not set');
    return problems.join('\n') || undefined;
  });
}

async function limits(stack: RunningStack, name: string, seen: Inspected, report: Report): Promise<void> {
  const { Memory, PidsLimit } = seen.HostConfig;
  if (!Memory || !PidsLimit)
    return report.fail(
      `${name}: memory and pids limits`,
      `${Memory ? '' : 'no memory limit (mem_limit) '}${PidsLimit ? '' : 'no pids limit (pids_limit)'}`.trim(),
    );
  await check(
    report,
    `${name}: memory ${Memory ? `${Memory / 2 ** 20} MiB` : 'unlimited'} and pids ${PidsLimit ?? 'unlimited'} limits in the container's cgroup`,
    async () => {
      // cgroup v2 files, else v1's (this machine's kernel mounts v1)
      const read = await stack.exec(name, [
        'sh',
        '-c',
        'cat /sys/fs/cgroup/memory.max 2>/dev/null || cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cat /sys/fs/cgroup/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids/pids.max',
      ]);
      if (read.code !== 0) return `reading the cgroup: ${firstLines(read.output, 2)}`;
      const [memory, pids] = read.stdout.trim().split('\n');
      const problems: string[] = [];
      if (Memory && memory !== String(Memory)) problems.push(`memory.max is ${memory}, expected ${Memory}`);
      if (PidsLimit && pids !== String(PidsLimit)) problems.push(`pids.max is ${pids}, expected ${PidsLimit}`);
      return problems.join('\n') || undefined;
    },
  );
}

/** `dev`: every service publishes on 127.0.0.1 there by design, so network isolation is a prod check. */
export async function engineChecks(stack: RunningStack, report: Report, dev = false): Promise<void> {
  if (!dev) await isolation(stack, report);
  for (const service of stack.stack.services) {
    if (stack.oneShot.has(service.name)) continue;
    const seen = await stack.inspect(service.name);
    if (!seen?.State.Running) continue;
    await readOnlyAndTmpfs(stack, service.name, seen, service, report);
    await capabilities(stack, service.name, seen, report);
    await limits(stack, service.name, seen, report);
  }
}

/**
 * A crash: the main process of a service with a restart policy is killed from the host, as the kernel's
 * OOM killer would; the engine must start it again and its healthcheck pass again.
 */
export async function restartCheck(stack: RunningStack, report: Report): Promise<void> {
  const candidates = ['backend', 'redis', 'tileserver', 'nginx'];
  let name: string | undefined;
  for (const candidate of candidates) {
    const seen = await stack.inspect(candidate);
    if (seen?.State.Running && ['always', 'unless-stopped', 'on-failure'].includes(seen.HostConfig.RestartPolicy.Name)) {
      name = candidate;
      break;
    }
  }
  if (!name) return report.note('restart not checked: no running service with a restart policy');
  const target = name;
  await check(report, `${target} killed (SIGKILL to its main process) comes back healthy`, async () => {
    const before = (await stack.inspect(target))!;
    // never 0 or negative: kill() would signal this run's whole process group
    if (!(before.State.Pid > 1)) return `no main process to kill (pid ${before.State.Pid})`;
    process.kill(before.State.Pid, 'SIGKILL');
    for (let i = 0; i < 180; i++) {
      await sleep(1000);
      const now = await stack.inspect(target);
      if (!now) return 'the container is gone';
      const back = now.RestartCount > before.RestartCount && now.State.Running;
      if (back && (!now.State.Health || now.State.Health.Status === 'healthy')) return undefined;
    }
    const now = await stack.inspect(target);
    return `after 3 minutes: ${now?.State.Status}, restarts ${now?.RestartCount}, health ${now?.State.Health?.Status ?? 'none'}`;
  });
}
