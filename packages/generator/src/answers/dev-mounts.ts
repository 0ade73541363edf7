/**
 * An app's source folders mounted in dev only (`devMounts`, `--dev-mount ./src/api:/app[:ro]`): a folder of
 * the generated repo over a path of the container, so code edits reach the running app without a rebuild.
 * The source stays inside the repo and away from what holds secrets; links on disk are checked at
 * generation (generators/app), where the repo is known.
 */
import { SECRET_FOLDERS } from '../shared/repo-folders.js';
import { PortalInputError } from './input-error.js';
import { quoted } from './quoted.js';

export interface DevMount {
  /** A folder of the repo, "./src/api". */
  readonly source: string;
  /** Where the container sees it, "/app". */
  readonly target: string;
  readonly readOnly?: boolean;
}

const SEGMENTS = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;
/** Folders of the repo that hold secrets, env files, dumps, TLS keys or deployment config: never handed to a container. */
const PRIVATE_FOLDERS = [...SECRET_FOLDERS, 'instances', 'config'];
/** The image's system folders and the places compose mounts itself (secrets, tmpfs /tmp). */
const SYSTEM_TARGETS = /^\/(etc|usr|bin|sbin|lib|lib64|proc|sys|dev|boot|run|tmp)(\/|$)/;
const EXAMPLE = '--dev-mount ./src/api:/app (or ./src/api:/app:ro)';
const MAX = 20;

function refuse(value: unknown, app: string, allowed: string): never {
  throw new PortalInputError(`Invalid --dev-mount ${quoted(value)} of app "${app}": expected ${allowed}.`);
}

/** "./src/api" as the repo-relative folder "src/api", or a refusal naming the rule it breaks. */
export function devMountSource(value: string, app: string, shown: unknown = value): string {
  const path = value.startsWith('./') ? value.slice(2) : value;
  const parts = path.split('/');
  if (value.startsWith('/') || value.startsWith('~')) refuse(shown, app, `a folder of the repo given relative to it, not an absolute path, e.g. ${EXAMPLE}`);
  if (path.length === 0 || path.length > 128 || !SEGMENTS.test(path) || parts.some(part => part === '.' || part === '..')) {
    refuse(
      shown,
      app,
      `a folder inside the repo: letters, digits, ".", "_" and "-" in parts separated by "/", no ".." and not the repo itself, e.g. ${EXAMPLE}`,
    );
  }
  if (parts.some(part => part.startsWith('.')))
    refuse(shown, app, 'a folder without hidden parts (".git", ".env", ".portal" ...): the container would read what they hold');
  // the folder itself, one inside it, or one holding it (./nginx holds nginx/certs)
  const secret = PRIVATE_FOLDERS.find(folder => path === folder || path.startsWith(`${folder}/`) || folder.startsWith(`${path}/`));
  if (secret) refuse(shown, app, `a source folder of its own, not ${secret}/, inside it or holding it (it holds secrets, env files, dumps or TLS keys)`);
  return path;
}

function devMountTarget(value: string, app: string, shown: unknown): string {
  if (value.length > 128 || !/^\/[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(value) || value.split('/').some(part => part === '.' || part === '..')) {
    refuse(shown, app, `an absolute path in the container after the source, e.g. ${EXAMPLE}`);
  }
  if (SYSTEM_TARGETS.test(value)) refuse(shown, app, "a container path outside the image's system folders, /run and /tmp (e.g. /app)");
  return value;
}

/** `./src:/app[:ro]` as typed on the command line. */
function parseText(text: string, app: string): DevMount {
  // a newline or NUL would end a line of compose or the message; refused before anything is split
  if (/[\0-\x1f\x7f]/.test(text)) refuse(text, app, 'one line without control characters');
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3 || (parts.length === 3 && parts[2] !== 'ro')) {
    refuse(text, app, `SOURCE:TARGET or SOURCE:TARGET:ro, with no other ":", e.g. ${EXAMPLE}`);
  }
  return { source: parts[0]!, target: parts[1]!, ...(parts[2] === 'ro' ? { readOnly: true } : {}) };
}

/** The dev mounts of one app, from the command line (texts) or an answers file (records); absent stays absent. */
export function validateDevMounts(value: unknown, app: string): DevMount[] | undefined {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) refuse(value, app, `a list of mounts, e.g. [{"source": "./src/api", "target": "/app"}] or ${EXAMPLE}`);
  if (list.length > MAX) refuse(`${list.length} mounts`, app, `at most ${MAX}`);
  const mounts = list.map((item: unknown): DevMount => {
    if (typeof item === 'string') return parseText(item.trim(), app);
    if (item === null || typeof item !== 'object' || Array.isArray(item))
      refuse(item, app, 'a mount {"source": "./src/api", "target": "/app", "readOnly": false}');
    const record = item as Record<string, unknown>;
    const unknown = Object.keys(record).find(key => !['source', 'target', 'readOnly'].includes(key));
    if (unknown !== undefined) refuse(unknown, app, 'the keys source, target and readOnly');
    if (typeof record.source !== 'string' || typeof record.target !== 'string' || (record.readOnly !== undefined && typeof record.readOnly !== 'boolean')) {
      refuse(JSON.stringify(record), app, 'a text source and target, and readOnly true or false');
    }
    if (/[\0-\x1f\x7f]/.test(record.source + record.target)) refuse(`${record.source}:${record.target}`, app, 'one line without control characters');
    return { source: record.source, target: record.target, ...(record.readOnly ? { readOnly: true } : {}) };
  });
  const checked = mounts.map(mount => {
    const shown = `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`;
    return {
      source: `./${devMountSource(mount.source, app, shown)}`,
      target: devMountTarget(mount.target, app, shown),
      ...(mount.readOnly ? { readOnly: true } : {}),
    };
  });
  const targets = checked.map(mount => mount.target);
  const twice = targets.find((target, index) => targets.indexOf(target) !== index);
  if (twice) refuse(twice, app, 'each container path once');
  return checked;
}

/** `portal app set --dev-mount`: a mount given replaces the one at the same path; "none" drops them all. */
export function mergedDevMounts(existing: readonly DevMount[] | undefined, given: readonly DevMount[]): DevMount[] {
  // in place, so the order (and a merge of the dev override) stays as it was
  const kept = (existing ?? []).map(mount => given.find(next => next.target === mount.target) ?? mount);
  return [...kept, ...given.filter(next => !kept.includes(next))];
}
