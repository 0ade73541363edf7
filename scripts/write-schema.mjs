// `npm run schema`: writes the generator's schema/yo-rc.schema.json and the README's answer table from the
// answers' declarations (packages/generator/src/answers/declarations.ts), through the compiled modules.
import { readFileSync, writeFileSync } from 'node:fs';
import { yoRcSchemaText } from '../packages/generator/dist/answers/yo-rc-schema.js';
import { withReadmeTable } from '../packages/generator/dist/answers/readme-table.js';

writeFileSync('packages/generator/schema/yo-rc.schema.json', yoRcSchemaText());
writeFileSync('README.md', withReadmeTable(readFileSync('README.md', 'utf8')));
