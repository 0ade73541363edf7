/** Shared by `portal add` and `portal remove`: read the stored services, validate the named ones, re-run the app. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Generator from 'yeoman-generator';
import { SERVICE_IDS, validateAnswers, type PortalAnswers, type ServiceId } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { migrateStoredAnswers } from '../answers/migrate.js';

export const APP = join(dirname(fileURLToPath(import.meta.url)), 'app', 'index.js');

/** The answers stored in the repo; refuses a folder without a portal. */
export function storedAnswers(generator: Generator): PortalAnswers {
  return PortalInputError.guard(() => {
    if (!existsSync(generator.destinationPath('.yo-rc.json'))) {
      throw new PortalInputError(
        `Invalid folder "${generator.destinationRoot()}": no .yo-rc.json, so no generated portal here; run it in one (or pass --out DIR to portal).`,
      );
    }
    const { fileHashes: _hashes, ...stored } = generator.config.getAll() as Record<string, unknown>;
    return validateAnswers(migrateStoredAnswers(stored));
  });
}

/** The service ids named on the command line, each checked; `offered` are the ones worth naming when none is. */
export function namedServices(value: unknown, verb: string, offered: readonly string[] = SERVICE_IDS): ServiceId[] {
  const names = (Array.isArray(value) ? value : typeof value === 'string' ? [value] : [])
    .flatMap(v => String(v).split(','))
    .map(v => v.trim().toLowerCase())
    .filter(Boolean);
  return PortalInputError.guard(() => {
    if (names.length === 0)
      throw new PortalInputError(
        `Invalid portal ${verb}: name at least one service${offered.length > 0 ? `: ${offered.join(', ')}` : ' (none left to name)'}.`,
      );
    for (const name of names) {
      if (!(SERVICE_IDS as readonly string[]).includes(name))
        throw new PortalInputError(`Invalid service "${name}": expected one of: ${SERVICE_IDS.join(', ')}.`);
    }
    return names as ServiceId[];
  });
}

/**
 * Runs portal:app on the changed answers: every file follows from the model, edits are merged.
 * `changed` holds list answers (apps, instances) that have no command-line option.
 */
export async function rerunApp(
  generator: Generator,
  services: readonly string[],
  command: string,
  options: Record<string, unknown>,
  changed: Record<string, unknown> = {},
): Promise<void> {
  // a removed service is no longer kept as an alternative either
  const kept = (generator.config.get('alternatives') as string[] | undefined) ?? [];
  const alternatives = kept.filter(id => services.includes(id));
  await generator.composeWith(APP, {
    yes: true,
    services: services.length > 0 ? services.join(',') : 'none',
    answersOverride: { ...(alternatives.length !== kept.length ? { alternatives } : {}), ...changed },
    addedBy: command,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(typeof options.secretSeed === 'string' ? { secretSeed: options.secretSeed } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.keepSecrets ? { keepSecrets: true } : {}),
  } as never);
}
