/**
 * Every path the generator reads or writes, whether it comes from the plan, the recorded hashes or the
 * command line, resolves inside the repo. Links are followed only while they stay inside it: a folder
 * link that leaves the repo, or any link in the place of a file, is refused before anything is read.
 */
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import { STATE_FOLDER } from '../shared/repo-folders.js';

/** A repo-relative path in the generator's own spelling: forward slashes, no `.`, `..` or empty parts. */
export function checkRelativePath(path: string, where: string): string {
  const parts = path.split('/');
  if (path === '' || isAbsolute(path) || path.includes('\\') || path.includes('\0') || parts.some(part => part === '' || part === '.' || part === '..')) {
    throw new PortalInputError(`Invalid path ${quoted(path, 200)} in ${where}: expected a path inside the repo such as "nginx/nginx.conf"; remove the entry.`);
  }
  if (parts[0] === STATE_FOLDER || parts[0] === '.git') {
    throw new PortalInputError(`Invalid path ${quoted(path, 200)} in ${where}: ${parts[0]}/ is not the generator's to write; remove the entry.`);
  }
  return path;
}

/** The repo root with its own links resolved: what "inside the repo" is measured against. */
export function realRoot(root: string): string {
  return realpathSync(root);
}

const isInside = (root: string, path: string): boolean => {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

/**
 * The absolute path of `path` (relative to the real root), after checking each existing part of it:
 * a folder link must resolve inside the repo, and the file itself must not be a link.
 */
export function insideRepo(root: string, path: string, where: string): string {
  checkRelativePath(path, where);
  const parts = path.split('/');
  let current = root;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    let stat;
    try {
      stat = lstatSync(current);
    } catch {
      return join(root, path);
    }
    const shown = parts.slice(0, index + 1).join('/');
    const last = index === parts.length - 1;
    if (!stat.isSymbolicLink()) {
      // a file where a folder belongs, or a FIFO or device where a file belongs (reading it would block)
      if (!last && !stat.isDirectory()) {
        throw new PortalInputError(
          `Invalid path ${quoted(path, 200)} in ${where}: ${quoted(shown, 200)} is a file, not a folder; move it away (or remove the entry) and run again.`,
        );
      }
      if (last && !stat.isDirectory() && !stat.isFile()) {
        throw new PortalInputError(`Invalid ${quoted(shown, 200)}: it is not a regular file (a pipe, socket or device); remove it and run again.`);
      }
      continue;
    }
    const target = readlinkSync(current);
    if (last) {
      throw new PortalInputError(
        `Invalid link ${quoted(shown, 200)} -> ${quoted(target, 200)}: the generator writes this file itself; replace the link with a regular file (or remove it) and run again.`,
      );
    }
    let resolved: string;
    try {
      resolved = realpathSync(current);
    } catch {
      throw new PortalInputError(
        `Invalid link ${quoted(shown, 200)} -> ${quoted(target, 200)}: it points nowhere; replace it with a folder (or remove it) and run again.`,
      );
    }
    if (!isInside(root, resolved)) {
      throw new PortalInputError(
        `Invalid link ${quoted(shown, 200)} -> ${quoted(target, 200)}: it leaves the repo; replace it with a folder (or remove it) and run again.`,
      );
    }
  }
  return join(root, path);
}

/** The same check for an absolute path the writer was handed (the commit step). */
export function checkedAbsolute(root: string, absolute: string, where: string): string {
  const rel = relative(root, absolute);
  if (!isInside(root, absolute)) throw new PortalInputError(`Invalid path ${quoted(absolute, 200)} in ${where}: it is outside the repo ${quoted(root, 200)}.`);
  return insideRepo(root, rel.split(sep).join('/'), where);
}

/**
 * Where a repo folder really is, links followed: its repo-relative path ('' for the repo itself). A link on
 * the way that leaves the repo, or points nowhere, is refused; a part not made yet is taken as written.
 */
export function resolvedInRepo(root: string, path: string, where: string): string {
  const parts = checkRelativePath(path, where).split('/');
  let real = root;
  for (const [index, part] of parts.entries()) {
    const next = join(real, part);
    const stat = lstatSync(next, { throwIfNoEntry: false });
    if (!stat)
      return relative(root, join(real, ...parts.slice(index)))
        .split(sep)
        .join('/');
    if (!stat.isSymbolicLink()) {
      real = next;
      continue;
    }
    const shown = parts.slice(0, index + 1).join('/');
    let resolved: string;
    try {
      resolved = realpathSync(next);
    } catch {
      throw new PortalInputError(
        `Invalid link ${quoted(shown, 200)} -> ${quoted(readlinkSync(next), 200)} in ${where}: it points nowhere; replace it with a folder and run again.`,
      );
    }
    if (resolved !== root && !isInside(root, resolved)) {
      throw new PortalInputError(
        `Invalid link ${quoted(shown, 200)} -> ${quoted(readlinkSync(next), 200)} in ${where}: it leaves the repo; replace it with a folder and run again.`,
      );
    }
    real = resolved;
  }
  return relative(root, real).split(sep).join('/');
}
