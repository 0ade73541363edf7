/**
 * Three-way merge of one text file with `git merge-file`: the user's version, what the generator wrote
 * last time (the base), and what it writes now. Changes on both sides are kept; where they touch the same
 * lines the result carries standard conflict markers.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface MergeResult {
  readonly text: string;
  readonly conflicts: number;
}

let gitChecked: boolean | undefined;
/** git is what merges; without it, edited files are kept and the user is asked instead. */
export const canMerge = (): boolean => (gitChecked ??= spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0);

export function threeWayMerge(yours: string, base: string, generated: string): MergeResult {
  const dir = mkdtempSync(join(tmpdir(), 'portal-merge-'));
  try {
    const [a, o, b] = ['yours', 'base', 'generated'].map(name => join(dir, name));
    writeFileSync(a!, yours);
    writeFileSync(o!, base);
    writeFileSync(b!, generated);
    const run = spawnSync('git', ['merge-file', '-L', 'yours', '-L', 'last generated', '-L', 'generator-portal', a!, o!, b!], { encoding: 'utf8' });
    if (run.status === null || run.status < 0 || run.status > 127) throw new Error(`git merge-file failed: ${run.stderr}`);
    return { text: readFileSync(a!, 'utf8'), conflicts: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
