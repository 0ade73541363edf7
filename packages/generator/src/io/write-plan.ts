/**
 * The one writer: PlannedFile[] -> the generator's in-memory file system (committed all at once later).
 *
 * A managed file still byte-identical to what the last run wrote is replaced. One the user edited is
 * merged three-way against what the last run wrote (re-rendered from the previous answers, trusted only
 * when its hash matches the recorded one): both sides' changes kept, overlaps marked as conflicts.
 * Without a trusted base (the generator itself changed) Yeoman's conflicter asks, or keeps the file.
 * Files the last run wrote that the plan no longer has are deleted when pristine, kept when edited.
 */
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { checkRelativePath, insideRepo, realRoot } from './repo-paths.js';
import { appendMissingEnv, dropAddedBlocks, followChangedAnswers } from '../render/env.js';
import { envValues } from '../secrets/env-line.js';
import type { PlannedFile } from '../render/file-plan.js';
import { canMerge, threeWayMerge } from './three-way-merge.js';
import { mergeYaml } from './yaml-merge.js';

/** Helm templates are text until Helm renders them (`{{ }}` is no YAML): they merge line by line. */
const HELM_TEMPLATE = /^deploy\/helm\/[^/]+\/templates\//;

export interface PlanTarget {
  destinationRoot(): string;
  destinationPath(...path: string[]): string;
  readonly fs: {
    exists(path: string): boolean;
    read(path: string): string;
    write(path: string, contents: string, options?: { stat?: { mode?: number } }): unknown;
    delete(path: string): unknown;
    readonly store: { get(path: string): object };
  };
}

export interface WriteReport {
  readonly written: readonly string[];
  /** Files whose bytes differ from what was on disk (new ones included): none, and the run changed nothing. */
  readonly changed: readonly string[];
  /** Secret files already present: never regenerated. */
  readonly kept: readonly string[];
  /** Existing env files that received new variables (or lost those of removed services). */
  readonly extended: readonly string[];
  /** Edited files into which the generator's changes were merged cleanly. */
  readonly merged: readonly string[];
  /** Edited files where both sides changed the same lines: conflict markers written. */
  readonly conflicts: readonly string[];
  /** Files the generator no longer writes: deleted (pristine) or kept (edited). */
  readonly removed: readonly string[];
  readonly orphansKept: readonly string[];
  /** Generated files the user deleted: not written again. */
  readonly deletedKept: readonly string[];
  /** sha256 of each managed file as generated now, to tell a pristine file from an edited one next time. */
  readonly hashes: Readonly<Record<string, string>>;
}

export interface WriteContext {
  readonly addedBy: string;
  /** Hashes recorded by the last run. */
  readonly lastHashes?: Readonly<Record<string, string>>;
  /** What the last run generated, re-rendered from its answers; used only where its hash matches. */
  readonly lastPlan?: readonly PlannedFile[];
  /** Keep the .env lines and secret files of removed services (their data is kept and needs them). */
  readonly keepSecrets?: boolean;
}

const CONFLICT_MARKERS = /^<{7} .*\n[\s\S]*^>{7} /m;

/** `.env` and each instance's env file: the user's, extended with missing variables on re-runs. */
const isEnvFile = (path: string): boolean => path === '.env' || /^instances\/[^/]+\.env$/.test(path);

/** Regular-file type bits: Yeoman's conflicter compares the full st_mode, so 0o644 alone reads as a change. */
const REGULAR_FILE = 0o100000;

export const contentHash = (text: string): string => createHash('sha256').update(text).digest('hex');

