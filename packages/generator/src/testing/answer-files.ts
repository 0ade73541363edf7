/** Test helpers for answers given as files: a stored .yo-rc.json edited by hand, an --answers file. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshFolder } from './generate.js';

/** Rewrites the stored answers of a generated repo, as a user editing .yo-rc.json by hand. */
export function editStoredAnswers(repo: string, change: (answers: Record<string, unknown>) => Record<string, unknown>): void {
  const path = join(repo, '.yo-rc.json');
  const rc = JSON.parse(readFileSync(path, 'utf8'));
  rc['generator-portal'] = change(rc['generator-portal']);
  writeFileSync(path, `${JSON.stringify(rc, null, 2)}\n`);
}

/** An --answers file with this text, in a folder of its own (outside any portal compared by tree hash). */
export function answersFile(text: string): string {
  const path = join(freshFolder('answers'), 'answers.json');
  writeFileSync(path, text);
  return path;
}
