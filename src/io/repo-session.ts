/**
 * What every command does first, before it reads a single answer: takes the repo's lock (one run at a
 * time), finishes or undoes whatever an interrupted run left (journal.ts), and refuses a .yo-rc.json
 * that is a link or not a file, since reading it would read another repo's answers into this one.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { PortalInputError } from '../answers/input-error.js';
import { recoverInterrupted } from './journal.js';
import { acquireRepoLock, holdsRepoLock, releaseRepoLock } from './repo-lock.js';
import { realRoot, STATE_FOLDER } from './repo-paths.js';

interface Session {
  destinationRoot(): string;
  readonly env: { once(event: string, listener: () => void): unknown };
}

export interface OpenOptions {
  /** Commands that only read go on without the lock where the repo cannot be written (a read-only mount). */
  readonly readOnly?: boolean;
}

export function openRepo(generator: Session, command: string, options: OpenOptions = {}): void {
  const root = realRoot(generator.destinationRoot());
  PortalInputError.guard(() => checkAnswersFile(root));
  if (holdsRepoLock(root)) return;
  try {
    acquireRepoLock(root, command);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (options.readOnly && (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')) return;
    throw error;
  }
  const release = () => releaseRepoLock(root);
  generator.env.once('end', release);
  generator.env.once('error', release);
  for (const line of recoverInterrupted(root, join(root, STATE_FOLDER))) process.stderr.write(`portal: ${line}\n`);
}

function checkAnswersFile(root: string): void {
  const path = join(root, '.yo-rc.json');
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined || stat.isFile()) return;
  const what = stat.isSymbolicLink() ? 'a link' : stat.isDirectory() ? 'a folder' : 'not a regular file';
  throw new PortalInputError(`Invalid .yo-rc.json: it is ${what}; this repo's answers must be a file of its own (copy the answers with --answers FILE instead).`);
}
