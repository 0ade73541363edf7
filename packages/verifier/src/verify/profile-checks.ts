/**
 * Compose profiles (services kept as alternatives): docker-compose 1.29's own project model says which
 * services `up` starts without a profile and with each one, and refuses a started service that waits for
 * one left out. `config` cannot tell: it prints every service, profiled or not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { failed, passed, skipped, type Check, type CheckResult } from '../checks/check.js';
import { findExecutable, runTool } from '../checks/run-tool.js';
import { missing } from '../checks/tools.js';

/** Loads the files as docker-compose does and lists the services `up` would start; an engine is never asked. */
const SCRIPT = `
import sys
from docker.errors import NotFound
from compose.config import config
from compose.config.environment import Environment
from compose.project import Project
class NoEngine:
    # asked only whether volumes and networks were made by an older compose: they were not
    def inspect_volume(self, name): raise NotFound('no engine')
    def inspect_network(self, name): raise NotFound('no engine')
env = Environment.from_env_file('.', sys.argv[1])
data = config.load(config.find('.', sys.argv[2].split(','), env), interpolate=True)
project = Project.from_config('check', data, client=NoEngine(), enabled_profiles=[p for p in sys.argv[3].split(',') if p])
print(' '.join(sorted(s.name for s in project.get_services(include_deps=True))))
`;

const COMBINATIONS = [
  { name: 'dev', files: 'docker-compose.yml,docker-compose.override.yml' },
  { name: 'prod', files: 'docker-compose.yml,docker-compose.prod.yml' },
];

/** The profiles the base file names. */
export function composeProfiles(repo: string): string[] {
  const file = join(repo, 'docker-compose.yml');
  if (!existsSync(file)) return [];
  const services = (parse(readFileSync(file, 'utf8')) as { services?: Record<string, { profiles?: string[] }> }).services ?? {};
  return [...new Set(Object.values(services).flatMap(service => service.profiles ?? []))].sort();
}

/** The Python that runs docker-compose 1.29 (its launcher's interpreter), when it is the Python one. */
function composePython(): string | undefined {
  const launcher = findExecutable('docker-compose');
  if (!launcher) return undefined;
  const line = readFileSync(launcher, 'utf8').slice(0, 200).split('\n')[0] ?? '';
  const interpreter = /^#!\s*(\S*python3?[\d.]*)\s*$/.exec(line)?.[1];
  return interpreter && existsSync(interpreter) ? interpreter : undefined;
}

export const composeProfilesCheck: Check = {
  name: 'docker-compose profiles',
  applies: repo => composeProfiles(repo).length > 0,
  async run(repo) {
    const python = composePython();
    if (!python) return skipped(this.name, missing('docker-compose'));
    const profiles = composeProfiles(repo);
    const results: CheckResult[] = [];
    for (const combination of COMBINATIONS) {
      const started = async (profile: string) => {
        const run = await runTool(python, ['-c', SCRIPT, '.env.example', combination.files, profile], { cwd: repo });
        // compose's own words are the traceback's last line
        return run.code === 0 ? { services: run.stdout.trim().split(' ') } : { error: run.output.trim().split('\n').at(-1) ?? '' };
      };
      const name = `docker-compose profiles (${combination.name}: ${['none', ...profiles].join(', ')})`;
      const base = await started('');
      if ('error' in base) {
        results.push(failed(name, `without a profile: ${base.error}`));
        continue;
      }
      const problems: string[] = [];
      const added: string[] = [];
      for (const profile of profiles) {
        const withProfile = await started(profile);
        if ('error' in withProfile) problems.push(`--profile ${profile}: ${withProfile.error}`);
        else {
          const extra = withProfile.services.filter(service => !base.services.includes(service));
          if (extra.length === 0) problems.push(`--profile ${profile} starts nothing more`);
          added.push(`--profile ${profile} adds ${extra.join(', ')}`);
        }
      }
      results.push(problems.length > 0 ? failed(name, problems.join('\n')) : passed(name, `${base.services.length} services by default; ${added.join('; ')}`));
    }
    return results;
  },
};
