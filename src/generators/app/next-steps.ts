/** What the user reads when the generator is done: where it wrote and what to run next. */
import type { PortalModel } from '../../model/portal-model.js';

export function nextSteps(model: PortalModel, destination: string): string {
  const bind = model.answers.storage === 'bind';
  return [
    '',
    `Wrote the ${model.answers.name} deployment repo to ${destination}`,
    `  containers: ${model.containers.map(c => c.name).join(', ')}`,
    '',
    'Next:',
    `  cd ${destination}`,
    ...(bind ? [`  sudo scripts/create-storage.sh      # folders under ${model.answers.dataRoot}`] : []),
    '  scripts/restart.sh                  # dev stack',
    `  open http://localhost:${model.front.port}`,
    '  PORTAL_ENV=prod scripts/restart.sh  # on the server',
    '',
    'Secrets are in .env and secrets/ (git-ignored); docs/architecture.md explains the stack.',
    '',
  ].join('\n');
}
