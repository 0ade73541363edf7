/**
 * What a user's browser and the operators' tools see, asked through the edge the prod file publishes:
 * the app's health, a vector tile and its cache hit in varnish, an API answer that is never cached, the
 * security headers, every Prometheus target up, and a task that crosses the broker to the worker.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { envValue } from './env-file.js';
import { logTail, sleep, type Report, type RunningStack } from './stack.js';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

interface Edge {
  readonly service: string;
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
  readonly domain: string;
}

const MVT = 'application/vnd.mapbox-vector-tile';
const SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];

function get(edge: Edge, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const options = { host: edge.host, port: edge.port, path, headers: { Host: edge.domain }, timeout: 15_000, servername: edge.domain, rejectUnauthorized: false };
    const req = (edge.tls ? httpsRequest : httpRequest)(options, res => {
      const chunks: Buffer[] = [];
      res.on('data', chunk => chunks.push(chunk as Buffer));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, String(v)])), body: Buffer.concat(chunks) }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${edge.service} for ${path} in 15 s`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The service that publishes 443 (else 80) in the prod file: where users arrive. When that is traefik,
 * which has no Debian package, requests go to the hop its routes point at, as traefik would send them.
 */
function findEdge(stack: RunningStack, repo: string, report: Report): Edge | undefined {
  const domain = envValue(join(repo, '.env'), 'DOMAIN') || 'localhost';
  for (const [published, tls] of [['443', true], ['80', false]] as const) {
    for (const service of stack.stack.services) {
      const port = service.ports.map(p => /(?:^|:)(\d+):(\d+)(?:\/tcp)?$/.exec(p)).find(m => m?.[1] === published)?.[2];
      if (!port) continue;
      if (stack.container(service.name)) return { service: service.name, host: stack.address(service.name), port: Number(port), tls, domain };
      const hop = traefikTarget(stack, repo);
      if (hop) {
        report.note(`${service.name} publishes port ${published} but is not started here: requests go to ${hop.service}:${hop.port}, where its routes send them`);
        return { ...hop, host: stack.address(hop.service), tls: false, domain };
      }
    }
  }
  return undefined;
}

