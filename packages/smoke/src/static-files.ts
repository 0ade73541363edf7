/** Files nginx serves itself (alias locations), one sample each, to request through the edge. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningStack } from './stack.js';

export interface StaticSample {
  readonly prefix: string;
  readonly folder: string;
  /** Missing when the alias names no folder mounted into nginx (`problem` says so). */
  readonly url?: string;
  readonly file?: string;
  readonly problem?: string;
}

/**
 * One file per nginx `alias` location, from the folder mounted at the alias in the nginx container: an
 * existing file (collectstatic's), or one written for the run into an empty folder (media).
 */
export async function staticSample(stack: RunningStack, repo: string): Promise<StaticSample[]> {
  const routes = join(repo, 'nginx', 'snippets', 'routes.conf');
  const nginx = await stack.inspect('nginx');
  if (!nginx || !existsSync(routes)) return [];
  const samples: StaticSample[] = [];
  for (const m of readFileSync(routes, 'utf8').matchAll(/location (?:\^~ )?(\/\S*) \{[^}]*?\balias (\/\S+?);/g)) {
    const [, prefix, alias] = m as unknown as [string, string, string];
    const mount = nginx.Mounts.find(m => `${m.Destination}/` === alias || m.Destination === alias);
    const bind = mount ? { source: mount.Source } : undefined;
    if (!bind) {
      samples.push({ prefix, folder: alias, problem: `nginx serves ${prefix} from ${alias}, but no volume or folder is mounted there` });
      continue;
    }
    let relative = firstFile(bind.source);
    if (!relative) {
      relative = 'smoke-check.txt';
      writeFileSync(join(bind.source, relative), `served by ${prefix}\n`, { mode: 0o644 });
    }
    samples.push({ prefix, url: `${prefix.replace(/\/?$/, '/')}${relative}`, folder: alias, file: join(bind.source, relative) });
  }
  return samples;
}

/** The first file under a folder, by sorted relative path. */
function firstFile(folder: string, prefix = ''): string | undefined {
  for (const entry of readdirSync(join(folder, prefix), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isFile()) return path;
    if (entry.isDirectory()) {
      const found = firstFile(folder, path);
      if (found) return found;
    }
  }
  return undefined;
}
