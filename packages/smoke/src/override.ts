/**
 * The one compose file the run adds to the repo's own: it points the `image:` of each official image at its
 * local stand-in and the `build:` of each image the repo builds at a copy of its Dockerfile whose external
 * FROMs are stand-ins and whose PyPI and npm steps are dropped (Debian's packages in the stand-in base stand
 * in for them). Every other key of the generated files is left to the engine.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { fromLine } from 'generator-portal/shared/dockerfile-from.js';
import type { ComposeService, ComposeStack } from './compose.js';
import { standInTag } from './standin-images.js';
import { standInFor } from './standin-table.js';

export interface Override {
  /** The compose file to pass after the repo's own. */
  readonly file: string;
  /** Services that can start here, and those that cannot, with why. */
  readonly startable: readonly string[];
  readonly skipped: ReadonlyMap<string, string>;
  /** What the run changed, one line each, for its output. */
  readonly notes: readonly string[];
}

interface Rewritten {
  readonly text: string;
  readonly notes: string[];
  readonly missing?: string;
}

/** Commands that fetch from PyPI or npm, which this machine cannot reach. */
const FETCHING =
  /(?:\S*python[\d.]* -m pip|\bpip[\d.]*|\buv pip) install\b[^&;|\n]*|\b(?:npm (?:ci|install|i)|yarn install|pnpm (?:install|i))(?=\s|$)[^&;|\n]*/g;

/** The Dockerfile with its external base images replaced by stand-ins and its fetching steps dropped. */
export function rewriteDockerfile(text: string, service: string): Rewritten {
  const notes: string[] = [];
  const stages = new Set<string>();
  let missing: string | undefined;
  const lines = text
    .replace(/\\\n/g, '\\\u0000')
    .split('\n')
    .flatMap(raw => {
      const line = raw.replaceAll('\u0000', '\n');
      // BuildKit would fetch the named frontend from a registry; the engine's built-in one reads the file
      if (/^#\s*syntax\s*=/i.test(line)) return [];
      const from = fromLine(line);
      if (from) {
        const { keyword, image, rest, stage } = from;
        if (stage) stages.add(stage);
        if (stages.has(image) && image !== stage) return [line];
        const standIn = standInFor(image);
        if (!standIn) {
          missing ??= image;
          return [line];
        }
        notes.push(`${service}: FROM ${image} -> ${standInTag(standIn)} (${standIn.says})`);
        return [`${keyword}${standInTag(standIn)}${rest}`];
      }
      // a COPY from an image, not a stage: its stand-in, like a FROM
      const copyFrom = /^(\s*COPY\s+(?:--\S+\s+)*--from=)(\S+)(.*)$/i.exec(line);
      if (copyFrom && !stages.has(copyFrom[2]!) && !/^\d+$/.test(copyFrom[2]!)) {
        const standIn = standInFor(copyFrom[2]!);
        if (!standIn) {
          missing ??= copyFrom[2]!;
          return [line];
        }
        notes.push(`${service}: COPY --from=${copyFrom[2]} -> ${standInTag(standIn)} (${standIn.says})`);
        return [`${copyFrom[1]}${standInTag(standIn)}${copyFrom[3]}`];
      }
      if (/^\s*RUN\s/i.test(line)) {
        let changed = line.replace(/\bpython3? -m venv (?!--system-site-packages)/g, '$&--system-site-packages ');
        changed = changed.replace(FETCHING, command => {
          notes.push(
            `${service}: \`${command.trim().replace(/\s+/g, ' ')}\` dropped: PyPI and npm are out of reach, Debian's packages in the stand-in base provide the modules`,
          );
          return 'true ';
        });
        return [changed];
      }
      return [line];
    });
  return { text: lines.join('\n'), notes, ...(missing ? { missing } : {}) };
}

/** Services whose dependencies (transitively) include one that cannot start here. */
function blockedBy(services: readonly ComposeService[], skipped: Map<string, string>): void {
  let changed = true;
  while (changed) {
    changed = false;
    for (const service of services) {
      if (skipped.has(service.name)) continue;
      const dependency = Object.keys(service.dependsOn).find(d => skipped.has(d));
      if (dependency) {
        skipped.set(service.name, `it depends on ${dependency}, which is not started here`);
        changed = true;
      }
    }
  }
}

export function writeOverride(stack: ComposeStack, work: string): Override {
  const folder = join(work, 'override');
  mkdirSync(folder, { recursive: true });
  const services: Record<string, Record<string, unknown>> = {};
  const skipped = new Map<string, string>();
  const notes: string[] = [];
  for (const service of stack.services) {
    if (service.build) {
      const dockerfile = join(service.build.context, service.build.dockerfile ?? 'Dockerfile');
      const rewritten = rewriteDockerfile(readFileSync(dockerfile, 'utf8'), service.name);
      if (rewritten.missing) {
        skipped.set(service.name, `its Dockerfile starts from ${rewritten.missing}, which has no stand-in`);
        continue;
      }
      const copy = join(folder, `${service.name}.Dockerfile`);
      writeFileSync(copy, rewritten.text);
      notes.push(...rewritten.notes);
      services[service.name] = { build: { context: service.build.context, dockerfile: copy } };
      continue;
    }
    const standIn = standInFor(service.image);
    if (!standIn) {
      skipped.set(service.name, `no stand-in image for ${service.image}`);
      continue;
    }
    services[service.name] = { image: standInTag(standIn) };
    notes.push(`${service.name}: ${service.image} -> ${standInTag(standIn)} (${standIn.says})`);
  }
  blockedBy(stack.services, skipped);
  for (const name of skipped.keys()) delete services[name];
  const file = join(folder, 'docker-compose.smoke.yml');
  writeFileSync(file, `# written by the smoke run: stand-in images for the official ones (none can be pulled here)\n${stringify({ services })}`);
  // the same notes for services sharing one built image are said once
  return { file, startable: stack.services.map(s => s.name).filter(n => !skipped.has(n)), skipped, notes: [...new Set(notes)] };
}
