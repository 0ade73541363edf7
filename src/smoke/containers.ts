/**
 * Turns one merged compose service into a sandboxed process: the image's entrypoint, command, user and
 * working folder (from the image table or the repo's Dockerfile), compose's overrides, its volumes,
 * secrets and tmpfs mounts at their container paths, and the stack's hosts file.
 */
import { chownSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { unescape, type ComposeService, type ComposeStack } from './compose.js';
import { readBuiltImage } from './dockerfile.js';
import { COPIED_IMAGES, imageRuntime, repository, SMOKE_DIR } from './images.js';
import type { Bind, ContainerSpec } from './sandbox.js';

export interface Plan {
  readonly service: ComposeService;
  /** Missing when nothing here can run the image (`skipped` says why) or the service cannot start (`problem`). */
  readonly spec?: ContainerSpec;
  readonly runs: string;
  readonly standIns: string[];
  readonly skipped?: string;
  readonly problem?: string;
}

export interface StackPaths {
  readonly work: string;
  readonly hostsFile: string;
  readonly volumes: string;
  /** The LD_PRELOAD library that gives each service its own loopback address (see standins/lib). */
  readonly ownAddressLib?: string;
}

const OWN_ADDRESS_LIB = '/usr/local/lib/portal-smoke/own-address.so';

export const PATH = '/smoke/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const numericUser = (user: string | undefined) => {
  const m = user ? /^(\d+)(?::(\d+))?$/.exec(user) : null;
  return m ? { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) } : undefined;
};

/** Where a named volume's files are: its bind device (DATA_ROOT points into the work folder), else ours. */
export const volumeDir = (stack: ComposeStack, paths: StackPaths, name: string): string => stack.volumeDevices[name] ?? join(paths.volumes, name);

/** `source:target[:mode]` as `docker-compose config` prints it. */
function volumeBind(entry: string, stack: ComposeStack, paths: StackPaths, ownerOf: (target: string) => { uid: number; gid: number } | undefined): Bind {
  const parts = entry.split(':');
  const mode = parts.length > 2 && /^(ro|rw|z|Z)(,|$)/.test(parts.at(-1)!) ? parts.pop()! : 'rw';
  const target = parts.pop()!;
  const source = parts.join(':');
  const named = !source.startsWith('/') && stack.volumes.includes(source);
  // compose would create a missing host folder on the host: here it goes into the work folder
  const path = named ? volumeDir(stack, paths, source) : existsSync(source) || source.startsWith(paths.work) ? source : join(paths.work, 'host', source);
  if (!existsSync(path)) {
    // a new volume takes the owner of the image's folder at its mount point
    mkdirSync(path, { recursive: true });
    const owner = named ? ownerOf(target) : undefined;
    if (owner) chownSync(path, owner.uid, owner.gid);
  }
  return { source: path, target, readOnly: mode.split(',').includes('ro'), directory: statSync(path).isDirectory() };
}

const tmpfsEntry = (entry: string): [string, string] => {
  const [target, options = ''] = entry.split(/:(.*)/s) as [string, string?];
  return [target, /(^|,)mode=/.test(options) ? options : [options, 'mode=1777'].filter(Boolean).join(',')];
};

