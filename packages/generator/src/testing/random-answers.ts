/**
 * Randomly drawn valid answer sets, so the matrix covers combinations nobody listed. The seed is fixed
 * unless PORTAL_RANDOM_SEED gives another; each test name carries its options, so a failure reproduces.
 */
import { SERVICE_IDS } from '../answers/answers.js';
import type { GeneratorOptions } from './generate.js';

export const RANDOM_SEED = Number(process.env.PORTAL_RANDOM_SEED ?? 20261123);
export const RANDOM_SETS = Number(process.env.PORTAL_RANDOM_SETS ?? 3);

/** mulberry32: small, fast, good enough to pick options. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomAnswerSets(seed = RANDOM_SEED, count = RANDOM_SETS): GeneratorOptions[] {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const backend = pick(['django', 'fastapi', 'node', 'image'] as const);
    const services = new Set(SERVICE_IDS.filter(() => random() < 0.5));
    // draws the generator would refuse are turned into the nearest valid set
    if (services.has('backup')) services.add('postgis');
    if (backend === 'node' || backend === 'image') {
      services.delete('celery');
      services.delete('flower');
    }
    const storage = pick(['volumes', 'bind'] as const);
    const name = `r${seed % 1000}-${index}`;
    return {
      name,
      domain: `${name}.example.org`,
      backend,
      ...(backend === 'image' ? { backendImage: 'ghcr.io/acme/portal-api:2.0.1', backendPort: String(pick([8000, 8080, 9000])) } : {}),
      services: services.size > 0 ? [...services].join(',') : 'none',
      storage,
      ...(storage === 'bind' ? { dataRoot: `/srv/${name}` } : {}),
    };
  });
}
