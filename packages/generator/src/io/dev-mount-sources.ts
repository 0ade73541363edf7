/**
 * The source folders of the apps' dev mounts, as they are on disk: docker follows a link, so a folder that
 * is a link (or sits below one) leaving the repo would hand the container files from outside it. Such a
 * link, and one landing on a folder no dev mount may name (secrets/, .git ...), is refused before anything is written;
 * so is a source that exists but is not a folder (a file or FIFO): docker would mount it as a file, or hang on it.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PortalAnswers } from '../answers/answers.js';
import { devMountSource } from '../answers/dev-mounts.js';
import { PortalInputError } from '../answers/input-error.js';
import { quoted } from '../answers/quoted.js';
import { realRoot, resolvedInRepo } from './repo-paths.js';

export function checkDevMountSourcesOnDisk(root: string, answers: PortalAnswers): void {
  const owners = [
    ...(answers.backendContract?.devMounts ?? []).map(mount => ({ app: 'backend', mount })),
    ...(answers.apps ?? []).flatMap(app => (app.devMounts ?? []).map(mount => ({ app: app.id, mount }))),
  ];
  if (owners.length === 0) return;
  const real = realRoot(root);
  for (const { app, mount } of owners) {
    const path = mount.source.replace(/^\.\//, '');
    const shown = `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`;
    let resolved: string;
    try {
      resolved = resolvedInRepo(real, path, `--dev-mount of app "${app}"`);
    } catch (error) {
      const why =
        error instanceof PortalInputError && /points nowhere/.test(error.message)
          ? 'it is a link that points nowhere'
          : 'it is, or lies below, a link that leaves the repo';
      throw new PortalInputError(
        `Invalid --dev-mount ${quoted(shown)} of app "${app}": ${why}; nothing outside the repo is mounted, so replace the link with the folder itself.`,
      );
    }
    const target = join(real, resolved);
    if (existsSync(target) && !statSync(target).isDirectory()) {
      throw new PortalInputError(`Invalid --dev-mount ${quoted(shown)} of app "${app}": it is not a folder; name a folder of the repo (or one not made yet).`);
    }
    if (resolved === path) continue;
    if (resolved === '')
      throw new PortalInputError(
        `Invalid --dev-mount ${quoted(shown)} of app "${app}": it is a link to the repository itself, which holds .env and secrets/; mount a sub-folder instead.`,
      );
    try {
      devMountSource(resolved, app);
    } catch {
      throw new PortalInputError(
        `Invalid --dev-mount ${quoted(shown)} of app "${app}": it is a link to ${quoted(resolved)}, which no container may read (secrets, env files, git); mount a folder of its own.`,
      );
    }
  }
}
