#!/usr/bin/env node
/**
 * `npm run smoke -- <generated-repo> [--dev] [--keep]`: boots the repo's stack on a Docker engine of the
 * run's own. The run re-executes itself in new network, mount and PID namespaces and starts dockerd there:
 * its bridges, addresses and published ports cannot meet the host's, and when the run ends the kernel stops
 * whatever it left behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingForSmoke } from './requirements.js';
import { prepareImages, smoke } from './smoke.js';
import { ensureRootfs } from './standin-images.js';

const USAGE =
  'usage: npm run smoke -- <generated-repo> [--dev | --swarm] [--keep] [--measure]\n       npm run smoke -- --images   (builds the stand-in images for this machine, once)';

/** The processes unshare started (the run, once `sh` has exec'ed node). */
const innerPids = (pid: number): number[] => {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
};

const signalPid = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
};

async function main(args: string[]): Promise<number> {
  const keep = args.includes('--keep');
  const dev = args.includes('--dev');
  const images = args.includes('--images');
  const measure = args.includes('--measure');
  const swarm = args.includes('--swarm');
  const positional = args.filter(a => !a.startsWith('--'));
  const unknown = args.filter(a => a.startsWith('--') && !['--keep', '--dev', '--images', '--measure', '--swarm'].includes(a));
  if (positional.length !== (images ? 0 : 1) || unknown.length > 0 || (images && (dev || keep || measure || swarm)) || (dev && swarm)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const repo = images ? '' : resolve(positional[0]!);
  if (!images && !existsSync(resolve(repo, 'docker-compose.prod.yml'))) {
    process.stderr.write(`smoke: ${repo} is not a generated portal repo (no docker-compose.prod.yml)\n`);
    return 2;
  }
  const lacking = missingForSmoke();
  if (lacking) {
    process.stderr.write(`smoke: ${lacking}\n`);
    return 2;
  }
  if (process.env.PORTAL_SMOKE_INSIDE !== '1') {
    // the stand-ins' root filesystem comes from Debian's mirror: fetched here, before the private network
    try {
      await ensureRootfs(line => process.stdout.write(`${line}\n`));
    } catch (error) {
      process.stderr.write(`smoke: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
    const script = 'ip link set lo up && exec "$@"';
    // setpriv --pdeathsig: unshare dies with this process (even on SIGKILL), and --kill-child then sends
    // SIGTERM to the run's PID 1, which stops its stack and engine and cleans up
    const child = spawn(
      'setpriv',
      [
        '--pdeathsig',
        'SIGKILL',
        'unshare',
        '-mnpf',
        '--mount-proc',
        '--propagation',
        'private',
        '--kill-child=SIGTERM',
        'sh',
        '-c',
        script,
        'sh',
        process.execPath,
        fileURLToPath(import.meta.url),
        ...args,
      ],
      {
        stdio: 'inherit',
        env: { ...process.env, PORTAL_SMOKE_INSIDE: '1' },
      },
    );
    // unshare blocks SIGTERM while it waits: the signal goes to the run itself (its PID 1), which stops the
    // stack and cleans up; if it has not ended 20 s later, killing it ends its whole PID namespace
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.on(signal, () => {
        const inner = innerPids(child.pid!);
        for (const pid of inner) signalPid(pid, signal);
        setTimeout(() => inner.forEach(pid => signalPid(pid, 'SIGKILL')), 20_000).unref();
      });
    }
    return new Promise(done => child.on('exit', code => done(code ?? 1)));
  }
  if (images) return (await prepareImages()) ? 0 : 1;
  const result = await smoke(repo, { keep, dev, measure, swarm });
  return result.failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
