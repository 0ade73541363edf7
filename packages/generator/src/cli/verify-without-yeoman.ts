/**
 * `portal verify` as the bin runs it: the same steps as the portal:verify generator (open the repo read-only,
 * refuse a folder without a portal, verify), without loading Yeoman's environment, which costs about a
 * second of CPU and 75 MiB before the first check starts. Anything but the command's own flags (help,
 * an unknown option, a word) goes through Yeoman as before, so its refusals keep their words.
 */
import { EventEmitter } from 'node:events';
import { openRepo } from '../io/repo-session.js';
import { refuseNonPortal, verifyFolder } from '../generators/verify/verify-folder.js';

const FLAGS = ['--checklist-only', '--prod'];

/** True when the arguments are flags of portal verify alone (repeats are refused before this). */
export const takesOnlyItsFlags = (args: readonly string[]): boolean => args.every(arg => FLAGS.includes(arg));

export async function verifyWithoutYeoman(root: string, args: readonly string[]): Promise<void> {
  // the lock's release hooks listen here, as on Yeoman's environment; the bin releases every lock at exit too
  const session = { destinationRoot: () => root, env: new EventEmitter() };
  openRepo(session, 'portal verify', { readOnly: true });
  try {
    refuseNonPortal(root);
    await verifyFolder(root, { checklistOnly: args.includes('--checklist-only'), prod: args.includes('--prod') });
    session.env.emit('end');
  } catch (error) {
    session.env.emit('error');
    throw error;
  }
}
