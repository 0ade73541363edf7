/**
 * `portal import` from words to answers: which files, loaded and merged, mapped; the answers then checked
 * by the same validation and model every run uses, so what is written always generates.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultAnswers, SERVICE_IDS, validateAnswers, type RawAnswers } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { buildPortalModel } from '../model/build-portal-model.js';
import { loadCompose } from './compose-load.js';
import { resolveInput } from './input-files.js';
import { mapDeployment, type ImportOptions, type ImportResult } from './map-deployment.js';

const COMPOSE_NAMES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml'];

export function importDeployment(words: readonly string[], cwd: string, destination: string, options: ImportOptions): ImportResult {
  const input = resolveInput(words, cwd);
  // the generated repo writes docker-compose.yml: never over the deployment being read
  const clash = COMPOSE_NAMES.find(name => existsSync(join(destination, name)));
  if (input.root === destination || clash) {
    throw new PortalInputError(
      `Invalid portal import: this folder ${clash ? `holds ${clash}` : 'is the deployment being read'}; import into a new, empty folder (mkdir new && cd new && portal import ${words.join(' ')}).`,
    );
  }
  const result = mapDeployment(loadCompose(input), options);
  try {
    const raw: RawAnswers = { ...defaultAnswers(result.answers, options.folderName), ...result.answers };
    buildPortalModel(validateAnswers(raw));
  } catch (error) {
    if (!(error instanceof PortalInputError)) throw error;
    throw new PortalInputError(
      `Invalid portal import: the answers for this deployment are refused: ${error.message.replace(/\.$/, '')}; change the old files or fix the answers after import.`,
    );
  }
  return result;
}

/** Container and storage names of the stack with every service: an app id or folder must not take one. */
export function reservedStackNames(): Set<string> {
  const model = buildPortalModel(
    validateAnswers({ ...defaultAnswers({}, 'portal'), name: 'portal', backend: 'django', services: SERVICE_IDS.filter(id => id !== 'mailpit') }),
  );
  const names = new Set<string>(['backend', 'instances']);
  for (const container of model.containers) names.add(container.name);
  for (const item of model.storage) names.add(item.name);
  return names;
}
