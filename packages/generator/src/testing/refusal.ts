/** The promise every refused run keeps: exit 2, one stderr line naming the culprit, nothing changed. */
import assert from 'node:assert/strict';

export interface RunResult {
  readonly code: number | null;
  readonly stderr: string;
}

/** Each broken promise, as a line for a failure list (empty when the run was refused as it should be). */
export function refusalProblems(label: string, run: RunResult, message: RegExp, changed: boolean): string[] {
  const lines = run.stderr.trim().split('\n');
  return [
    ...(run.code !== 2 ? [`${label}: exit ${run.code}\n${run.stderr.slice(0, 1000)}`] : []),
    ...(!message.test(run.stderr) ? [`${label}: message ${JSON.stringify(run.stderr.slice(0, 1000))}`] : []),
    ...(lines.length !== 1 ? [`${label}: ${lines.length} lines on stderr`] : []),
    ...(changed ? [`${label}: the folder changed`] : []),
  ];
}

export function assertRefused(label: string, run: RunResult, message: RegExp, changed: boolean): void {
  assert.deepEqual(refusalProblems(label, run, message, changed), []);
}
