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
  readonly ownAddressLib: string;
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

/** What the image brings before compose's overrides: from the repo's Dockerfile or from our image table. */
interface ImageView {
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  readonly user?: string;
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly links: readonly (readonly [string, string])[];
  readonly stopSignal?: NodeJS.Signals;
  /** Built images: the folders their Dockerfile chowns (new volumes there start with that owner). */
  readonly owners?: Record<string, { uid: number; gid: number }>;
  readonly runs: string;
  readonly standIns: string[];
  readonly binds: Bind[];
}

function fromDockerfile(context: string, target: string | undefined): ImageView | { skipped: string } {
  const image = readBuiltImage(context, target);
  const node = existsSync(join(context, 'package.json'));
  const binds: Bind[] = [];
  const standIns: string[] = [];
  for (const [from, to] of image.copies) {
    const source = join(context, from);
    if (existsSync(source)) binds.push({ source, target: to, readOnly: true, directory: statSync(source).isDirectory() });
  }
  for (const copied of image.copiedImages) {
    const standIn = COPIED_IMAGES[repository(copied)];
    if (!standIn) return { skipped: `its image copies files from ${copied}, which has no Debian package or stand-in` };
    binds.push({ source: standIn.file, target: standIn.at, readOnly: true, directory: false });
    standIns.push(standIn.standIn);
  }
  const requirements = join(context, 'requirements.txt');
  const django = existsSync(requirements) && /^django\b/im.test(readFileSync(requirements, 'utf8'));
  const base = node ? 'Node.js' : `Debian's python3 packages${django ? ' (Django 3.2: /smoke/images/python adds the RedisCache backend it lacks)' : ''}`;
  const { PATH: _ignored, ...env } = image.env;
  return {
    ...(image.entrypoint ? { entrypoint: image.entrypoint } : {}),
    ...(image.cmd ? { cmd: image.cmd } : {}),
    ...(image.user ? { user: `${image.user.uid}:${image.user.gid}` } : {}),
    workdir: image.workdir,
    // Debian's python3 stands in for the image's: /smoke/images/python bridges what its older Django lacks
    env: node ? env : { ...env, PYTHONPATH: '/smoke/images/python' },
    links: [],
    owners: image.owners,
    runs: `built from ./${context.split('/').pop()} (${target ?? 'last'} stage), run with ${base}`,
    standIns,
    binds,
  };
}

function fromImageTable(image: string, address: string): ImageView | { skipped: string } {
  const runtime = imageRuntime(image);
  if (!runtime) return { skipped: `no Debian package or stand-in for ${image}` };
  return {
    ...(runtime.entrypoint ? { entrypoint: runtime.entrypoint } : {}),
    ...(runtime.cmd ? { cmd: runtime.cmd } : {}),
    ...(runtime.user ? { user: runtime.user } : {}),
    workdir: runtime.workdir ?? '/',
    env: { ...runtime.env, ...runtime.listenEnv?.(address) },
    links: runtime.links ?? [],
    ...(runtime.stopSignal ? { stopSignal: runtime.stopSignal } : {}),
    runs: runtime.runs,
    standIns: runtime.standIn ? [runtime.standIn] : [],
    binds: (runtime.files ?? []).map(([source, target]) => ({ source, target, readOnly: true, directory: false })),
  };
}

export function planService(service: ComposeService, stack: ComposeStack, paths: StackPaths, address: string): Plan {
  const view = service.build ? fromDockerfile(service.build.context, service.build.target) : fromImageTable(service.image, address);
  if ('skipped' in view) return { service, runs: '', standIns: [], skipped: view.skipped };
  const { entrypoint, cmd, workdir, env, links, stopSignal, owners, runs, standIns } = view;
  const binds = [...view.binds];
  // compose: a new entrypoint drops the image's command; a command replaces it
  const argv = [...(service.entrypoint ?? entrypoint ?? []), ...(service.command ?? (service.entrypoint ? [] : cmd ?? []))].map(unescape);
  if (argv.length === 0) return { service, runs, standIns, skipped: 'no command to run' };
  const userText = service.user ?? view.user;
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
  binds.push({ source: paths.ownAddressLib, target: OWN_ADDRESS_LIB, readOnly: true, directory: false });
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
      env: { PATH, HOSTNAME: hostname, HOME: user && user.uid !== 0 ? '/' : '/root', LD_PRELOAD: OWN_ADDRESS_LIB, PORTAL_SMOKE_ADDRESS: address, ...env, ...service.environment },
      ...(user ? { user } : {}),
      workdir: service.workingDir ?? workdir,
      argv,
      ...(service.stopSignal ?? stopSignal ? { stopSignal: (service.stopSignal ?? stopSignal) as NodeJS.Signals } : {}),
    },
  };
}