export function planService(service: ComposeService, stack: ComposeStack, paths: StackPaths, address: string): Plan {
  const standIns: string[] = [];
  const binds: Bind[] = [];
  let entrypoint: readonly string[] | undefined;
  let cmd: readonly string[] | undefined;
  let imageUser: string | undefined;
  let workdir = '/';
  let env: Record<string, string> = {};
  let links: readonly (readonly [string, string])[] = [];
  let stopSignal: NodeJS.Signals | undefined;
  let owners: Record<string, { uid: number; gid: number }> | undefined;
  let runs: string;
  if (service.build) {
    const image = readBuiltImage(service.build.context, service.build.target);
    ({ entrypoint, cmd, workdir, owners } = image);
    imageUser = image.user ? `${image.user.uid}:${image.user.gid}` : undefined;
    const { PATH: _ignored, ...rest } = image.env;
    // Debian's python3 stands in for the image's: /smoke/python bridges what its older Django lacks
    env = existsSync(join(service.build.context, 'package.json')) ? rest : { ...rest, PYTHONPATH: '/smoke/python' };
    for (const [from, to] of image.copies) {
      const source = join(service.build.context, from);
      if (existsSync(source)) binds.push({ source, target: to, readOnly: true, directory: statSync(source).isDirectory() });
    }
    for (const copied of image.copiedImages) {
      const standIn = COPIED_IMAGES[repository(copied)];
      if (!standIn) return { service, runs: '', standIns, skipped: `its image copies files from ${copied}, which has no Debian package or stand-in` };
      binds.push({ source: standIn.file, target: standIn.at, readOnly: true, directory: false });
      standIns.push(standIn.standIn);
    }
    const requirements = join(service.build.context, 'requirements.txt');
    const django = existsSync(requirements) && /^django\b/im.test(readFileSync(requirements, 'utf8'));
    const base = existsSync(join(service.build.context, 'package.json')) ? 'Node.js'
      : `Debian's python3 packages${django ? " (Django 3.2: /smoke/python adds the RedisCache backend it lacks)" : ''}`;
    runs = `built from ./${service.build.context.split('/').pop()} (${service.build.target ?? 'last'} stage), run with ${base}`;
  } else {
    const runtime = imageRuntime(service.image);
    if (!runtime) return { service, runs: '', standIns, skipped: `no Debian package or stand-in for ${service.image}` };
    ({ entrypoint, cmd } = runtime);
    imageUser = runtime.user;
    workdir = runtime.workdir ?? '/';
    env = { ...runtime.env, ...runtime.listenEnv?.(address) };
    links = runtime.links ?? [];
    stopSignal = runtime.stopSignal;
    runs = runtime.runs;
    if (runtime.standIn) standIns.push(runtime.standIn);
    for (const [source, target] of runtime.files ?? []) binds.push({ source, target, readOnly: true, directory: false });
  }
  // compose: a new entrypoint drops the image's command; a command replaces it
  const argv = [...(service.entrypoint ?? entrypoint ?? []), ...(service.command ?? (service.entrypoint ? [] : cmd ?? []))].map(unescape);
  if (argv.length === 0) return { service, runs, standIns, skipped: 'no command to run' };
  const userText = service.user ?? imageUser;
  const user = numericUser(userText);
  // docker looks a user name up in the image's /etc/passwd, which is not here
  if (userText && !user) return { service, runs, standIns, problem: `user "${userText}" is a name; this run needs a numeric uid[:gid]` };
  // built images: the folders their Dockerfile chowns; our image table: the image's user owns its data folder
  binds.push(...service.volumes.map(v => volumeBind(v, stack, paths, target => (owners ? owners[target] : user))));
  for (const secret of service.secrets) {
    const file = stack.secrets[secret.source];
    if (!file || !existsSync(file)) return { service, runs, standIns, problem: `secret ${secret.source} has no file (run scripts/create-secrets.sh)` };
    binds.push({ source: file, target: secret.target, readOnly: true, directory: false });
  }
  binds.push({ source: SMOKE_DIR, target: '/smoke', readOnly: true, directory: true });
  binds.push({ source: paths.hostsFile, target: '/etc/hosts', readOnly: true, directory: false });
  if (paths.ownAddressLib) binds.push({ source: paths.ownAddressLib, target: OWN_ADDRESS_LIB, readOnly: true, directory: false });
  const own: Record<string, string> = paths.ownAddressLib ? { LD_PRELOAD: OWN_ADDRESS_LIB, PORTAL_SMOKE_ADDRESS: address } : {};
  const hostname = service.hostname ?? service.name;
  return {
    service,
    runs,
    standIns,
    spec: {
      name: service.name,
      hostname,
      binds,
      tmpfs: service.tmpfs.map(tmpfsEntry),
      links,
      readOnly: service.readOnly,
      env: { PATH, HOSTNAME: hostname, HOME: user && user.uid !== 0 ? '/' : '/root', ...own, ...env, ...service.environment },
      ...(user ? { user } : {}),
      workdir: service.workingDir ?? workdir,
      argv,
      ...(service.stopSignal ?? stopSignal ? { stopSignal: (service.stopSignal ?? stopSignal) as NodeJS.Signals } : {}),
    },
  };
}
