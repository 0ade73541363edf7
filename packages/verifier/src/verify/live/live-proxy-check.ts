/**
 * nginx and varnish answering for real: the generated configs run in a private network namespace with
 * stub upstreams, and requests go through the front. It proves what static checks cannot: routing, what
 * is cached and what is not, PURGE from the inside only, metrics hidden, security headers on answers,
 * and that no request header a client forges (host, port, scheme, Forwarded, path and method overrides,
 * addresses) reaches an app or shapes an answer the cache shares. It runs twice: with the dev site and
 * varnish's dev environment, and with the prod site (TLS with a throwaway certificate where nginx
 * terminates it) and the prod environment, where unknown host names must be refused.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { fileURLToPath } from 'node:url';
import { failed, passed, skipped, type Check } from '../../checks/check.js';
import { composeServiceNames, runInNamespace, tempDir } from '../namespace.js';
import { throwawayCertificate } from '../throwaway-certificate.js';
import { envValues } from 'generator-portal/secrets/env-line.js';
import { firstLines } from '../../checks/run-tool.js';
import { isRoot, missing, tool } from '../../checks/tools.js';

const DRIVER = join(dirname(fileURLToPath(import.meta.url)), 'driver.py');
const STUB_BASE = 20000;

interface Upstream {
  readonly host: string;
  readonly port: number;
}

/** nginx `upstream name { server host:port; }` blocks. */
const nginxUpstreams = (text: string): Map<string, Upstream> =>
  new Map([...text.matchAll(/upstream\s+(\S+)\s*\{\s*server\s+([^:\s]+):(\d+);/g)].map(m => [m[1]!, { host: m[2]!, port: Number(m[3]) }]));

/** VCL backends by name. */
const vclBackends = (text: string): Map<string, Upstream> =>
  new Map([...text.matchAll(/backend\s+(\w+)\s*\{\s*\.host = "([^"]+)";\s*\.port = "(\d+)";/g)].map(m => [m[1]!, { host: m[2]!, port: Number(m[3]) }]));

/** VCL path rules: prefix -> backend name. */
const vclRules = (text: string): [string, string][] =>
  [...text.matchAll(/if \(req\.url ~ "\^([^"]+)"\) \{\s*set req\.backend_hint = (\w+);/g)].map(m => [m[1]!.replace(/\\/g, ''), m[2]!]);

/** nginx locations that proxy: prefix -> upstream block name. */
const nginxRoutes = (text: string): [string, string][] =>
  // a location may hold one level of blocks (the preflight's `if`)
  [...text.matchAll(/location (\/\S*) \{(?:[^{}]|\{[^{}]*\})*?proxy_pass http:\/\/(\w[\w-]*)/g)].map(m => [m[1]!, m[2]!]);

/** Locations whose proxy_pass ends in `/`: nginx replaces the location's prefix with it, so the upstream sees the rest. */
const strippedPrefixes = (text: string): string[] =>
  [...text.matchAll(/location (\/\S*) \{(?:[^{}]|\{[^{}]*\})*?proxy_pass http:\/\/\w[\w-]*\/;/g)].map(m => m[1]!);

/** Paths nginx answers 404 itself, and those the VCL refuses (`^/path(\?|$)` alternatives). */
const hiddenPaths = (routes: string, vcl: string): string[] => {
  const refused = /req\.url ~ "([^"]+)"\) \{\s*return \(synth\(404/.exec(vcl)?.[1] ?? '';
  return [
    ...new Set([
      ...[...routes.matchAll(/location = (\S+) \{\s*return 404;/g)].map(m => m[1]!),
      ...[...refused.matchAll(/\^([^(|]+)\(/g)].map(m => m[1]!.replace(/\\/g, '')),
    ]),
  ].sort();
};

/** Origins each CORS map of cors.conf allows, by variable. */
const corsMaps = (text: string): Map<string, string[]> =>
  new Map([...text.matchAll(/map \$http_origin (\$\w+) \{([^}]*)\}/g)].map(m => [m[1]!, [...m[2]!.matchAll(/"([^"]+)" \$http_origin;/g)].map(o => o[1]!)]));

/** Locations of one routes snippet that answer CORS: path, the origin to try, and whether credentials are allowed. */
const corsLocations = (text: string, maps: Map<string, string[]>): { path: string; origin: string; credentials: boolean }[] =>
  [...text.matchAll(/location (\/\S*) \{([^{}]*?add_header Access-Control-Allow-Origin (\S+) always;(?:[^{}]|\{[^{}]*\})*)/g)].flatMap(m => {
    const origin = m[3] === '"*"' ? '*' : maps.get(m[3]!)?.[0];
    return origin ? [{ path: m[1]!, origin, credentials: /Allow-Credentials "true"/.test(m[2]!) }] : [];
  });

/**
 * Private folders of one snippet: the app route whose title names them ("private files at /protected/"),
 * and the alias of that path's location, whether or not it still says `internal`.
 */
const accelLocations = (text: string): { internal: string; alias: string; via: string }[] =>
  [...text.matchAll(/# [^\n]*private files at (\/[^\s),]*)[^\n]*\nlocation (\/\S*) \{/g)].flatMap(m => {
    const start = text.indexOf(`location ${m[1]!} {`);
    const alias = start >= 0 ? /^\s*alias (\S+);/m.exec(text.slice(start, text.indexOf('}', start)))?.[1] : undefined;
    return alias ? [{ internal: m[1]!, alias, via: m[2]! }] : [];
  });

type Phase = 'dev' | 'prod';
const PHASES: readonly Phase[] = ['dev', 'prod'];
const DEV_HOST = 'portal.localhost';

/** The env file compose reads (the secret .env, else its example). */
function envFileValues(repo: string): Map<string, string> {
  for (const file of ['.env', '.env.example']) {
    if (existsSync(join(repo, file))) return envValues(readFileSync(join(repo, file), 'utf8'));
  }
  return new Map();
}

/** A service's environment as compose gives it in a phase: base file, then the phase's override, `${VAR}` from the env file. */
function composeEnvironment(repo: string, service: string, phase: Phase, env: ReadonlyMap<string, string>): Record<string, string> {
  const files = ['docker-compose.yml', phase === 'dev' ? 'docker-compose.override.yml' : 'docker-compose.prod.yml'];
  const merged: Record<string, string> = {};
  for (const file of files) {
    if (!existsSync(join(repo, file))) continue;
    const doc = parse(readFileSync(join(repo, file), 'utf8')) as { services?: Record<string, { environment?: Record<string, unknown> | string[] }> };
    const environment = doc?.services?.[service]?.environment ?? {};
    const entries = Array.isArray(environment) ? environment.map(line => line.split('=', 2) as [string, string]) : Object.entries(environment);
    for (const [name, value] of entries) merged[name] = String(value ?? '');
  }
  const interpolate = (text: string) => text.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_, name: string, fallback?: string) => env.get(name) || fallback || '');
  return Object.fromEntries(Object.entries(merged).map(([name, value]) => [name, interpolate(value)]));
}

/** Shell words `NAME='value'` for `env`; values are host names and schemes, refused if they could break out. */
function shellAssignments(environment: Record<string, string>): string {
  return Object.entries(environment)
    .map(([name, value]) => {
      if (!/^\w+$/.test(name) || !/^[\w.:-]*$/.test(value)) throw new Error(`unexpected varnish environment ${name}=${value}`);
      return `${name}='${value}'`;
    })
    .join(' ');
}

export const liveProxyCheck: Check = {
  name: 'nginx and varnish answer as configured (live, stub upstreams)',
  slow: true,
  applies: repo => existsSync(join(repo, 'nginx', 'nginx.conf')) || existsSync(join(repo, 'varnish', 'default.vcl')),
  async run(repo) {
    const hasNginx = existsSync(join(repo, 'nginx', 'nginx.conf'));
    const hasVarnish = existsSync(join(repo, 'varnish', 'default.vcl'));
    const needed = [...(hasNginx ? ['nginx', 'openssl'] : []), ...(hasVarnish ? ['varnishd'] : []), 'unshare', 'ip'];
    const lacking = needed.find(name => !tool(name));
    if (lacking) return skipped(this.name, missing(lacking));
    if (!isRoot()) return skipped(this.name, missing('unshare'));
    if (!existsSync('/usr/bin/python3')) return skipped(this.name, missing('python3'));

    const problems: string[] = [];
    let routeCount = 0;
    let extras = '';
    for (const phase of PHASES) {
      const outcome = await runPhase(repo, phase, hasNginx, hasVarnish);
      if (typeof outcome === 'string') return failed(this.name, `${phase}: ${outcome}`);
      routeCount = outcome.routes;
      extras = outcome.extras;
      problems.push(...outcome.problems.map(problem => `${phase}: ${problem}`));
    }
    return problems.length === 0 ? passed(this.name, `${routeCount} routes${extras}, dev and prod`) : failed(this.name, problems.join('\n'));
  },
};

/** One run of nginx, varnish and the stubs in a network namespace: the problems found, or why it did not run. */
async function runPhase(
  repo: string,
  phase: Phase,
  hasNginx: boolean,
  hasVarnish: boolean,
): Promise<{ routes: number; extras: string; problems: string[] } | string> {
  const work = tempDir(`live-${phase}`);
  chmodSync(work, 0o755);
  const etc = join(work, 'etc');
  const env = envFileValues(repo);
  const domain = env.get('DOMAIN') ?? '';
  if (phase === 'prod' && !/^[a-z0-9.-]+$/.test(domain)) return `no DOMAIN in .env to send as Host (${JSON.stringify(domain)})`;
  const vcl = hasVarnish ? readFileSync(join(repo, 'varnish', 'default.vcl'), 'utf8') : '';
  const upstreamsText = hasNginx ? readFileSync(join(repo, 'nginx', 'snippets', 'upstreams.conf'), 'utf8') : '';
  const routesText = hasNginx ? readFileSync(join(repo, 'nginx', 'snippets', 'routes.conf'), 'utf8') : '';
  const site = hasNginx ? readFileSync(join(repo, 'nginx', 'sites', `${phase}.conf`), 'utf8') : '';
  const nginxTls = /listen\s+\d+\s+ssl/.test(site.replace(/#[^\n]*/g, ''));
  // every upstream but varnish (which runs for real) becomes a stub on a port of its own
  const hosts = [...new Set([...nginxUpstreams(upstreamsText).values(), ...vclBackends(vcl).values()].map(u => u.host))].filter(h => h !== 'varnish').sort();
  const stubPort = new Map(hosts.map((host, i) => [host, STUB_BASE + i]));
  const toStub = (host: string, port: string) => String(stubPort.get(host) ?? port);

  // sub-domains: the snippet each server block of the site includes, read like routes.conf
  const subDomains = hasNginx
    ? [...site.matchAll(/server_name (\S+);[^}]*?include \/etc\/nginx\/snippets\/((?:dev\/)?hosts\/\S+\.conf);/g)].map(m => ({
        server: m[1]!,
        text: readFileSync(join(repo, 'nginx', 'snippets', m[2]!), 'utf8'),
        file: m[2]!,
      }))
    : [];
  const snippets = [{ server: '', text: routesText, file: 'routes.conf' }, ...subDomains];
  if (hasNginx) {
    mkdirSync(join(etc, 'conf.d'), { recursive: true });
    mkdirSync(join(etc, 'certs'));
    copyFileSync('/etc/nginx/mime.types', join(etc, 'mime.types'));
    cpSync(join(repo, 'nginx', 'snippets'), join(etc, 'snippets'), { recursive: true });
    // private folders: a file of our own stands in for the shared folder behind each internal location
    for (const { file, text } of snippets) {
      const accel = accelLocations(text);
      if (accel.length === 0) continue;
      let rewritten = text;
      for (const { alias } of accel) {
        const folder = join(work, 'private', alias);
        mkdirSync(folder, { recursive: true });
        writeFileSync(join(folder, 'probe.txt'), `private file of ${alias}\n`);
        rewritten = rewritten.replaceAll(`alias ${alias};`, `alias ${folder}/;`);
      }
      writeFileSync(join(etc, 'snippets', file), rewritten);
    }
    writeFileSync(
      join(etc, 'snippets', 'upstreams.conf'),
      upstreamsText.replace(/server\s+([^:\s]+):(\d+);/g, (_, h: string, p: string) => `server ${h}:${toStub(h, p)};`),
    );
    // pid and temp files in our folder, not the shared /tmp
    writeFileSync(join(etc, 'nginx.conf'), readFileSync(join(repo, 'nginx', 'nginx.conf'), 'utf8').replaceAll('/tmp/', `${work}/tmp-`));
    writeFileSync(join(etc, 'conf.d', 'default.conf'), site);
    if (nginxTls) {
      const cert = await throwawayCertificate(join(etc, 'certs'), domain);
      if (cert.code !== 0) return `openssl could not make a test certificate: ${firstLines(cert.output)}`;
    }
  }
  if (hasVarnish) {
    writeFileSync(
      join(work, 'default.vcl'),
      vcl.replace(/(\.host = "([^"]+)";\s*\.port = ")(\d+)(";)/g, (_, head: string, h: string, p: string, tail: string) => `${head}${toStub(h, p)}${tail}`),
    );
    chmodSync(join(work, 'default.vcl'), 0o644);
    if (existsSync(join(repo, 'varnish', 'custom.vcl'))) {
      copyFileSync(join(repo, 'varnish', 'custom.vcl'), join(work, 'custom.vcl'));
      chmodSync(join(work, 'custom.vcl'), 0o644);
    }
  }
  const backends = vclBackends(vcl);
  // varnish in front of nginx (behind a shared Traefik): varnish routes every path, nginx's files included
  const varnishFront = hasVarnish && [...backends.values()].some(backend => backend.host === 'nginx');
  const upstreams = nginxUpstreams(upstreamsText);
  const viaVarnish = vclRules(vcl).map(([prefix, backend]) => [prefix, backends.get(backend)?.host ?? backend] as [string, string]);
  const routes: [string, string][] =
    hasNginx && !varnishFront
      ? nginxRoutes(routesText).flatMap(([path, name]): [string, string][] => {
          if (name !== 'varnish') return [[path, upstreams.get(name)?.host ?? name]];
          const rule = viaVarnish.filter(([prefix]) => path.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
          return rule ? [[path, rule[1]]] : [];
        })
      : viaVarnish;
  const frontPort = hasNginx && !varnishFront ? (nginxTls ? 8443 : 8080) : 6081;
  const host = phase === 'prod' ? domain : DEV_HOST;
  const services = composeServiceNames(repo);
  // prod: the scheme varnish tells the apps, else https (nginx terminates TLS, or traefik does before it)
  const varnishEnvironment = hasVarnish ? composeEnvironment(repo, 'varnish', phase, env) : {};
  // a shared Traefik (outside the stack) is named by the labels of the prod file
  const behindTraefik = services.includes('traefik') || /traefik\.enable=true/.test(readFileSync(join(repo, 'docker-compose.prod.yml'), 'utf8'));
  const scheme = phase === 'dev' ? 'http' : hasNginx || behindTraefik ? 'https' : 'http';
  const config = {
    phase,
    host,
    // the Host a browser sends: with the port in dev (127.0.0.1:<port>), the bare domain in prod
    authority: phase === 'dev' ? `${host}:${frontPort}` : host,
    scheme,
    front: frontPort,
    tls: nginxTls,
    nginx: hasNginx && !varnishFront,
    varnish: hasVarnish,
    tiles: routes.some(([path]) => path === '/tiles/'),
    stubs: hosts.map(name => ({ name, port: stubPort.get(name)! })),
    routes,
    stripped: hasNginx && !varnishFront ? strippedPrefixes(routesText) : [],
    hidden: hiddenPaths(routesText, vcl),
    // per server block: the portal's host ("") or a sub-domain, with the Host a browser sends there
    // behind varnish (a shared Traefik's entry), the sub-domains are the Traefik's routes to nginx itself
    servers: snippets
      .map(({ server, text }) => ({ server, text, port: server !== '' && varnishFront ? 8080 : frontPort }))
      .map(({ server, text, port }) => ({
        server_name: server === '' ? host : server,
        port,
        authority: server === '' ? (phase === 'dev' ? `${host}:${port}` : host) : phase === 'dev' ? `${server}:${port}` : server,
        routes: nginxRoutes(text).flatMap(([path, name]) => (name === 'varnish' || !upstreams.has(name) ? [] : [[path, upstreams.get(name)!.host]])),
        cors: corsLocations(
          text,
          corsMaps(
            hasNginx && existsSync(join(repo, 'nginx', 'snippets', 'cors.conf')) ? readFileSync(join(repo, 'nginx', 'snippets', 'cors.conf'), 'utf8') : '',
          ),
        ),
        accel: accelLocations(text).map(({ internal, via }) => ({
          internal,
          via,
          body: `private file of ${accelLocations(text).find(a => a.internal === internal)!.alias}\n`,
        })),
      }))
      .filter((server, i) => i === 0 || server.routes.length > 0),
    // nginx, or varnish with no traefik before it, is the first hop: no client-written address may pass it
    owns_client_address: (hasNginx && !varnishFront) || !behindTraefik,
  };
  writeFileSync(join(work, 'config.json'), JSON.stringify(config));
  copyFileSync(DRIVER, join(work, 'driver.py'));
  const hostsFile = join(work, 'hosts');
  writeFileSync(hostsFile, `127.0.0.1 localhost ${services.join(' ')}\n`);
  const script = [
    'set -u',
    `cd ${work}`,
    'cleanup() { [ -f varnish.pid ] && kill "$(cat varnish.pid)" 2>/dev/null; [ -f tmp-nginx.pid ] && kill "$(cat tmp-nginx.pid)" 2>/dev/null; kill "$stubs" 2>/dev/null; }',
    // a signal (Ctrl-C reaches the whole process group) ends the script through its EXIT trap: dash skips it otherwise
    'trap cleanup EXIT',
    "trap 'exit 130' INT TERM HUP",
    '/usr/bin/python3 driver.py serve config.json & stubs=$!',
    ...(hasVarnish
      ? [
          `env ${shellAssignments(varnishEnvironment)} ${tool('varnishd')} -a 127.0.0.1:6081 -f ${work}/default.vcl -n ${work}/vn -P ${work}/varnish.pid -s malloc,32m -T none || exit 1`,
        ]
      : []),
    ...(hasNginx ? [`${tool('nginx')} -c /etc/nginx/nginx.conf || exit 1`] : []),
    '/usr/bin/python3 driver.py probe config.json',
  ].join('\n');
  const mounts: [string, string][] = [[hostsFile, '/etc/hosts'], ...(hasNginx ? [[etc, '/etc/nginx'] as [string, string]] : [])];
  const run = await runInNamespace(mounts, 'sh', ['-c', script], { network: true, timeoutMs: 120_000 });
  const last = run.stdout.trim().split('\n').at(-1) ?? '';
  try {
    const servers = config.servers;
    const counted = [
      [servers.length - 1, 'sub-domain'],
      [servers.reduce((n, server) => n + server.cors.length, 0), 'CORS preflight'],
      [servers.reduce((n, server) => n + server.accel.length, 0), 'private download'],
    ] as const;
    const extras = counted
      .filter(([n]) => n > 0)
      .map(([n, what]) => `, ${n} ${what}${n === 1 ? '' : 's'}`)
      .join('');
    return { routes: routes.length, extras, problems: JSON.parse(last) as string[] };
  } catch {
    return `the live run did not finish: ${firstLines(run.output)}`;
  }
}
