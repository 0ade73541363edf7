/** `.env.example` (committed, secrets empty) and `.env` (git-ignored, secrets filled) from the model. */
import type { EnvVar } from '../catalog/types.js';
import type { PortalModel } from '../model/portal-model.js';
import type { SecretSource } from './secret-source.js';

export interface EnvLine {
  readonly name: string;
  readonly value: string;
  readonly comment: string;
  readonly isSecret: boolean;
}

/** Every variable the compose files interpolate, in a stable order: project, then services, then secrets. */
export function envLines(model: PortalModel): EnvLine[] {
  const { answers } = model;
  const core: EnvVar[] = [
    { name: 'COMPOSE_PROJECT_NAME', value: answers.name, comment: 'prefix of containers, networks and volumes' },
    { name: 'DOMAIN', value: answers.domain, comment: 'public host name' },
    ...(answers.storage === 'bind' && answers.dataRoot
      ? [{ name: 'DATA_ROOT', value: answers.dataRoot, comment: 'host folder holding every persistent folder' }]
      : []),
  ];
  const plain = [...core, ...model.env].map(v => ({ ...v, isSecret: false }));
  const secrets = model.secrets.map(s => ({ name: s.env, value: '', comment: s.purpose, isSecret: true }));
  return [...plain, ...secrets];
}

export function renderEnvExample(model: PortalModel): string {
  return renderEnv(model, envLines(model), () => '');
}

/** The real `.env`; each secret is drawn once and also written to `secrets/<name>` by the plan. */
export function renderEnvFile(model: PortalModel, secretValues: ReadonlyMap<string, string>): string {
  return renderEnv(model, envLines(model), line => secretValues.get(line.name) ?? '');
}

export function drawSecrets(model: PortalModel, source: SecretSource): Map<string, string> {
  return new Map(model.secrets.map(secret => [secret.env, source(secret.name)]));
}

function renderEnv(model: PortalModel, lines: readonly EnvLine[], secretValue: (line: EnvLine) => string): string {
  const out = [
    `# Environment of the ${model.answers.name} stack, read by docker-compose.`,
    '# .env.example is committed with empty secrets; .env (git-ignored, mode 0600) holds the real values.',
    '# scripts/create-secrets.sh fills empty secrets in .env and writes secrets/ for prod.',
    '',
  ];
  let inSecrets = false;
  for (const line of lines) {
    if (line.isSecret && !inSecrets) {
      out.push('', '# Secrets: used as variables in dev; prod reads the same values from secrets/<name> files.');
      inSecrets = true;
    }
    out.push(`# ${line.comment}`, `${line.name}=${line.isSecret ? secretValue(line) : line.value}`);
  }
  return `${out.join('\n')}\n`;
}

const KEY = /^([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * Keeps every line of an existing `.env` and appends the planned variables it lacks, under a comment,
 * so a re-run never changes a value (secrets included) yet new services get their settings.
 */
export function appendMissingEnv(existing: string, planned: string, addedBy: string): string {
  const present = new Set(existing.split('\n').flatMap(line => KEY.exec(line)?.[1] ?? []));
  const plannedLines = planned.split('\n');
  const missing: string[] = [];
  plannedLines.forEach((line, index) => {
    const key = KEY.exec(line)?.[1];
    if (!key || present.has(key)) return;
    const comment = plannedLines[index - 1]?.startsWith('# ') ? [plannedLines[index - 1]!] : [];
    missing.push(...comment, line);
  });
  if (missing.length === 0) return existing;
  const base = existing.endsWith('\n') || existing === '' ? existing : `${existing}\n`;
  return `${base}\n# Added by ${addedBy}\n${missing.join('\n')}\n`;
}

/**
 * Removes the blocks appendMissingEnv added ("# Added by ...") whose variables were all generated last
 * time and are all gone from the plan now (their service was removed). A block holding any variable the
 * user added, or one still planned, is kept whole.
 */
export function dropAddedBlocks(existing: string, planned: string, lastPlanned: string): string {
  const keys = (text: string) => new Set(text.split('\n').flatMap(line => KEY.exec(line)?.[1] ?? []));
  const now = keys(planned);
  const before = keys(lastPlanned);
  const parts = existing.split(/(?=\n# Added by )/);
  return parts
    .filter((part, index) => {
      if (index === 0 || !part.startsWith('\n# Added by ')) return true;
      const inBlock = [...keys(part)];
      return !(inBlock.length > 0 && inBlock.every(key => before.has(key) && !now.has(key)));
    })
    .join('');
}
