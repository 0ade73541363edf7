/**
 * The first commit of a freshly generated repo: only where git is installed and the folder is inside no
 * git work tree, and never of a secret (the generated .gitignore keeps them out; a commit that would hold
 * one is not made).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export type FirstCommit = { readonly done: true; readonly files: number; readonly author: string } | { readonly done: false; readonly why: string; readonly quiet?: boolean };

/** Paths that hold secrets: `.env`, an instance's env file, anything under secrets/. */
export const isSecretPath = (path: string): boolean => path === '.env' || /^instances\/[^/]+\.env$/.test(path) || path.startsWith('secrets/');

/** Used for this commit only, when git knows no user: the config of the user's machine is never changed. */
export const FALLBACK_IDENTITY = { name: 'generator-portal', email: 'generator-portal@localhost' };

const git = (root: string, args: readonly string[]) =>
  spawnSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });

export function firstCommit(root: string, message: string): FirstCommit {
  if (spawnSync('git', ['--version'], { stdio: 'ignore' }).status !== 0) return { done: false, why: 'git is not installed', quiet: true };
  if (git(root, ['rev-parse', '--is-inside-work-tree']).status === 0) return { done: false, why: 'the folder is inside a git work tree already', quiet: true };
  const failed = (step: string, run: ReturnType<typeof git>): FirstCommit => {
    // the .git folder is ours, made a moment ago: nothing of the user's goes with it
    rmSync(join(root, '.git'), { recursive: true, force: true });
    return { done: false, why: `git ${step} failed: ${(run.stderr || run.error?.message || '').trim().split('\n')[0]}` };
  };
  const init = git(root, ['init', '-q']);
  if (init.status !== 0) return failed('init', init);
  const add = git(root, ['add', '-A']);
  if (add.status !== 0) return failed('add', add);
  const staged = git(root, ['ls-files', '-z']).stdout.split('\0').filter(Boolean);
  const leaked = staged.find(isSecretPath);
  if (leaked) {
    rmSync(join(root, '.git'), { recursive: true, force: true });
    return { done: false, why: `${leaked} is not git-ignored, so nothing was committed: add it to .gitignore and commit yourself` };
  }
  const configured = (key: string) => git(root, ['config', key]).stdout.trim();
  const name = configured('user.name') || FALLBACK_IDENTITY.name;
  const email = configured('user.email') || FALLBACK_IDENTITY.email;
  const commit = git(root, ['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '-q', '-m', message]);
  if (commit.status !== 0) return failed('commit', commit);
  return { done: true, files: staged.length, author: `${name} <${email}>` };
}
