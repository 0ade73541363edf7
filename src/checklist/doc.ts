/** docs/checklist.md: every rule, where it is enforced, and the recorded exceptions. */
import { BY_VALIDATOR, NOT_APPLIED } from './coverage.js';
import { EXCEPTIONS } from './exceptions.js';
import { RULES } from './index.js';

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderChecklistDoc(): string {
  const lines = [
    '# Hardening checklist: how the generated repo is held to it',
    '',
    'Rendered from `src/checklist/` by `npm run docs`; a test fails when this file and the code disagree.',
    '`portal verify` (or `yo portal:verify`) in a generated repo runs the validators and every rule below and',
    'prints one line per check. The tests run it on every scenario and on random answer sets.',
    '',
    '## Rules checked by the checklist module',
    '',
    '| Rule | What must hold |',
    '| --- | --- |',
    ...RULES.map(rule => `| ${rule.id} | ${cell(rule.title)} |`),
    '',
    'NGX-16 is ours (API rate limits, OWASP API4); SEC-02 is ours (prod refuses placeholder secrets).',
    '',
    '## Rules checked by a validator',
    '',
    '| Rule | Validator |',
    '| --- | --- |',
    ...Object.entries(BY_VALIDATOR).map(([id, how]) => `| ${id} | ${cell(how)} |`),
    '',
    '## Rules not applied, and why',
    '',
    '| Rule | Why |',
    '| --- | --- |',
    ...Object.entries(NOT_APPLIED).map(([id, why]) => `| ${id} | ${cell(why)} |`),
    '',
    '## Exceptions',
    '',
    'Where a generated service does not follow a rule on purpose. "exempt": the rule skips the service;',
    '"deviation": the rule accepts our reading of it.',
    '',
    '| Rule | Kind | Services | Why |',
    '| --- | --- | --- | --- |',
    ...EXCEPTIONS.map(e => `| ${e.rule} | ${e.kind} | ${e.services.join(', ')} | ${cell(e.reason)} |`),
    '',
  ];
  return lines.join('\n');
}
