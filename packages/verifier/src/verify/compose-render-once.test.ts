/**
 * One `docker-compose config` per file set in a verify run: the compose check and the checklist's rules
 * read the same render. Spawns are counted where the run starts them (its ComposeRenders), not timed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checklistCheck } from '../checklist/index.js';
import { checkContext } from '../checks/check.js';
import { ComposeRenders, type Spawn } from '../checks/compose-config.js';
import { runTool } from '../checks/run-tool.js';
import { generate } from 'generator-portal/testing/generate.js';
import { composeConfigCheck } from './compose-checks.js';
import { verifyRepo } from './index.js';

describe('compose renders in one verify run', async () => {
  const repo = await generate({});

  it('spawns docker-compose config once per file set for the compose check and the checklist together', async () => {
    const spawned: string[] = [];
    const counting: Spawn = (command, args, cwd) => {
      spawned.push(args.join(' '));
      return runTool(command[0]!, [...command.slice(1), ...args], { cwd });
    };
    const results = await verifyRepo(repo, [composeConfigCheck, checklistCheck], checkContext(new ComposeRenders(counting)));
    const fileSets = spawned.filter(args => args.endsWith(' config'));
    assert.deepEqual([...fileSets].sort(), [...new Set(fileSets)].sort(), `a file set rendered twice: ${fileSets.join(' | ')}`);
    assert.deepEqual([...fileSets].sort(), [
      '--env-file .env.example -f docker-compose.yml -f docker-compose.override.yml config',
      '--env-file .env.example -f docker-compose.yml -f docker-compose.prod.yml config',
    ]);
    assert.deepEqual(
      results.filter(r => r.status !== 'passed').map(r => `${r.name}: ${r.detail}`),
      [],
    );
  });

  it('the checklist reads the run’s render, not one of its own', async () => {
    const planted: Spawn = async () => ({ code: 1, stdout: '', stderr: 'planted render failure', output: 'planted render failure' });
    const results = [await checklistCheck.run(repo, checkContext(new ComposeRenders(planted)))].flat();
    const cmp01 = results.find(r => r.name.startsWith('CMP-01 '));
    assert.equal(cmp01?.status, 'failed');
    assert.match(cmp01.detail, /compose config failed: planted render failure/);
  });
});
