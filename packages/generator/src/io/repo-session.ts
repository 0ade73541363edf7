/**
 * What every command does first, before it reads a single answer: takes the repo's lock (one run at a
 * time), finishes or undoes whatever an interrupted run left (journal.ts), and refuses a .yo-rc.json
 * that is a link or not a file, since reading it would read another repo's answers into this one.
 */
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { PortalInputError } from '../answers/input-error.js';
import { readJsonFile } from '../answers/json-input.js';
import { migrateStoredAnswers } from '../answers/migrate.js';
import { checkShape } from '../answers/schema.js';
import { recoverInterrupted } from './journal.js';
import { acquireRepoLock, holdsRepoLock, releaseRepoLock } from './repo-lock.js';
import { realRoot } from './repo-paths.js';
import { STATE_FOLDER } from '../shared/repo-folders.js';

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
  if (holdsRepoLock(root)) return;
  try {
    acquireRepoLock(root, command);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (options.readOnly && (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')) return checkStoredAnswers(root);
    throw error;
  }
  const release = () => releaseRepoLock(root);
  generator.env.once('end', release);
  generator.env.once('error', release);
  for (const line of recoverInterrupted(root, join(root, STATE_FOLDER))) process.stderr.write(`portal: ${line}\n`);
  // after recovery: an interrupted run's answers are put back or completed first
  try {
    checkStoredAnswers(root);
  } catch (error) {
    release();
    throw error;
  }
}

const checkStoredAnswers = (root: string): void => PortalInputError.guard(() => checkAnswersFile(root));

/**
 * The stored answers, checked before Yeoman or any command reads them: a file of this repo, JSON of sane
 * size and depth, of the schema's shape (the values themselves are validated with the run's answers).
 */
function checkAnswersFile(root: string): void {
  const path = join(root, '.yo-rc.json');
  const stat = lstatSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return;
  if (!stat.isFile()) {
    const what = stat.isSymbolicLink() ? 'a link' : stat.isDirectory() ? 'a folder' : 'not a regular file';
    throw new PortalInputError(
      `Invalid .yo-rc.json: it is ${what}; this repo's answers must be a file of its own (copy the answers with --answers FILE instead).`,
    );
  }
  try {
    checkAnswersContent(path);
  } catch (error) {
    if (!(error instanceof PortalInputError) || !error.message.startsWith('Invalid .yo-rc.json:')) throw error;
    throw new PortalInputError(`${error.message.replace(/\.$/, '')}; fix it by hand or restore it from git.`);
  }
}

function checkAnswersContent(path: string): void {
  const rc = readJsonFile(path, '.yo-rc.json', true);
  if (rc === null || typeof rc !== 'object' || Array.isArray(rc)) {
    throw new PortalInputError(
      `Invalid .yo-rc.json: it holds ${Array.isArray(rc) ? 'a list' : JSON.stringify(rc)}, not an object with a "generator-portal" section.`,
    );
  }
  const section = (rc as Record<string, unknown>)['generator-portal'];
  if (section === undefined) return;
  if (section === null || typeof section !== 'object' || Array.isArray(section)) {
    throw new PortalInputError('Invalid .yo-rc.json: "generator-portal" must be an object of answers.');
  }
  const { fileHashes, ...answers } = section as Record<string, unknown>;
  checkShape({ ...migrateStoredAnswers(answers), ...(fileHashes === undefined ? {} : { fileHashes }) }, '.yo-rc.json', 'rc');
}
