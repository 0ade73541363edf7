/** Compose file hygiene read from the files as written (CMP-20..23, CFG-07), as dclint would. */
import type { RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';

const FILES = ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml'];
const FLOATING = /^(latest|stable|edge|test|nightly|dev|beta|canary|lts)$/;

interface ComposeFile {
  version?: unknown;
  name?: unknown;
  services?: Record<string, { image?: string; build?: unknown; pull_policy?: string; container_name?: string; ports?: unknown[] }>;
}

const perFile = (repo: RepoView, check: (doc: ComposeFile, file: string) => string[]): string[] =>
  FILES.filter(f => repo.exists(f)).flatMap(file => check(repo.yaml<ComposeFile>(file) ?? {}, file).map(m => `${file}: ${m}`));

const fileRule = (id: string, title: string, check: (doc: ComposeFile, file: string) => string[]): Rule =>
  defineRule({ id, group: 'compose', title, applies: repo => repo.hasCompose, findings: repo => perFile(repo, check) });

/** The tag of an image reference (registry ports are not tags). */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return 'digest';
  const last = image.split('/').at(-1)!;
  return last.includes(':') ? last.slice(last.indexOf(':') + 1) : undefined;
}

export const COMPOSE_FILE_RULES: readonly Rule[] = [
  fileRule('CMP-20', 'every image has an explicit, non-floating tag', doc =>
    Object.entries(doc.services ?? {})
      .filter(([, s]) => s.image !== undefined)
      .flatMap(([name, s]) => {
        const tag = imageTag(s.image!);
        return !tag || FLOATING.test(tag) ? [`${name}: image ${s.image}`] : [];
      }),
  ),
  fileRule('CMP-21', 'build with image only with pull_policy', (doc, file) => {
    if (file !== 'docker-compose.yml') return [];
    return Object.entries(doc.services ?? {})
      .filter(([, s]) => s.build && s.image && !s.pull_policy)
      .map(([name]) => `${name}: build and image without pull_policy`);
  }),
  fileRule('CMP-22', 'no top-level version', doc => (doc.version !== undefined ? ['top-level version'] : [])),
  fileRule('CMP-23', 'no container_name; published ports unique', doc => {
    const services = Object.entries(doc.services ?? {});
    const named = services.filter(([, s]) => s.container_name).map(([name]) => `${name}: container_name`);
    const seen = new Map<string, string>();
    const duplicates: string[] = [];
    for (const [name, s] of services) {
      for (const port of s.ports ?? []) {
        const key = String(port).split(':').slice(0, -1).join(':');
        if (key && seen.has(key)) duplicates.push(`${name}: port ${key} also published by ${seen.get(key)}`);
        seen.set(key, name);
      }
    }
    return [...named, ...duplicates];
  }),
  fileRule('CFG-07', 'no top-level name (docker-compose 1.29 rejects it; COMPOSE_PROJECT_NAME instead)', doc =>
    doc.name !== undefined ? ['top-level name'] : [],
  ),
];
