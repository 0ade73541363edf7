// `npm run schema`: writes schema/yo-rc.schema.json and the README's answer table from the answers'
// declarations (src/answers/declarations.ts), through the compiled modules.
import { readFileSync, writeFileSync } from 'node:fs';
import { yoRcSchemaText } from '../dist/answers/yo-rc-schema.js';
import { withReadmeTable } from '../dist/answers/readme-table.js';

writeFileSync('schema/yo-rc.schema.json', yoRcSchemaText());
writeFileSync('README.md', withReadmeTable(readFileSync('README.md', 'utf8')));
