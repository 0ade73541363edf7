/** One value of a compose env file (`NAME=value` lines), '' when absent. */
import { readFileSync } from 'node:fs';

export function envValue(file: string, name: string): string {
  const line = readFileSync(file, 'utf8').split('\n').find(l => l.startsWith(`${name}=`));
  return line ? line.slice(name.length + 1).trim().replace(/^(["'])(.*)\1$/, '$2') : '';
}
