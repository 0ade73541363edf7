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
    'NGX-16 is ours (API rate limits, OWASP API4); SEC-02 is ours (prod refuses placeholder secrets); NGX-17,',
    'VCL-07 and TRF-07 are ours (cache poisoning through forwarding headers).',
    '',
    'Besides reading the configuration, `portal verify` runs nginx and varnish for real (when installed, as',
    'root) in a private network namespace with stub upstreams, and checks what they answer: each route reaches',
    'its service, security headers and a bare `Server: nginx` on every answer, no `Via`/`X-Varnish`/',
    '`X-Powered-By`, metrics paths answered 404, the API never cached, tiles cached but not for requests with',
    '`Authorization`, PURGE accepted from the internal network and refused when relayed (NGX-02/07, VCL-03/04/05).',
    'It runs with the dev and the prod site and environment and sends forged Host (with a port),',
    'X-Forwarded-*, Forwarded, path and method overrides: none may reach an app, shape a cached answer, or',
    '(in prod) get an unknown host name answered (NGX-17, VCL-07).',
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
