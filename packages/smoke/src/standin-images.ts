/**
 * The stand-in images, built once per machine and reused by every run: a Debian root filesystem from
 * mmdebstrap, imported as the base, and one image per official image (standin-table.ts) built on it by a
 * private engine. That engine's data root is kept as the seed; each run's engine starts on a copy of it
 * whose image layers are hard links (image layers are only ever read; each container writes its own layer).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';
import { startEngine } from './engine.js';
import { BASE_IMAGE, BASE_PACKAGES, STANDINS, type StandIn } from './standin-table.js';
import { SMOKE_DIR } from './standin-files.js';
import { firstLines, runTool } from '@generator-portal/verifier/checks/run-tool.js';

const SUITE = 'bookworm';
const MMDEBSTRAP = [
  '--variant=minbase',
  '--dpkgopt=path-exclude=/usr/share/doc/*',
  '--dpkgopt=path-exclude=/usr/share/man/*',
  '--dpkgopt=path-exclude=/usr/share/locale/*',
];

/** Where the root filesystem and the seeded data root are kept between runs. */
export const cacheDir = (): string =>
  process.env.PORTAL_SMOKE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'generator-portal', 'smoke');

const hash = (...parts: string[]) => {
  const h = createHash('sha256');
  for (const part of parts) h.update(part).update('\0');
  return h.digest('hex').slice(0, 16);
};

/** Every file of a folder, by relative path, for the cache key. */
function folderText(folder: string): string {
  const lines: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) lines.push(`${relative(folder, path)} ${statSync(path).mode} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`);
    }
  };
  walk(folder);
  return lines.join('\n');
}

export const standInContext = (standIn: StandIn): string => join(SMOKE_DIR, 'images', standIn.name);

const rootfsKey = () => hash(SUITE, ...MMDEBSTRAP, ...BASE_PACKAGES);
/** Changes when the packages or any stand-in's files change: the seed is rebuilt then. */
export const seedKey = (): string => hash(rootfsKey(), ...STANDINS.map(s => `${s.name}\n${folderText(standInContext(s))}`));
/** The local tag of a stand-in image. */
export const standInTag = (standIn: StandIn): string => `portal-smoke/${standIn.name}:${seedKey()}`;

/** Locks (and build folders) this process holds, released on an interrupt (releaseLocks). */
const held = new Set<string>();
const STALE_MS = 60_000;

/**
 * A lock folder kept fresh by its holder (touched every 5 s). The holder may be another run in another PID
 * namespace, where its pid means nothing here: a lock left unrefreshed for a minute is a dead holder's and
 * is taken over.
 */
async function withLock<T>(path: string, body: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      mkdirSync(path);
      break;
    } catch {
      let age = 0;
      try {
        age = Date.now() - statSync(path).mtimeMs;
      } catch {
        continue;
      }
      if (age > STALE_MS) rmSync(path, { recursive: true, force: true });
      else await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
  held.add(path);
  const heartbeat = setInterval(() => {
    try {
      utimesSync(path, new Date(), new Date());
    } catch {
      // taken over: the body's end will tell
    }
  }, 5000);
  try {
    return await body();
  } finally {
    clearInterval(heartbeat);
    rmSync(path, { recursive: true, force: true });
    held.delete(path);
  }
}

/** On an interrupt: the locks and half-built folders of this process go, so no other run waits for them. */
export function releaseLocks(): void {
  for (const path of held) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // still mounted: the next build sweeps building folders older than an hour
    }
  }
  held.clear();
}

/**
 * The root filesystem tar for the current package list, made now if missing. mmdebstrap fetches from
 * Debian's mirror, so this runs in the outer process (cli.ts), before the run enters its network namespace.
 */
export async function ensureRootfs(log: (line: string) => void): Promise<string> {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const tar = join(cache, `rootfs-${SUITE}-${rootfsKey()}.tar`);
  const made = () => existsSync(tar) && statSync(tar).isFile();
  if (made()) return tar;
  return withLock(join(cache, 'rootfs.lock'), async () => {
    if (made()) return tar;
    rmSync(tar, { recursive: true, force: true });
    log(`stand-in images: building a Debian ${SUITE} root filesystem with mmdebstrap (${BASE_PACKAGES.length} packages, once per machine)`);
    // mmdebstrap picks the output format from the name: it must end in .tar
    const partial = tar.replace(/\.tar$/, `.partial-${process.pid}.tar`);
    const run = await runTool('mmdebstrap', ['--format=tar', ...MMDEBSTRAP, `--include=${BASE_PACKAGES.join(',')}`, SUITE, partial], {
      timeoutMs: 30 * 60_000,
    });
    if (run.code !== 0) {
      rmSync(partial, { recursive: true, force: true });
      throw new Error(
        `mmdebstrap failed: ${firstLines(
          run.output
            .split('\n')
            .filter(l => /^E:|error/i.test(l))
            .join('\n') || run.output,
        )}`,
      );
    }
    renameSync(partial, tar);
    return tar;
  });
}

