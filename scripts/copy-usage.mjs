// tsc copies only TypeScript output: USAGE files (yeoman prints them with --help) and the live check's
// Python driver and the smoke run's stand-ins are copied here.
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

for (const name of readdirSync('src/generators')) {
  const usage = join('src/generators', name, 'USAGE');
  if (existsSync(usage)) cpSync(usage, join('dist/generators', name, 'USAGE'));
}
cpSync('src/verify/live/driver.py', 'dist/verify/live/driver.py');
cpSync('src/smoke/standins', 'dist/smoke/standins', { recursive: true });
