/** Scripts (SH-02): strict mode, and backups written privately and atomically. */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';

/** Executable scripts; a non-executable .sh is a library, sourced, and must not change its caller's options. */
const scripts = (repo: RepoView) => repo.files(/\.sh$/).filter(f => (statSync(join(repo.root, f)).mode & 0o111) !== 0);

export const SCRIPT_RULES: readonly Rule[] = [
  defineRule({
    id: 'SH-02',
    group: 'scripts',
    title: 'scripts stop on errors (set -Eeuo pipefail, or set -eu in sh); backups private and atomic',
    applies: repo => scripts(repo).length > 0,
    findings(repo) {
      const findings: string[] = [];
      for (const file of scripts(repo)) {
        const text = repo.read(file);
        const bash = /^#!.*\bbash\b/.test(text);
        const strict = bash ? /^set -Eeuo pipefail$/m : /^set -eu(o pipefail)?$/m;
        if (!/^#!/.test(text)) findings.push(`${file}: no shebang`);
        else if (!strict.test(text)) findings.push(`${file}: lacks ${bash ? 'set -Eeuo pipefail' : 'set -eu'}`);
        if (/backup/.test(file) && !/postgres\/initdb/.test(file)) {
          if (!/^\s*umask 077$/m.test(text)) findings.push(`${file}: backups without umask 077`);
          if (!/\.partial/.test(text) || !/\bmv\b/.test(text)) findings.push(`${file}: backups not written to a temporary name and moved`);
        }
      }
      return findings;
    },
  }),
];