/** Inside the run's network namespace there is no mirror: the outer process has made it (ensureRootfs). */
const buildRootfs = (log: (line: string) => void): Promise<string> => ensureRootfs(log);

/** The seeded data root (built now if this machine has none for the current stand-ins). */
export async function seedDataRoot(bin: string, log: (line: string) => void): Promise<string> {
  const cache = cacheDir();
  mkdirSync(cache, { recursive: true });
  const seed = join(cache, `seed-${seedKey()}`);
  // each use marks the seed as used (a seed unused for a week is removed by the next build)
  const ready = () => {
    if (!existsSync(join(seed, 'complete'))) return false;
    utimesSync(join(seed, 'complete'), new Date(), new Date());
    return true;
  };
  if (ready()) return join(seed, 'data');
  return withLock(join(cache, 'seed.lock'), async () => {
    if (ready()) return join(seed, 'data');
    const started = Date.now();
    const tar = await buildRootfs(log);
    // a short unique name: every run is pid 1 of its own namespace, and socket paths are limited
    const building = mkdtempSync(join(cache, 'building-'));
    held.add(building);
    const engine = await startEngine(building, bin, log);
    try {
      const imported = await engine.docker(['import', '--message', `Debian ${SUITE} root filesystem (mmdebstrap)`, tar, BASE_IMAGE], {
        timeoutMs: 10 * 60_000,
      });
      if (imported.code !== 0) throw new Error(`docker import failed: ${firstLines(imported.output)}`);
      for (const standIn of STANDINS) {
        const built = await engine.docker(
          [
            'build',
            '--quiet',
            '--tag',
            standInTag(standIn),
            '--label',
            `org.opencontainers.image.title=stand-in for ${standIn.replaces.map(r => r.repository).join(', ')}`,
            '--label',
            `org.opencontainers.image.description=${standIn.says}`,
            standInContext(standIn),
          ],
          { timeoutMs: 10 * 60_000 },
        );
        if (built.code !== 0) throw new Error(`building the stand-in ${standIn.name} failed: ${firstLines(built.output)}`);
      }
    } finally {
      await engine.stop();
    }
    // the builder's cache is not needed by the runs; the image store is
    rmSync(join(building, 'data', 'buildkit'), { recursive: true, force: true });
    rmSync(seed, { recursive: true, force: true });
    mkdirSync(seed);
    renameSync(join(building, 'data'), join(seed, 'data'));
    rmSync(building, { recursive: true, force: true });
    held.delete(building);
    writeFileSync(join(seed, 'complete'), `${new Date().toISOString()}\n`);
    log(`stand-in images: ${STANDINS.length} built in ${((Date.now() - started) / 1000).toFixed(0)} s, kept in ${seed}`);
    // seeds of other stand-in definitions (another checkout) unused for a week, and dead builds, go
    for (const old of readdirSync(cache)) {
      const path = join(cache, old);
      const used = existsSync(join(path, 'complete')) ? statSync(join(path, 'complete')).mtimeMs : statSync(path).mtimeMs;
      if (
        (old.startsWith('seed-') && path !== seed && Date.now() - used > 7 * 86_400_000) ||
        (old.startsWith('building-') && Date.now() - statSync(path).mtimeMs > 3_600_000)
      )
        rmSync(path, { recursive: true, force: true });
    }
    return join(seed, 'data');
  });
}

/**
 * A data root for one run: image layers hard-linked from the seed (`cp -al` keeps the directories' overlay
 * attributes), the engine's small databases copied.
 */
export async function copyDataRoot(seed: string, target: string): Promise<void> {
  mkdirSync(target, { recursive: true });
  for (const entry of readdirSync(seed)) {
    const run = await runTool('cp', [entry === 'overlay2' ? '-al' : '-a', join(seed, entry), join(target, entry)], { timeoutMs: 300_000 });
    if (run.code !== 0) throw new Error(`copying the seeded data root failed: ${firstLines(run.output)}`);
  }
}
