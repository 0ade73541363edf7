/** Shared by `portal add` and `portal remove`: read the stored services, validate the named ones, re-run the app. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type Generator from 'yeoman-generator';
import { SERVICE_IDS, validateAnswers, type PortalAnswers, type ServiceId } from '../answers/answers.js';
import { PortalInputError } from '../answers/input-error.js';
import { migrateStoredAnswers } from '../answers/migrate.js';
import { buildPortalModel } from '../model/build-portal-model.js';

export const APP = join(dirname(fileURLToPath(import.meta.url)), 'app', 'index.js');

/** The answers stored in the repo; refuses a folder without a portal. */
export function storedAnswers(generator: Generator): PortalAnswers {
  const rc = generator.destinationPath('.yo-rc.json');
  return storedAnswersIn(generator.destinationRoot(), existsSync(rc) ? (generator.config.getAll() as Record<string, unknown>) : undefined);
}

/** The same from the `.yo-rc.json` section read without Yeoman (undefined: the file is absent). */
export function storedAnswersIn(root: string, section: Record<string, unknown> | undefined): PortalAnswers {
  return PortalInputError.guard(() => {
    if (!section) {
      throw new PortalInputError(`Invalid folder "${root}": no .yo-rc.json, so no generated portal here; run it in one (or pass --out DIR to portal).`);
    }
    const { fileHashes: _hashes, ...stored } = section;
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
  const kept = (generator.config.get('alternatives') as string[] | undefined) ?? [];
  await generator.composeWith(APP, rerunOptions(kept, services, command, options, changed) as never);
}

/** portal:app's options for a re-run on changed answers (also the fast path's, cli/fast-app.ts). */
export function rerunOptions(
  keptAlternatives: readonly string[],
  services: readonly string[],
  command: string,
  options: Record<string, unknown>,
  changed: Record<string, unknown> = {},
): Record<string, unknown> {
  // a removed service is no longer kept as an alternative either
  const alternatives = keptAlternatives.filter(id => services.includes(id));
  return {
    yes: true,
    services: services.length > 0 ? services.join(',') : 'none',
    answersOverride: { ...(alternatives.length !== keptAlternatives.length ? { alternatives } : {}), ...changed },
    addedBy: command,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(typeof options.secretSeed === 'string' ? { secretSeed: options.secretSeed } : {}),
    ...(options.force ? { force: true } : {}),
    ...(options.keepSecrets ? { keepSecrets: true } : {}),
  };
}

/** `portal add <service>...`: the services after it, and those named that were chosen already. */
export function addedServices(answers: PortalAnswers, picked: unknown): { services: ServiceId[]; command: string; already: ServiceId[] } {
  const added = namedServices(
    picked,
    'add',
    SERVICE_IDS.filter(id => !answers.services.includes(id)),
  );
  const already = added.filter(id => answers.services.includes(id));
  return { services: [...answers.services, ...added.filter(id => !already.includes(id))], command: `portal add ${added.join(' ')}`, already };
}

/**
 * `portal remove <service>...`: the services left, refused when one named is absent or another still needs
 * it, and the storage only the removed ones used (its data is kept unless --delete-data, and so are the
 * secrets that open it).
 */
export function removedServices(answers: PortalAnswers, named: unknown): { services: ServiceId[]; command: string; droppedStorage: string[] } {
  const removed = namedServices(named, 'remove', answers.services);
  return PortalInputError.guard(() => {
    const absent = removed.filter(id => !answers.services.includes(id));
    if (absent.length > 0)
      throw new PortalInputError(`Invalid remove "${absent.join(' ')}": not among the chosen services (${answers.services.join(', ') || 'none'}).`);
    const remaining = answers.services.filter(id => !removed.includes(id));
    const after = buildPortalModel({ ...answers, services: remaining });
    const needed = removed.filter(id => after.services.includes(id));
    if (needed.length > 0) {
      throw new PortalInputError(
        `Invalid remove "${needed.join(' ')}": ${after.notes.filter(n => needed.some(id => n.startsWith(`added ${id}:`))).join('; ')}; remove what needs it too.`,
      );
    }
    const before = new Set(buildPortalModel(answers).storage.map(item => item.name));
    const droppedStorage = [...before].filter(name => !after.storage.some(item => item.name === name));
    return { services: remaining, command: `portal remove ${removed.join(' ')}`, droppedStorage };
  });
}
