/**
 * What a built image would hold, read from the repo's Dockerfile: the target stage's working folder, user,
 * command and environment, and the files it copies from the build context (bound in place of the image
 * layers). Only the instructions the generated Dockerfiles use are understood.
 */
import { readFileSync } from 'node:fs';
import { join, posix } from 'node:path';

export interface BuiltImage {
  readonly workdir: string;
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly entrypoint?: string[];
  readonly cmd?: string[];
  readonly env: Record<string, string>;
  /** [path in the build context, path in the image] */
  readonly copies: [string, string][];
  /** External images the target stage copies from (e.g. pramsey/pg_tileserv). */
  readonly copiedImages: string[];
  /** Folders a RUN chowns: a new volume mounted there starts with that owner, others with root. */
  readonly owners: Record<string, { readonly uid: number; readonly gid: number }>;
}

interface Stage {
  readonly name: string;
  readonly from: string;
  readonly lines: string[];
}

/** Joins `\` continuations and drops comments. */
const instructions = (text: string): string[] =>
  text.replace(/\\\n/g, ' ').split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'));

function stages(text: string): Stage[] {
  const found: Stage[] = [];
  for (const line of instructions(text)) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) found.push({ name: from[2] ?? String(found.length), from: from[1]!, lines: [] });
    else found.at(-1)?.lines.push(line);
  }
  return found;
}

const jsonOrShell = (rest: string): string[] => (rest.startsWith('[') ? (JSON.parse(rest) as string[]) : ['/bin/sh', '-c', rest]);

/** uid and gid of a user created by useradd/adduser in the Dockerfile. */
function resolveUser(spec: string, text: string): { uid: number; gid: number } | undefined {
  const [name, group] = spec.split(':');
  const numeric = (value: string | undefined) => (value && /^\d+$/.test(value) ? Number(value) : undefined);
  const uidOf = (user: string) => numeric(user) ?? Number(new RegExp(`(?:useradd|adduser)[^&;]*?(?:--uid|-u)\\s+(\\d+)[^&;]*?\\s${user}\\b`).exec(text)?.[1] ?? NaN);
  const gidOf = (g: string) => numeric(g) ?? Number(new RegExp(`(?:groupadd|addgroup)[^&;]*?(?:--gid|-g)\\s+(\\d+)[^&;]*?\\s${g}\\b`).exec(text)?.[1] ?? NaN);
  const uid = uidOf(name!);
  if (Number.isNaN(uid)) return undefined;
  const gid = group ? gidOf(group) : gidOf(name!);
  return { uid, gid: Number.isNaN(gid) ? uid : gid };
}

export function readBuiltImage(context: string, target?: string): BuiltImage {
  const text = readFileSync(join(context, 'Dockerfile'), 'utf8');
  const all = stages(text);
  const chain: Stage[] = [];
  for (let stage = target ? all.find(s => s.name === target) : all.at(-1); stage; stage = all.find(s => s.name === stage!.from)) chain.unshift(stage);
  let workdir = '/';
  let user: string | undefined;
  let entrypoint: string[] | undefined;
  let cmd: string[] | undefined;
  let cmdStage: Stage | undefined;
  const env: Record<string, string> = {};
  const copies: [string, string][] = [];
  const copiedImages: string[] = [];
  const owners: Record<string, { uid: number; gid: number }> = {};
  for (const stage of chain) {
    for (const line of stage.lines) {
      const [word, ...restWords] = line.split(/\s+/);
      const rest = restWords.join(' ');
      switch (word!.toUpperCase()) {
        case 'WORKDIR': workdir = posix.resolve(workdir, rest); break;
        case 'USER': user = rest; break;
        case 'RUN':
          for (const m of rest.matchAll(/chown\s+(?:-R\s+)?(\S+)\s+((?:[^\s&;|]+\s*)+)/g)) {
            const owner = resolveUser(m[1]!, text);
            if (owner) for (const path of m[2]!.trim().split(/\s+/)) owners[posix.resolve(workdir, path)] = owner;
          }
          break;
        // ENTRYPOINT resets a CMD inherited from the base stage, not one of its own stage
        case 'ENTRYPOINT': entrypoint = jsonOrShell(rest); if (cmdStage !== stage) cmd = undefined; break;
        case 'CMD': cmd = jsonOrShell(rest); cmdStage = stage; break;
        case 'ENV':
          for (const m of rest.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]!] = m[2]!.replace(/^"|"$/g, '');
          break;
        case 'COPY': {
          const from = /--from=(\S+)/.exec(rest)?.[1];
          const paths = restWords.filter(w => !w.startsWith('--'));
          const dest = paths.pop()!;
          if (from) {
            const source = all.find(s => s.name === from);
            // a copy from a stage built on an outside image: that image's files are not here
            if (source && !chain.includes(source) && !all.some(s => s.name === source.from)) copiedImages.push(source.from);
            continue;
          }
          for (const path of paths) {
            const inImage = dest.endsWith('/') || paths.length > 1 || path === '.' ? posix.join(posix.resolve(workdir, dest), path === '.' ? '' : posix.basename(path)) : posix.resolve(workdir, dest);
            copies.push([path, inImage.replace(/\/$/, '') || '/']);
          }
          break;
        }
        default: break;
      }
    }
  }
  const resolved = user ? resolveUser(user, text) : undefined;
  return { workdir, ...(resolved ? { user: resolved } : {}), ...(entrypoint ? { entrypoint } : {}), ...(cmd ? { cmd } : {}), env, copies, copiedImages, owners };
}
