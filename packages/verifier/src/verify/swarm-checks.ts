/**
 * The Swarm target of a generated repo: `docker stack config` (the CLI's own loader and schema, no engine
 * needed) on every stack file, with the variables `docker stack deploy` would see: the deployment's env file
 * and its versions file (the versioned secret and config names).
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tempDir } from './namespace.js';
import { join } from 'node:path';
import { failed, passed, skipped, type Check, type CheckResult } from '../checks/check.js';
import { firstLines, runTool } from '../checks/run-tool.js';
import { missing, tool } from '../checks/tools.js';
import { envValues } from 'generator-portal/secrets/env-line.js';

const SWARM_ROOT = 'deploy/swarm';

/** Each stack file with the env files of its deployment. */
export function swarmStacks(repo: string): { file: string; env: string[] }[] {
  if (!existsSync(join(repo, SWARM_ROOT, 'stack.yml'))) return [];
  const instances = existsSync(join(repo, SWARM_ROOT, 'instances'))
    ? readdirSync(join(repo, SWARM_ROOT, 'instances'))
        .filter(f => f.endsWith('.yml'))
        .sort()
    : [];
  return [
    { file: `${SWARM_ROOT}/stack.yml`, env: ['.env', `${SWARM_ROOT}/versions.env`] },
    ...instances.map(f => {
      const name = f.replace(/\.yml$/, '');
      return { file: `${SWARM_ROOT}/instances/${f}`, env: [`instances/${name}.env`, `${SWARM_ROOT}/instances/${name}.versions.env`] };
    }),
  ];
}

export const swarmCheck: Check = {
  name: 'docker stack config',
  applies: repo => swarmStacks(repo).length > 0,
  async run(repo) {
    const docker = tool('docker');
    if (!docker) return skipped(this.name, missing('docker'));
    const results: CheckResult[] = [];
    // the CLI's own settings folder: nothing of the user's, nothing written into the repo
    const config = tempDir('docker-cli');
    try {
      for (const stack of swarmStacks(repo)) {
        const name = `docker stack config ${stack.file}`;
        const absent = stack.env.filter(file => !existsSync(join(repo, file)));
        if (absent.length > 0) {
          results.push(failed(name, `missing ${absent.join(', ')} (scripts/create-secrets.sh writes .env from .env.example)`));
          continue;
        }
        const variables = Object.fromEntries(stack.env.flatMap(file => [...envValues(readFileSync(join(repo, file), 'utf8'))]));
        const run = await runTool(docker, ['stack', 'config', '-c', stack.file], {
          cwd: repo,
          env: { PATH: process.env.PATH, HOME: repo, DOCKER_CONFIG: config, ...variables },
        });
        results.push(run.code === 0 ? passed(name) : failed(name, firstLines(run.output)));
      }
    } finally {
      rmSync(config, { recursive: true, force: true });
    }
    return results;
  },
};
