/**
 * What a user's browser and the operators' tools see, asked through the edge the prod file publishes:
 * the app's health, a vector tile and its cache hit in varnish, an API answer that is never cached, the
 * security headers, every Prometheus target up, and a task that crosses the broker to the worker.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { envValue } from './env-file.js';
import { check, get, MVT, SECURITY_HEADERS, served, servedSettled, type Edge } from './http.js';
import { prometheusTargets } from './prometheus-check.js';
import { sleep, type Report, type RunningStack } from './stack.js';
import { staticSample } from './static-files.js';

/**
 * The service that publishes 443 (else 80) in the prod file: where users arrive, on the engine's host. When
 * that is traefik, which has no stand-in, requests go to the hop its routes point at, as traefik would send them.
 */
async function findEdge(stack: RunningStack, repo: string, report: Report): Promise<Edge | undefined> {
  const domain = envValue(join(repo, '.env'), 'DOMAIN') || 'localhost';
  for (const [published, tls] of [
    ['443', true],
    ['80', false],
  ] as const) {
    for (const service of stack.stack.services) {
      if (!service.ports.some(p => new RegExp(`(?:^|:)${published}:\\d+(?:/tcp)?$`).test(p))) continue;
      if (stack.started(service.name)) return { service: service.name, host: '127.0.0.1', port: Number(published), tls, domain };
      const hop = traefikTarget(repo, name => stack.started(name));
      if (hop) {
        report.note(
          `${service.name} publishes port ${published} but is not started here: requests go to ${hop.service}:${hop.port}, where its routes send them`,
        );
        return { ...hop, host: await stack.address(hop.service), tls: false, domain };
      }
    }
  }
  return undefined;
}