export function writePlan(target: PlanTarget, files: readonly PlannedFile[], context: WriteContext): WriteReport {
  const lastHashes = context.lastHashes ?? {};
  // every path this run reads or writes, checked before the first read: none may lead out of the repo
  const root = realRoot(target.destinationRoot());
  for (const path of Object.keys(lastHashes)) insideRepo(root, checkRelativePath(path, '.yo-rc.json "fileHashes"'), '.yo-rc.json "fileHashes"');
  for (const file of [...files, ...(context.lastPlan ?? [])]) insideRepo(root, file.path, 'the files it writes');
  const base = new Map((context.lastPlan ?? []).filter(f => lastHashes[f.path] === contentHash(f.content)).map(f => [f.path, f.content]));
  const report = {
    written: [] as string[],
    changed: [] as string[],
    kept: [] as string[],
    extended: [] as string[],
    merged: [] as string[],
    conflicts: [] as string[],
    removed: [] as string[],
    orphansKept: [] as string[],
    deletedKept: [] as string[],
  };
  const hashes: Record<string, string> = {};
  const planned = new Set(files.map(f => f.path));
  const secretsDropped = context.keepSecrets ? [] : (context.lastPlan ?? []).filter(f => f.ownership === 'secret' && !planned.has(f.path));
  // .env is the user's record of every secret: a prod secret file written again takes its value from there
  // read before this run changes any of them
  const envFiles = new Set([
    '.env',
    ...[...files, ...(context.lastPlan ?? [])].map(f => f.path).filter(isEnvFile),
    ...[...files, ...(context.lastPlan ?? [])].flatMap(f => (f.heldIn ? [f.heldIn.envFile] : [])),
  ]);
  const envAtStart = new Map(
    [...envFiles].map(file => {
      const envPath = target.destinationPath(file);
      return [file, target.fs.exists(envPath) ? envValues(target.fs.read(envPath)) : new Map<string, string>()] as const;
    }),
  );
  const envNow = (file: string): ReadonlyMap<string, string> => envAtStart.get(file) ?? new Map<string, string>();

  for (const file of files) {
    const path = target.destinationPath(file.path);
    const existing = target.fs.exists(path) ? target.fs.read(path) : undefined;
    // a file already there keeps the permissions its owner gave it (a 0444 file stays read-only)
    const mode = existing === undefined ? (file.mode ?? (file.ownership === 'secret' ? 0o600 : 0o644)) : diskMode(path, file.mode);
    const write = (content: string) => {
      if (content !== existing) report.changed.push(file.path);
      target.fs.write(path, content, { stat: { mode: REGULAR_FILE | mode } });
    };
    if (file.ownership === 'sample') {
      if (existing === undefined) {
        write(file.content);
        report.written.push(file.path);
      } else {
        report.kept.push(file.path);
      }
      continue;
    }
    if (file.ownership === 'secret' && file.heldIn && existing === undefined) {
      const known = envNow(file.heldIn.envFile).get(file.heldIn.variable);
      write(known || file.content);
      report.written.push(file.path);
      continue;
    }
    if (file.ownership === 'secret') {
      const lastEnv = context.lastPlan?.find(f => f.path === file.path)?.content ?? '';
      const merged =
        existing === undefined
          ? file.content
          : isEnvFile(file.path)
            ? envFor(existing, file.content, context.keepSecrets ? '' : lastEnv, context.addedBy)
            : existing;
      if (merged === existing) {
        report.kept.push(file.path);
        continue;
      }
      write(merged);
      (existing === undefined ? report.written : report.extended).push(file.path);
      if (existing !== undefined) markSafeToOverwrite(target, path);
      continue;
    }
    hashes[file.path] = contentHash(file.content);
    if (existing === undefined && lastHashes[file.path] !== undefined && base.has(file.path)) {
      // generated before and deleted by the user since: it stays deleted (portal doctor lists it)
      report.deletedKept.push(file.path);
      continue;
    }
    if (existing === undefined || existing === file.content || lastHashes[file.path] === contentHash(existing)) {
      write(file.content);
      report.written.push(file.path);
      if (existing !== undefined && existing !== file.content) markSafeToOverwrite(target, path);
      continue;
    }
    const last = base.get(file.path);
    if (CONFLICT_MARKERS.test(existing)) {
      // markers from an earlier run, not resolved yet: nothing is merged into them, and the run says so again
      report.conflicts.push(file.path);
      continue;
    }
    // the generator writes this file as it did last time: the user's version stands as it is
    if (last === file.content) continue;
    if (last === undefined || !canMerge()) {
      // no trusted base: Yeoman's conflicter shows the diff and asks (or keeps the file without a terminal).
      // Its answer comes later, so the old record stays: a kept file is reported again next time.
      write(file.content);
      report.written.push(file.path);
      if (lastHashes[file.path] === undefined) delete hashes[file.path];
      else hashes[file.path] = lastHashes[file.path]!;
      continue;
    }
    // YAML key by key first (keeps the user's layout); lines when that finds both sides on the same value
    const structural = /\.ya?ml$/.test(file.path) && !HELM_TEMPLATE.test(file.path) ? mergeYaml(existing, last, file.content) : undefined;
    const result = structural === undefined ? threeWayMerge(existing, last, file.content) : { text: structural, conflicts: 0 };
    if (result.text === existing) continue;
    write(result.text);
    markSafeToOverwrite(target, path);
    (result.conflicts > 0 ? report.conflicts : report.merged).push(file.path);
  }

  for (const [relative, hash] of Object.entries(lastHashes)) {
    if (planned.has(relative)) continue;
    const path = target.destinationPath(relative);
    if (!target.fs.exists(path)) continue;
    if (contentHash(target.fs.read(path)) === hash) {
      target.fs.delete(path);
      markSafeToOverwrite(target, path);
      report.removed.push(relative);
    } else {
      report.orphansKept.push(relative);
    }
  }
  // a removed service's prod secret files go with it (its values stay in .env only if the user wrote them there)
  for (const file of secretsDropped) {
    const path = target.destinationPath(file.path);
    // a removed instance keeps its env file and secrets: its data may still need them
    if (!file.heldIn || !planned.has(file.heldIn.envFile) || !target.fs.exists(path)) continue;
    // only a file that still holds its env file's value is the generator's; one the user set is kept
    if (target.fs.read(path) === envNow(file.heldIn.envFile).get(file.heldIn.variable)) {
      target.fs.delete(path);
      markSafeToOverwrite(target, path);
      report.removed.push(file.path);
    } else {
      report.orphansKept.push(file.path);
    }
  }
  return { ...report, hashes };
}

/** .env: new variables appended; blocks the generator appended for services since removed, dropped. */
function envFor(existing: string, planned: string, lastPlanned: string, addedBy: string): string {
  return appendMissingEnv(followChangedAnswers(dropAddedBlocks(existing, planned, lastPlanned), planned, lastPlanned), planned, addedBy);
}

function diskMode(path: string, planned: number | undefined): number {
  const stat = lstatSync(path, { throwIfNoEntry: false });
  return stat ? stat.mode & 0o7777 : (planned ?? 0o644);
}

/** A preset conflicter status makes Yeoman write the file without comparing or asking. */
function markSafeToOverwrite(target: PlanTarget, path: string): void {
  (target.fs.store.get(path) as { conflicter?: string }).conflicter = 'force';
}
