/**
 * `portal doctor` / `yo portal:doctor`: before anything is touched, says which generated files the user
 * changed or deleted, which untouched ones this generator version would rewrite, and which are no
 * longer needed. Reads only.
 */
import { existsSync, readFileSync } from 'node:fs';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { insideRepo, realRoot } from '../../io/repo-paths.js';
import { contentHash } from '../../io/write-plan.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import { planFiles } from '../../render/file-plan.js';
import { seededSecrets } from '../../render/secret-source.js';
import { storedAnswers } from '../services-change.js';
import { openRepo } from '../../io/repo-session.js';

export interface Diagnosis {
  readonly edited: string[];
  readonly deleted: string[];
  readonly stale: string[];
  readonly unneeded: string[];
}

export default class DoctorGenerator extends Generator<Record<string, unknown>, BaseOptions> {
  constructor(args: string[], options: BaseOptions) {
    super(args, options, { customInstallTask: true });
    openRepo(this, `portal doctor ${[args].flat().join(' ')}`.trim(), { readOnly: true });
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
    const answers = storedAnswers(this);
    const hashes = (this.config.get('fileHashes') ?? {}) as Record<string, string>;
    const plan = new Map(
      planFiles(buildPortalModel(answers), seededSecrets('doctor'))
        .filter(f => f.ownership === 'managed')
        .map(f => [f.path, f.content]),
    );
    const root = realRoot(this.destinationRoot());
    // recorded paths are the repo's own data: one leading out of it is refused, never read
    const diagnosis = diagnose(hashes, plan, path => {
      const full = PortalInputError.guard(() => insideRepo(root, path, '.yo-rc.json "fileHashes"'));
      return existsSync(full) ? readFileSync(full, 'utf8') : undefined;
    });
    const out = (line: string) => process.stdout.write(`${line}\n`);
    const section = (title: string, paths: string[], hint: string) => {
      if (paths.length === 0) return;
      out(`${title} (${hint}):`);
      for (const path of paths) out(`  ${path}`);
    };
    section('edited by you', diagnosis.edited, "a re-run merges the generator's changes into them");
    section('deleted by you', diagnosis.deleted, 'a re-run writes them again');
    section('stale', diagnosis.stale, 'untouched, and this generator version writes them differently: a re-run updates them');
    section('no longer needed', diagnosis.unneeded, 'a re-run deletes them if untouched');
    if (Object.values(diagnosis).every(list => list.length === 0)) out('every generated file is as this generator writes it');
  }
}

/** Compares recorded hashes, the current render and the disk. */
export function diagnose(hashes: Readonly<Record<string, string>>, plan: ReadonlyMap<string, string>, read: (path: string) => string | undefined): Diagnosis {
  const result: Diagnosis = { edited: [], deleted: [], stale: [], unneeded: [] };
  for (const [path, hash] of Object.entries(hashes).sort(([a], [b]) => a.localeCompare(b))) {
    const disk = read(path);
    if (!plan.has(path)) {
      if (disk !== undefined) result.unneeded.push(path);
      continue;
    }
    if (disk === undefined) result.deleted.push(path);
    else if (contentHash(disk) !== hash) result.edited.push(path);
    else if (disk !== plan.get(path)) result.stale.push(path);
  }
  return result;
}
