// Writes the verifier's docs/checklist.md from the compiled checklist module (npm run docs, after npm run build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderChecklistDoc } from '../packages/verifier/dist/checklist/doc.js';

mkdirSync('packages/verifier/docs', { recursive: true });
writeFileSync('packages/verifier/docs/checklist.md', renderChecklistDoc());
