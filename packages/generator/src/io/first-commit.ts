/**
 * The first commit of a freshly generated repo: only where git is installed and the folder is inside no
 * git work tree. It holds only what this run generated, added by path: files that were in the folder
 * before (a key, a dump, a certificate) stay untracked, and nothing the generated .gitignore files would
 * ignore goes in, even when the user kept a .gitignore of their own that lacks those lines.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export type FirstCommit =
  | { readonly done: true; readonly files: number; readonly author: string; readonly leftUntracked: number }
  | { readonly done: false; readonly why: string; readonly quiet?: boolean };

/** What this run generated: the paths it wrote, and the .gitignore files of its plan (path and content). */
export interface Generated {
  readonly paths: readonly string[];
  readonly ignoreFiles: readonly { readonly path: string; readonly content: string }[];
}

/** Used for this commit only, when git knows no user: the config of the user's machine is never changed. */
export const FALLBACK_IDENTITY = { name: 'generator-portal', email: 'generator-portal@localhost' };

const git = (root: string, args: readonly string[], input?: string) =>
  spawnSync('git', args, {
    cwd: root,
    encoding: 'utf8',
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });

/**
 * The rules of a .gitignore in a sub-folder, written as rules of the repository root (for .git/info/exclude):
 * a pattern with a slash is anchored to that folder, one without matches at any depth below it.
 */
export function rootIgnoreRules(path: string, content: string): string[] {
  const folder = dirname(path) === '.' ? '' : dirname(path);
  const rules = content
    .split('\n')
    .map(line => line.trimEnd())
    .filter(line => line !== '' && !line.startsWith('#'));
  if (folder === '') return rules;
  return rules.map(rule => {
    const negated = rule.startsWith('!');
    const pattern = negated ? rule.slice(1) : rule;
    const anchored = pattern.replace(/\/$/, '').includes('/');
    return `${negated ? '!' : ''}/${folder}/${anchored ? pattern.replace(/^\//, '') : `**/${pattern}`}`;
  });
}

export function firstCommit(root: string, message: string, generated: Generated): FirstCommit {
  if (spawnSync('git', ['--version'], { stdio: 'ignore' }).status !== 0) return { done: false, why: 'git is not installed', quiet: true };
  if (git(root, ['rev-parse', '--is-inside-work-tree']).status === 0) return { done: false, why: 'the folder is inside a git work tree already', quiet: true };
  const failed = (step: string, run: ReturnType<typeof git>): FirstCommit => {
    // the .git folder is ours, made a moment ago: nothing of the user's goes with it
    rmSync(join(root, '.git'), { recursive: true, force: true });
    return { done: false, why: `git ${step} failed: ${(run.stderr || run.error?.message || '').trim().split('\n')[0]}` };
  };
  const init = git(root, ['init', '-q']);
  if (init.status !== 0) return failed('init', init);
  // the generated rules join whatever .gitignore is on disk for the checks below, then the file is as git made it
  const exclude = join(root, '.git', 'info', 'exclude');
  const excludeBefore = existsSync(exclude) ? readFileSync(exclude, 'utf8') : undefined;
  const generatedRules = generated.ignoreFiles.flatMap(file => rootIgnoreRules(file.path, file.content));
  mkdirSync(dirname(exclude), { recursive: true });
  writeFileSync(exclude, `${excludeBefore ?? ''}\n${generatedRules.join('\n')}\n`);
  const candidates = [...new Set([...generated.paths, '.gitignore', '.yo-rc.json'])].filter(path => existsSync(join(root, path)));
  const check = git(root, ['check-ignore', '-z', '--stdin'], candidates.join('\0'));
  // exit 1: none of them is ignored
  if (check.status !== 0 && check.status !== 1) return failed('check-ignore', check);
  const ignored = new Set(check.stdout.split('\0').filter(Boolean));
  const paths = candidates.filter(path => !ignored.has(path));
  const others = git(root, ['ls-files', '-z', '--others', '--exclude-standard']);
  if (others.status !== 0) return failed('ls-files', others);
  const leftUntracked = others.stdout.split('\0').filter(path => path !== '' && !paths.includes(path)).length;
  if (excludeBefore === undefined) rmSync(exclude, { force: true });
  else writeFileSync(exclude, excludeBefore);
  const add = git(root, ['--literal-pathspecs', 'add', '--', ...paths]);
  if (add.status !== 0) return failed('add', add);
  const configured = (key: string) => git(root, ['config', key]).stdout.trim();
  const name = configured('user.name') || FALLBACK_IDENTITY.name;
  const email = configured('user.email') || FALLBACK_IDENTITY.email;
  const commit = git(root, ['-c', `user.name=${name}`, '-c', `user.email=${email}`, 'commit', '-q', '-m', message]);
  if (commit.status !== 0) return failed('commit', commit);
  return { done: true, files: paths.length, author: `${name} <${email}>`, leftUntracked };
}
