/**
 * The dev run: the source folders the dev override binds are live in the containers (a file written on the
 * host is read inside), and each port the dev override publishes on 127.0.0.1 for an HTTP service answers.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check, get } from './http.js';
import type { Report, RunningStack } from './stack.js';

/** Published HTTP ports of the dev override worth a request: the app and the edge. */
const HTTP_SERVICES = ['backend', 'nginx'];

export async function devChecks(stack: RunningStack, repo: string, report: Report): Promise<void> {
  const probe = `.smoke-dev-probe-${process.pid}`;
  for (const service of stack.stack.services) {
    const seen = await stack.inspect(service.name);
    if (!seen?.State.Running) continue;
    const sources = seen.Mounts.filter(
      m => m.Type === 'bind' && m.RW !== undefined && resolve(m.Source).startsWith(`${resolve(repo)}/`) && !/\.(conf|vcl|ya?ml|json|sh)$/.test(m.Source),
    );
    for (const mount of sources.filter(m => !/\/(nginx|varnish|redis|postgres|prometheus|grafana|traefik|backup)(\/|$)/.test(m.Source.slice(repo.length)))) {
      await check(
        report,
        `${service.name}: ${mount.Source.slice(repo.length + 1)} is live at ${mount.Destination} (a file written on the host is read inside)`,
        async () => {
          const text = `dev ${Date.now()}`;
          writeFileSync(join(mount.Source, probe), text);
          try {
            const read = await stack.exec(service.name, ['cat', `${mount.Destination}/${probe}`]);
            return read.code === 0 && read.stdout.trim() === text ? undefined : `read ${JSON.stringify(read.output.slice(0, 200))}`;
          } finally {
            rmSync(join(mount.Source, probe), { force: true });
          }
        },
      );
    }
  }
  for (const name of HTTP_SERVICES) {
    const service = stack.stack.services.find(s => s.name === name);
    const published = service?.ports.map(p => /^127\.0\.0\.1:(\d+):\d+/.exec(p)?.[1]).find(Boolean);
    if (!service || !published || !(await stack.running(name))) continue;
    const path = name === 'backend' ? (/https?:\/\/[^/'"\s]+(\/[^'"\s)]*)/.exec(service.healthcheck?.join(' ') ?? '')?.[1] ?? '/health') : '/';
    await check(report, `dev: ${name} answers GET ${path} on 127.0.0.1:${published}`, async () => {
      const answer = await get({ service: name, host: '127.0.0.1', port: Number(published), tls: false, domain: 'localhost' }, path);
      return answer.status < 400 ? undefined : `answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`;
    });
  }
}
