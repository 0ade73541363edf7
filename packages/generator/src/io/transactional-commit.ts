/**
 * Yeoman's commit step, all or nothing: the same pipeline as yeoman-environment's (.yo-resolve, the
 * conflicter that asks about edited files), then one journaled commit of every pending file
 * (io/journal.ts): on an error every file is put back, after a crash the next run completes it.
 */
import { lstatSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import { basename, relative } from 'node:path';
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform } from '@yeoman/conflicter';
import { createTwoFilesPatch } from 'diff';
import type { CommitOptions } from './journal.js';
import { applyAll } from './apply-changes.js';

export { applyAll };
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
export async function commitTransactionally(
  env: CommitEnvironment,
  options: { dryRun?: boolean; force?: boolean; root: string } & CommitOptions,
): Promise<void> {
  if (options.dryRun) return printDryRun(env, options.root);
  const files: PendingFile[] = [];
  const collect = new Transform({
    objectMode: true,
    transform(file: PendingFile, _encoding, callback) {
      files.push(file);
      callback(null, file);
    },
  });
  const conflicterOptions = { ...(env.conflicterOptions as object), ...(options.force ? { force: true } : {}) };
  const conflicter = createConflicterTransform(
    env.adapter as Parameters<typeof createConflicterTransform>[0],
    conflicterOptions as Parameters<typeof createConflicterTransform>[1],
  );
  await env.sharedFs.pipeline(
    { filter: (file: PendingFile) => isFilePending(file as never) || file.path.endsWith('.yo-resolve') },
    createYoResolveTransform() as unknown as Transform,
    forceAnswersFile(),
    labelAsOnDisk(),
    conflicter as unknown as Transform,
    collect,
  );
  const pending = files.filter(file => isFilePending(file as never));
  // made and deleted within this run: nothing to do on disk
  const changed = pending.filter(file => !(isFileStateDeleted(file as never) && isFileNew(file as never)));
  applyAll(
    options.root,
    changed.map(file => ({
      path: file.path,
      contents: isFileStateModified(file as never) ? file.contents : null,
      mode: file.stat?.mode,
      remove: isFileStateDeleted(file as never) && !isFileNew(file as never),
    })),
    options,
  );
  for (const file of pending) {
    setCommittedFile(file as never);
    clearFileState(file as never);
  }
}

/**
 * .yo-rc.json is always written, as the conflicter's forceYoFiles means it to be: its minimatch pattern starts
 * with a globstar, which does not enter dot folders, so in a repo below one (~/.deploy/portal) the answers
 * were asked about, or kept without a terminal, while every file made from them was written.
 */
function forceAnswersFile(): Transform {
  return new Transform({
    objectMode: true,
    transform(file: PendingFile & { conflicter?: string }, _encoding, callback) {
      if (isFilePending(file as never) && basename(file.path) === '.yo-rc.json') file.conflicter = 'force';
      callback(null, file);
    },
  });
}

/**
 * A file written without asking (.yo-rc.json, one merged or safe to replace) is preset to `force`, which the
 * conflicter prints as is: a new file is labelled `create` and an unchanged one `identical` instead.
 */
function labelAsOnDisk(): Transform {
  return new Transform({
    objectMode: true,
    transform(file: PendingFile & { conflicter?: string }, _encoding, callback) {
      if (file.conflicter === 'force' && file.contents) {
        const disk = lstatSync(file.path, { throwIfNoEntry: false });
        if (!disk) file.conflicter = 'create';
        else if (disk.isFile() && readFileSync(file.path).equals(file.contents) && (file.stat?.mode === undefined || file.stat.mode === disk.mode))
          file.conflicter = 'identical';
      }
      callback(null, file);
    },
  });
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
