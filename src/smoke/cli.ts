#!/usr/bin/env node
/**
 * `npm run smoke -- <generated-repo> [--keep]`: boots the repo's stack on this machine's Debian servers.
 * The run re-executes itself in new network, mount and PID namespaces: the stack's loopback addresses
 * cannot meet the host's ports, and when the run ends the kernel stops whatever it left behind.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { missingForSmoke } from './requirements.js';
import { smoke } from './smoke.js';

const USAGE = 'usage: npm run smoke -- <generated-repo> [--keep]';

async function main(args: string[]): Promise<number> {
  const keep = args.includes('--keep');
  const positional = args.filter(a => !a.startsWith('--'));
  const unknown = args.filter(a => a.startsWith('--') && a !== '--keep');
  if (positional.length !== 1 || unknown.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const repo = resolve(positional[0]!);
  if (!existsSync(resolve(repo, 'docker-compose.prod.yml'))) {
    process.stderr.write(`smoke: ${repo} is not a generated portal repo (no docker-compose.prod.yml)\n`);
    return 2;
  }
  const lacking = missingForSmoke();
  if (lacking) {
    process.stderr.write(`smoke: ${lacking}\n`);
    return 2;
  }
  if (process.env.PORTAL_SMOKE_INSIDE !== '1') {
    const script = 'ip link set lo up && exec "$@"';
    // --kill-child: if this process is killed, the run's PID 1 gets SIGTERM, stops the stack and cleans up
    const child = spawn('unshare', ['-mnpf', '--mount-proc', '--propagation', 'private', '--kill-child=SIGTERM', 'sh', '-c', script, 'sh', process.execPath, fileURLToPath(import.meta.url), ...args], {
      stdio: 'inherit',
      env: { ...process.env, PORTAL_SMOKE_INSIDE: '1' },
    });
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill('SIGTERM'));
    return new Promise(done => child.on('exit', code => done(code ?? 1)));
  }
  const result = await smoke(repo, { keep });
  return result.failures === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