/** The first running service a traefik route forwards to (`url: http://service:port`). */
function traefikTarget(stack: RunningStack, repo: string): { service: string; port: number } | undefined {
  const folder = join(repo, 'traefik');
  if (!existsSync(folder)) return undefined;
  const files = readdirSync(folder, { recursive: true, withFileTypes: true }).filter(e => e.isFile() && /\.ya?ml$/.test(e.name));
  for (const file of files) {
    for (const m of readFileSync(join(file.parentPath, file.name), 'utf8').matchAll(/url:\s*"?http:\/\/([\w-]+):(\d+)/g)) {
      if (stack.container(m[1]!)) return { service: m[1]!, port: Number(m[2]) };
    }
  }
  return undefined;
}

interface StaticSample {
  readonly url: string;
  readonly folder: string;
  readonly file: string;
}

/**
 * One file per nginx `alias` location, from the folder mounted at the alias in the nginx container: an
 * existing file (collectstatic's), or one written for the run into an empty folder (media).
 */
async function staticSample(stack: RunningStack, repo: string): Promise<StaticSample[]> {
  const routes = join(repo, 'nginx', 'snippets', 'routes.conf');
  const nginx = stack.container('nginx');
  if (!nginx || !existsSync(routes)) return [];
  const samples: StaticSample[] = [];
  for (const m of readFileSync(routes, 'utf8').matchAll(/location (\/\S*\/) \{\s*alias (\/\S+\/);/g)) {
    const [, prefix, alias] = m as unknown as [string, string, string];
    const bind = nginx.spec.binds.find(b => `${b.target}/` === alias || b.target === alias);
    if (!bind) continue;
    let relative = firstFile(bind.source);
    if (!relative) {
      relative = 'smoke-check.txt';
      writeFileSync(join(bind.source, relative), `served by ${prefix}\n`, { mode: 0o644 });
    }
    samples.push({ url: `${prefix}${relative}`, folder: alias, file: join(bind.source, relative) });
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

/** The path the backend's own healthcheck asks for. */
const healthPath = (stack: RunningStack, backend: string): string =>
  /https?:\/\/[^/'"\s]+(\/[^'"\s)]*)/.exec(stack.stack.services.find(s => s.name === backend)?.healthcheck?.join(' ') ?? '')?.[1] ?? '/health';

/** How many requests for `path` the service's own access log shows (the app's and tileserver's logs do). */
function served(stack: RunningStack, service: string, path: string): number {
  const container = stack.container(service);
  if (!container) return 0;
  const needle = ` ${path} HTTP/`;
  return readFileSync(container.log, 'utf8').split('\n').filter(line => line.includes(needle)).length;
}

/** Waits briefly for a log line to be written, as access logs are written after the answer. */
async function servedSettled(stack: RunningStack, service: string, path: string, expected: number): Promise<number> {
  let count = served(stack, service, path);
  for (let i = 0; i < 20 && count < expected; i++) {
    await sleep(100);
    count = served(stack, service, path);
  }
  return count;
}

async function check(report: Report, what: string, body: () => Promise<string | undefined>): Promise<void> {
  try {
    const problem = await body();
    if (problem) report.fail(what, problem);
    else report.ok(what);
  } catch (error) {
    report.fail(what, error instanceof Error ? error.message : String(error));
  }
}

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
    if (!stack.container('varnish')) return 'varnish is not running';
    const before = await servedSettled(stack, 'tileserver', path, 1);
    const again = await get(edge, path);
    await sleep(300);
    const after = served(stack, 'tileserver', path);
    if (again.status !== 200) return `answered ${again.status}`;
    if (again.headers['x-cache'] === 'MISS') return 'the second answer says X-Cache: MISS';
    return after === before ? undefined : `the tileserver served the tile ${after - before} more time(s) (X-Cache: ${again.headers['x-cache'] ?? 'absent'})`;
  });
}

async function prometheusTargets(stack: RunningStack, report: Report): Promise<void> {
  const edge: Edge = { service: 'prometheus', host: stack.address('prometheus'), port: 9090, tls: false, domain: 'prometheus' };
  interface Target { labels: { job: string; instance: string }; health: string; lastError: string; lastScrape: string }
  let targets: Target[] = [];
  // a first scrape may come before its exporter listens: wait for every target to be up, for two
  // scrape intervals (15 s in the generated config) and a margin
  for (let i = 0; i < 40; i++) {
    const answer = await get(edge, '/api/v1/targets?state=active').catch(() => undefined);
    targets = answer?.status === 200 ? (JSON.parse(answer.body.toString()) as { data: { activeTargets: Target[] } }).data.activeTargets : [];
    if (targets.length > 0 && targets.every(t => t.health === 'up' || stack.notStarted(t.labels.instance.replace(/:\d+$/, '')))) break;
    await sleep(1000);
  }
  if (targets.length === 0) return report.fail('prometheus: scrape targets', 'no active target (is prometheus up?)');
  const host = (t: Target) => t.labels.instance.replace(/:\d+$/, '');
  const known = new Set(['localhost', ...stack.stack.services.flatMap(s => [s.name, s.hostname ?? s.name])]);
  const strangers = targets.filter(t => !known.has(host(t)));
  if (strangers.length > 0) report.fail('prometheus: scrape targets are compose services', strangers.map(t => `${t.labels.job}: ${t.labels.instance}`).join('\n'));
  const notHere = (t: Target) => known.has(host(t)) && host(t) !== 'localhost' && stack.notStarted(host(t));
  for (const t of targets.filter(notHere)) report.note(`prometheus target ${t.labels.job} (${t.labels.instance}) not checked: its service is not started here`);
  const down = targets.filter(t => !notHere(t) && t.health !== 'up');
  if (down.length > 0) report.fail('prometheus: every scrape target up', down.map(t => `${t.labels.job} ${t.labels.instance}: ${t.health} ${t.lastError}`).join('\n'));
  else report.ok(`prometheus: every scrape target up (${targets.filter(t => !notHere(t)).map(t => t.labels.job).join(', ')})`);
}

export async function edgeChecks(stack: RunningStack, repo: string, report: Report): Promise<void> {
  const edge = findEdge(stack, repo, report);
  if (!edge) return report.fail('edge', 'no running service publishes port 443 or 80 in the prod file');
  const via = `through ${edge.service} (${edge.tls ? 'https' : 'http'}, Host ${edge.domain})`;
  report.note(`edge: ${edge.service} at ${edge.host}:${edge.port}`);
  const backend = stack.container('backend') ? 'backend' : undefined;
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
    for (const path of ['/', ...(backend ? ['/api/'] : []), ...samples.map(s => s.url)]) {
      const answer = await get(edge, path);
      const missing = [...SECURITY_HEADERS, ...(edge.tls ? ['strict-transport-security'] : [])].filter(h => !answer.headers[h]);
      if (/\d/.test(answer.headers.server ?? '')) missing.push(`server (shows a version: ${answer.headers.server})`);
      if (missing.length > 0) problems.push(`${path}: missing ${missing.join(', ')}`);
    }
    return problems.length === 0 ? undefined : problems.join('\n');
  });
  for (const sample of samples) {
    await check(report, `${sample.url} is served from ${sample.folder} ${via}`, async () => {
      const answer = await get(edge, sample.url);
      if (answer.status !== 200) return `answered ${answer.status}`;
      return answer.body.equals(readFileSync(sample.file)) ? undefined : 'the body differs from the file';
    });
  }
  if (stack.container('tileserver')) await tileChecks(stack, edge, report);
  if (backend) {
    await check(report, `API answers are not cached: GET /api/ twice ${via} reaches the app twice`, async () => {
      const before = served(stack, backend, '/api/');
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
      if (answer.status !== 200) return `answered ${answer.status}: ${answer.body.toString().slice(0, 300)}\n${logTail(stack.container(backend), 8)}`;
      const result = (JSON.parse(answer.body.toString()) as { result?: unknown }).result;
      if (result !== 42) return `result ${JSON.stringify(result)}, expected 42`;
      // the worker logs the success just after it stores the result the app has already read
      for (let i = 0; i < 30 && !/succeeded in/.test(logTail(stack.container(worker), 50)); i++) await sleep(100);
      return /succeeded in/.test(logTail(stack.container(worker), 50)) ? undefined : `the worker's log shows no task that succeeded:\n${logTail(stack.container(worker), 8)}`;
    });
  }
  if (stack.container('prometheus')) await prometheusTargets(stack, report);
}
