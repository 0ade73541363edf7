/**
 * After `portal remove`: the data only the removed services used, in every deployment (dev or prod, each
 * instance). Kept and named by default; deleted with --delete-data (bind folders, or the volumes through
 * the Docker engine when it answers).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import type { PortalAnswers } from '../../answers/answers.js';
import { envValues } from '../../secrets/env-line.js';

export function settleRemovedData(root: string, answers: PortalAnswers, dropped: readonly string[], deleteData: boolean, log: (message: string) => void): void {
  if (dropped.length === 0) return;
  const bind = answers.storage === 'bind';
  // every deployment's copy, where its env file says (a renamed portal keeps its project name there)
  const fromEnv = (file: string, fallback: { root: string | undefined; project: string }) => {
    const path = join(root, file);
    const values = existsSync(path) ? envValues(readFileSync(path, 'utf8')) : new Map<string, string>();
    return { root: values.get('DATA_ROOT') || fallback.root, project: values.get('COMPOSE_PROJECT_NAME') || fallback.project };
  };
  const deployments = [
    fromEnv('.env', { root: answers.dataRoot, project: answers.name }),
    ...(answers.instances ?? []).map(i =>
      fromEnv(`instances/${i.name}.env`, { root: `${answers.dataRoot}/instances/${i.name}`, project: `${answers.name}-${i.name}` }),
    ),
  ];
  // a relative DATA_ROOT is the repo's, as compose reads it, not the folder portal was run from (--out)
  const folderOf = (dataRoot: string | undefined, name: string) => (dataRoot && !isAbsolute(dataRoot) ? join(root, dataRoot, name) : `${dataRoot}/${name}`);
  const names = deployments.flatMap(d => dropped.map(name => (bind ? folderOf(d.root, name) : `${d.project}_${name}`)));
  if (!deleteData) {
    log(
      `kept the data of the removed services (${bind ? 'folders' : 'volumes'}): ${names.join(', ')}, and the secrets that open it; pass --delete-data to delete them`,
    );
    return;
  }
  for (const name of names) {
    if (bind) rmSync(name, { recursive: true, force: true });
    else if (spawnSync('docker', ['volume', 'rm', name], { stdio: 'ignore' }).status !== 0) {
      log(`could not delete volume ${name} (no Docker engine here, or in use): docker volume rm ${name}`);
      continue;
    }
    log(`deleted ${name}`);
  }
}
