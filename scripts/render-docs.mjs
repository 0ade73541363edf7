// Writes docs/checklist.md from the compiled checklist module (npm run docs, after npm run build).
import { mkdirSync, writeFileSync } from 'node:fs';
import { renderChecklistDoc } from '../dist/checklist/doc.js';

mkdirSync('docs', { recursive: true });
writeFileSync('docs/checklist.md', renderChecklistDoc());
