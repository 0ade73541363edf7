/** `.env.example` (committed, secrets empty) and `.env` (git-ignored, secrets filled) from the model. */
import type { EnvVar } from '../catalog/types.js';
import type { PortalModel } from '../model/portal-model.js';
import type { SecretSource } from './secret-source.js';
import { envAssignment } from '../secrets/env-line.js';

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

/** Each variable's whole `NAME=value` line. */
const linesByKey = (text: string): Map<string, string> =>
  new Map(
    text.split('\n').flatMap(line => {
      const key = envAssignment(line)?.key;
      return key ? [[key, line] as [string, string]] : [];
    }),
  );

/**
 * Keeps every line of an existing `.env` and appends the planned variables it lacks, under a comment,
 * so a re-run never changes a value (secrets included) yet new services get their settings.
 */
export function appendMissingEnv(existing: string, planned: string, addedBy: string): string {
  const present = new Set(existing.split('\n').flatMap(line => envAssignment(line)?.key ?? []));
  const plannedLines = planned.split('\n');
  const missing: string[] = [];
  plannedLines.forEach((line, index) => {
    const key = envAssignment(line)?.key;
    if (!key || present.has(key)) return;
    const comment = plannedLines[index - 1]?.startsWith('# ') ? [plannedLines[index - 1]!] : [];
    missing.push(...comment, line);
  });
  if (missing.length === 0) return existing;
  const base = existing.endsWith('\n') || existing === '' ? existing : `${existing}\n`;
  return `${base}\n# Added by ${addedBy}\n${missing.join('\n')}\n`;
}

/**
 * Variables that follow a changed answer when the user left them as generated (a new --domain, an instance
 * moved to another domain). Names of data (project, database, folders) never follow: they would point the
 * stack at new, empty volumes.
 */
const FOLLOWS_ANSWERS = new Set(['DOMAIN']);

export function followChangedAnswers(existing: string, planned: string, lastPlanned: string): string {
  const now = linesByKey(planned);
  const last = linesByKey(lastPlanned);
  return existing
    .split('\n')
    .map(line => {
      const key = envAssignment(line)?.key;
      if (!key || !FOLLOWS_ANSWERS.has(key) || last.get(key) !== line) return line;
      return now.get(key) ?? line;
    })
    .join('\n');
}

/** Secret values are random, so only their presence can be compared with what was generated. */
const SECRET_VARIABLE = /(PASSWORD|SECRET_KEY|TOKEN)$/;

/**
 * Removes the blocks appendMissingEnv added ("# Added by ...") that are still exactly as generated and
 * whose variables are all gone from the plan now (their service was removed). A block with a line the
 * user added or changed, or a variable still planned, is kept whole.
 */
export function dropAddedBlocks(existing: string, planned: string, lastPlanned: string): string {
  const now = new Set(planned.split('\n').flatMap(line => envAssignment(line)?.key ?? []));
  const lastLines = new Set(lastPlanned.split('\n'));
  const lastValues = linesByKey(lastPlanned);
  const generatedLine = (line: string): boolean => {
    const key = envAssignment(line)?.key;
    if (!key) return line === '' || line.startsWith('# Added by ') || lastLines.has(line);
    return !now.has(key) && lastValues.has(key) && (SECRET_VARIABLE.test(key) || lastValues.get(key) === line);
  };
  return existing
    .split(/(?=\n# Added by )/)
    .filter(
      (part, index) =>
        index === 0 || !part.startsWith('\n# Added by ') || !part.split('\n').every(generatedLine) || !part.split('\n').some(l => envAssignment(l)),
    )
    .join('');
}
