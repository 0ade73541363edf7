// tsc does not copy USAGE files; yeoman prints them with --help.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

for (const name of readdirSync('src/generators')) {
  const usage = join('src/generators', name, 'USAGE');
  if (existsSync(usage)) cpSync(usage, join('dist/generators', name, 'USAGE'));
}