/** The first started service a traefik route forwards to (`url: http://service:port`). */
export function traefikTarget(repo: string, started: (service: string) => boolean): { service: string; port: number } | undefined {
  const folder = join(repo, 'traefik');
  if (!existsSync(folder)) return undefined;
  const files = readdirSync(folder, { recursive: true, withFileTypes: true }).filter(e => e.isFile() && /\.ya?ml$/.test(e.name));
  for (const file of files) {
    for (const m of readFileSync(join(file.parentPath, file.name), 'utf8').matchAll(/url:\s*"?http:\/\/([\w-]+):(\d+)/g)) {
      if (started(m[1]!)) return { service: m[1]!, port: Number(m[2]) };
    }
  }
  return undefined;
}

/** The path the backend's own healthcheck asks for. */
const healthPath = (stack: RunningStack, backend: string): string =>
  probedPath(stack.stack.services.find(s => s.name === backend)?.healthcheck ?? []) ?? '/health';

/** The path an HTTP healthcheck asks for (`http://127.0.0.1:8000/health` -> `/health`), if it asks one. */
export const probedPath = (test: readonly string[]): string | undefined => /https?:\/\/[^/'"\s]+(\/[^'"\s)]*)/.exec(test.join(' '))?.[1];
async function tileChecks(stack: RunningStack, edge: Edge, report: Report): Promise<void> {
  const index = await get(edge, '/tiles/index.json');
  if (index.status !== 200) return report.fail('tiles: layer list through the edge', `GET /tiles/index.json answered ${index.status}`);
  const layer = Object.keys(JSON.parse(index.body.toString()) as Record<string, unknown>)[0];
  if (!layer) return report.fail('tiles: layer list through the edge', 'the tileserver lists no layer');
  const path = `/tiles/${layer}/0/0/0.pbf`;
  await check(report, `tiles: GET ${path} is a vector tile`, async () => {
    const tile = await get(edge, path);
    if (tile.status !== 200) return `answered ${tile.status}`;
    if (!tile.headers['content-type']?.startsWith(MVT)) return `content type ${tile.headers['content-type']}, not ${MVT}`;
    // a Tile message starts with its first layer: field 3, length-delimited
    if (tile.body[0] !== 0x1a) return `the body is not a tile with a layer (${tile.body.length} bytes)`;
    return undefined;
  });
  await check(report, 'tiles: the same tile again is a cache hit in varnish (the tileserver serves it once)', async () => {
    if (!(await stack.running('varnish'))) return 'varnish is not running';
    const before = await servedSettled(stack, 'tileserver', path, 1);
    const again = await get(edge, path);
    await sleep(300);
    const after = await served(stack, 'tileserver', path);
    if (again.status !== 200) return `answered ${again.status}`;
    if (again.headers['x-cache'] === 'MISS') return 'the second answer says X-Cache: MISS';
    return after === before ? undefined : `the tileserver served the tile ${after - before} more time(s) (X-Cache: ${again.headers['x-cache'] ?? 'absent'})`;
  });
}

export async function edgeChecks(stack: RunningStack, repo: string, report: Report): Promise<void> {
  const edge = await findEdge(stack, repo, report);
  if (!edge) {
    const publisher = stack.stack.services.find(s => s.ports.some(p => /(?:^|:)(443|80):\d+(?:\/tcp)?$/.test(p)));
    return report.fail(
      'edge',
      publisher
        ? `${publisher.name} publishes the edge but is not started here${stack.notStarted(publisher.name) ? '' : ' (see above)'}`
        : 'no service publishes port 443 or 80 in the prod file',
    );
  }
  const via = `through ${edge.service} (${edge.tls ? 'https' : 'http'}, Host ${edge.domain})`;
  report.note(`edge: ${edge.service} at ${edge.host}:${edge.port}`);
  const backend = (await stack.running('backend')) ? 'backend' : undefined;
  if (backend) {
    const path = healthPath(stack, backend);
    // a query of our own tells this request from the healthcheck's in the app's log
    const ours = `${path}?smoke=${process.pid}`;
    await check(report, `app health ${path} answers 200 from the app ${via}`, async () => {
      const answer = await get(edge, ours);
      if (answer.status !== 200) return `answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`;
      return (await servedSettled(stack, backend, ours, 1)) === 1 ? undefined : 'answered 200, but not by the app (its log does not show the request)';
    });
  }
  const samples = await staticSample(stack, repo);
  await check(report, `security headers on /, /api/ and static files ${via}`, async () => {
    const problems: string[] = [];
    for (const path of ['/', ...(backend ? ['/api/'] : []), ...samples.flatMap(s => (s.url ? [s.url] : []))]) {
      const answer = await get(edge, path);
      const missing = [...SECURITY_HEADERS, ...(edge.tls ? ['strict-transport-security'] : [])].filter(h => !answer.headers[h]);
      if (/\d/.test(answer.headers.server ?? '')) missing.push(`server (shows a version: ${answer.headers.server})`);
      if (missing.length > 0) problems.push(`${path}: missing ${missing.join(', ')}`);
    }
    return problems.length === 0 ? undefined : problems.join('\n');
  });
  for (const sample of samples) {
    await check(report, `${sample.url ?? sample.prefix} is served from ${sample.folder} ${via}`, async () => {
      if (!sample.url || !sample.file) return sample.problem;
      const answer = await get(edge, sample.url);
      if (answer.status !== 200) return `answered ${answer.status}`;
      return answer.body.equals(readFileSync(sample.file)) ? undefined : 'the body differs from the file';
    });
  }
  if (await stack.running('tileserver')) await tileChecks(stack, edge, report);
  if (backend) {
    await check(report, `API answers are not cached: GET /api/ twice ${via} reaches the app twice`, async () => {
      const before = await served(stack, backend, '/api/');
      const answers = [await get(edge, '/api/'), await get(edge, '/api/')];
      if (answers.some(a => a.status !== 200)) return `answered ${answers.map(a => a.status).join(', ')}`;
      if (answers[1]!.headers['x-cache'] === 'HIT') return 'the second answer says X-Cache: HIT';
      const after = await servedSettled(stack, backend, '/api/', before + 2);
      if (after === 0) return `the app logs no requests, so this cannot be told; X-Cache: ${answers[1]!.headers['x-cache'] ?? 'absent'}`;
      return after === before + 2 ? undefined : `the app saw ${after - before} of the 2 requests`;
    });
  }
  // `celery ... worker ...`, directly or inside `sh -c`
  const worker = stack.stack.services.find(s => /(^|\s)celery\s(.*\s)?worker(\s|$)/.test(s.command?.join(' ') ?? ''))?.name;
  if (worker && backend) {
    await check(report, `a task sent by the app runs on ${worker} through the broker: GET /api/tasks/add?x=20&y=22`, async () => {
      const answer = await get(edge, '/api/tasks/add?x=20&y=22');
      if (answer.status !== 200) return `answered ${answer.status}: ${answer.body.toString().slice(0, 300)}\n${await stack.logTail(backend, 8)}`;
      const result = (JSON.parse(answer.body.toString()) as { result?: unknown }).result;
      if (result !== 42) return `result ${JSON.stringify(result)}, expected 42`;
      // the worker logs the success just after it stores the result the app has already read
      for (let i = 0; i < 30 && !/succeeded in/.test(await stack.logTail(worker, 50)); i++) await sleep(150);
      return /succeeded in/.test(await stack.logTail(worker, 50))
        ? undefined
        : `the worker's log shows no task that succeeded:\n${await stack.logTail(worker, 8)}`;
    });
  }
  if (await stack.running('prometheus')) await prometheusTargets(stack, report);
}
