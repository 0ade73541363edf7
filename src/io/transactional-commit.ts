/**
 * Yeoman's commit step, all or nothing: the same pipeline as yeoman-environment's (.yo-resolve, the
 * conflicter that asks about edited files), but files are staged next to their targets and renamed into
 * place together; when one fails (disk full, permissions), every file already replaced is put back and
 * every new file and folder removed, so the destination is left as it was.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { dirname, relative } from 'node:path';
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform, forceYoFiles } from '@yeoman/conflicter';
import { createTwoFilesPatch } from 'diff';
import { clearFileState, isFileNew, isFilePending, isFileStateDeleted, isFileStateModified, setCommittedFile } from 'mem-fs-editor/state';

interface PendingFile {
  path: string;
  contents: Buffer | null;
  stat?: { mode?: number } | null;
  state?: string;
}

/** What yeoman-environment passes its own commit task. */
export interface CommitEnvironment {
  readonly adapter: unknown;
  readonly conflicterOptions?: unknown;
  readonly sharedFs: { pipeline(options: object, ...transforms: Transform[]): Promise<void>; all(): PendingFile[] };
}

/** With dryRun, each pending change is printed as a unified diff and nothing is written. */
export async function commitTransactionally(env: CommitEnvironment, options: { dryRun?: boolean; force?: boolean; root?: string } = {}): Promise<void> {
  if (options.dryRun) return printDryRun(env, options.root ?? process.cwd());
  const files: PendingFile[] = [];
  const collect = new Transform({
    objectMode: true,
    transform(file: PendingFile, _encoding, callback) {
      files.push(file);
      callback(null, file);
    },
  });
  const conflicterOptions = { ...(env.conflicterOptions as object), ...(options.force ? { force: true } : {}) };
  const conflicter = createConflicterTransform(env.adapter as Parameters<typeof createConflicterTransform>[0], conflicterOptions as Parameters<typeof createConflicterTransform>[1]);
  await env.sharedFs.pipeline(
    { filter: (file: PendingFile) => isFilePending(file as never) || file.path.endsWith('.yo-resolve') },
    createYoResolveTransform() as unknown as Transform,
    forceYoFiles() as unknown as Transform,
    conflicter as unknown as Transform,
    collect,
  );
  const pending = files.filter(file => isFilePending(file as never));
  await applyAll(pending.map(file => ({
    path: file.path,
    contents: isFileStateModified(file as never) ? file.contents : null,
    mode: file.stat?.mode,
    remove: isFileStateDeleted(file as never) && !isFileNew(file as never),
  })));
  for (const file of pending) {
    setCommittedFile(file as never);
    clearFileState(file as never);
  }
}

/** Every pending change as a unified diff against the disk; nothing is written, the changes are dropped. */
async function printDryRun(env: CommitEnvironment, root: string): Promise<void> {
  let changed = 0;
  for (const file of env.sharedFs.all().filter(f => isFilePending(f as never))) {
    const patch = await diffOf(file, root);
    if (/^[-+][^-+]/m.test(patch)) {
      process.stdout.write(patch);
      changed++;
    }
    clearFileState(file as never);
  }
  process.stdout.write(`dry run: ${changed} file(s) would change; nothing was written\n`);
}

/** Paths are named from the repo root, so which files hold secrets does not depend on the caller's folder. */
async function diffOf(file: PendingFile, root: string): Promise<string> {
  const before = await fs.readFile(file.path, 'utf8').catch(() => '');
  const after = isFileStateModified(file as never) ? (file.contents?.toString('utf8') ?? '') : '';
  const name = relative(root, file.path) || file.path;
  // a diff of .env, an instance's env file or secrets/ would print secret values
  if (name === '.env' || /^instances\/[^/]+\.env$/.test(name) || name.startsWith('secrets/')) {
    return before === after ? '' : `--- a/${name}\n+++ b/${name}\n+(changed; secret values are not shown)\n`;
  }
  return createTwoFilesPatch(`a/${name}`, `b/${name}`, before, after, '', '', { context: 3 });
}

export interface FileChange {
  readonly path: string;
  readonly contents: Buffer | null;
  readonly mode?: number | undefined;
  readonly remove?: boolean;
}

/** Applies every change or none. */
export async function applyAll(changes: readonly FileChange[]): Promise<void> {
  const tag = `.portal-${randomBytes(4).toString('hex')}`;
  const createdDirs: string[] = [];
  const staged: { change: FileChange; temp: string }[] = [];
  const done: { path: string; backup?: string }[] = [];
  try {
    for (const change of changes.filter(c => !c.remove)) {
      if (!change.contents) throw new Error(`${change.path}: cannot write an empty file`);
      createdDirs.push(...(await makeDirs(dirname(change.path))));
      const temp = `${change.path}${tag}.new`;
      await fs.writeFile(temp, change.contents, change.mode === undefined ? {} : { mode: change.mode & 0o7777 });
      if (change.mode !== undefined) await fs.chmod(temp, change.mode & 0o7777);
      staged.push({ change, temp });
    }
    for (const { change, temp } of staged) {
      const backup = (await exists(change.path)) ? `${change.path}${tag}.old` : undefined;
      if (backup) await fs.rename(change.path, backup);
      done.push({ path: change.path, ...(backup ? { backup } : {}) });
      await fs.rename(temp, change.path);
    }
    for (const change of changes.filter(c => c.remove)) {
      const backup = `${change.path}${tag}.old`;
      await fs.rename(change.path, backup);
      done.push({ path: change.path, backup });
    }
  } catch (error) {
    for (const { path, backup } of done.reverse()) {
      await fs.rm(path, { force: true });
      if (backup) await fs.rename(backup, path);
    }
    for (const { temp } of staged) await fs.rm(temp, { force: true });
    for (const dir of createdDirs.reverse()) await fs.rmdir(dir).catch(() => undefined);
    throw error;
  }
  for (const { backup } of done) if (backup) await fs.rm(backup, { recursive: true, force: true });
  // folders left empty by removed files go too (a removed service's config folder)
  for (const change of changes.filter(c => c.remove)) await removeEmptyParents(dirname(change.path));
}

async function removeEmptyParents(dir: string): Promise<void> {
  for (let current = dir; ; current = dirname(current)) {
    const entries = await fs.readdir(current).catch(() => ['?']);
    if (entries.length > 0 || current === dirname(current)) return;
    await fs.rmdir(current).catch(() => undefined);
  }
}

async function exists(path: string): Promise<boolean> {
  return fs.lstat(path).then(() => true, () => false);
}

/** Creates a folder and its missing parents; returns the ones it created, outermost first. */
async function makeDirs(dir: string): Promise<string[]> {
  if (await exists(dir)) return [];
  const created = await makeDirs(dirname(dir));
  await fs.mkdir(dir);
  return [...created, dir];
}
