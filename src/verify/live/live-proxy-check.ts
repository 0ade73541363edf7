/**
 * nginx and varnish answering for real: the generated configs run in a private network namespace with
 * stub upstreams, and requests go through the front. It proves what static checks cannot: routing, what
 * is cached and what is not, PURGE from the inside only, metrics hidden, security headers on answers.
 */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { failed, passed, skipped, type Check } from '../check.js';
import { composeServiceNames, runInNamespace, tempDir } from '../namespace.js';
import { firstLines } from '../run-tool.js';
import { isRoot, missing, tool } from '../tools.js';

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
  [...text.matchAll(/location (\/\S*) \{[^}]*?proxy_pass http:\/\/(\w[\w-]*)/g)].map(m => [m[1]!, m[2]!]);

/** Paths nginx answers 404 itself, and those the VCL refuses (`^/path(\?|$)` alternatives). */
const hiddenPaths = (routes: string, vcl: string): string[] => {
  const refused = /req\.url ~ "([^"]+)"\) \{\s*return \(synth\(404/.exec(vcl)?.[1] ?? '';
  return [...new Set([
    ...[...routes.matchAll(/location = (\S+) \{\s*return 404;/g)].map(m => m[1]!),
    ...[...refused.matchAll(/\^([^(|]+)\(/g)].map(m => m[1]!.replace(/\\/g, '')),
  ])].sort();
};

export const liveProxyCheck: Check = {
  name: 'nginx and varnish answer as configured (live, stub upstreams)',
  applies: repo => existsSync(join(repo, 'nginx', 'nginx.conf')) || existsSync(join(repo, 'varnish', 'default.vcl')),
  async run(repo) {
    const hasNginx = existsSync(join(repo, 'nginx', 'nginx.conf'));
    const hasVarnish = existsSync(join(repo, 'varnish', 'default.vcl'));
    const needed = [...(hasNginx ? ['nginx'] : []), ...(hasVarnish ? ['varnishd'] : []), 'unshare', 'ip'];
    const lacking = needed.find(name => !tool(name));
    if (lacking) return skipped(this.name, missing(lacking));
    if (!isRoot()) return skipped(this.name, missing('unshare'));
    if (!existsSync('/usr/bin/python3')) return skipped(this.name, missing('python3'));

    const work = tempDir('live');
    chmodSync(work, 0o755);
    const etc = join(work, 'etc');
    const vcl = hasVarnish ? readFileSync(join(repo, 'varnish', 'default.vcl'), 'utf8') : '';
    const upstreamsText = hasNginx ? readFileSync(join(repo, 'nginx', 'snippets', 'upstreams.conf'), 'utf8') : '';
    const routesText = hasNginx ? readFileSync(join(repo, 'nginx', 'snippets', 'routes.conf'), 'utf8') : '';
    // every upstream but varnish (which runs for real) becomes a stub on a port of its own
    const hosts = [...new Set([...nginxUpstreams(upstreamsText).values(), ...vclBackends(vcl).values()].map(u => u.host))].filter(h => h !== 'varnish').sort();
    const stubPort = new Map(hosts.map((host, i) => [host, STUB_BASE + i]));
    const toStub = (host: string, port: string) => String(stubPort.get(host) ?? port);

    if (hasNginx) {
      mkdirSync(join(etc, 'conf.d'), { recursive: true });
      copyFileSync('/etc/nginx/mime.types', join(etc, 'mime.types'));
      cpSync(join(repo, 'nginx', 'snippets'), join(etc, 'snippets'), { recursive: true });
      writeFileSync(join(etc, 'snippets', 'upstreams.conf'), upstreamsText.replace(/server\s+([^:\s]+):(\d+);/g, (_, h: string, p: string) => `server ${h}:${toStub(h, p)};`));
      // pid and temp files in our folder, not the shared /tmp
      writeFileSync(join(etc, 'nginx.conf'), readFileSync(join(repo, 'nginx', 'nginx.conf'), 'utf8').replaceAll('/tmp/', `${work}/tmp-`));
      copyFileSync(join(repo, 'nginx', 'sites', 'dev.conf'), join(etc, 'conf.d', 'default.conf'));
    }
    if (hasVarnish) {
      writeFileSync(join(work, 'default.vcl'), vcl.replace(/(\.host = "([^"]+)";\s*\.port = ")(\d+)(";)/g, (_, head: string, h: string, p: string, tail: string) => `${head}${toStub(h, p)}${tail}`));
      chmodSync(join(work, 'default.vcl'), 0o644);
      if (existsSync(join(repo, 'varnish', 'custom.vcl'))) {
        copyFileSync(join(repo, 'varnish', 'custom.vcl'), join(work, 'custom.vcl'));
        chmodSync(join(work, 'custom.vcl'), 0o644);
      }
    }
    const backends = vclBackends(vcl);
    const upstreams = nginxUpstreams(upstreamsText);
    const viaVarnish = vclRules(vcl).map(([prefix, backend]) => [prefix, backends.get(backend)?.host ?? backend] as [string, string]);
    const routes: [string, string][] = hasNginx
      ? nginxRoutes(routesText).flatMap(([path, name]): [string, string][] => {
          if (name !== 'varnish') return [[path, upstreams.get(name)?.host ?? name]];
          const rule = viaVarnish.filter(([prefix]) => path.startsWith(prefix)).sort((a, b) => b[0].length - a[0].length)[0];
          return rule ? [[path, rule[1]]] : [];
        })
      : viaVarnish;
    const config = {
      host: 'portal.localhost',
      front: hasNginx ? 8080 : 6081,
      nginx: hasNginx,
      varnish: hasVarnish,
      tiles: routes.some(([path]) => path === '/tiles/'),
      stubs: hosts.map(name => ({ name, port: stubPort.get(name)! })),
      routes,
      hidden: hiddenPaths(routesText, vcl),
    };
    writeFileSync(join(work, 'config.json'), JSON.stringify(config));
    copyFileSync(DRIVER, join(work, 'driver.py'));
    const hostsFile = join(work, 'hosts');
    writeFileSync(hostsFile, `127.0.0.1 localhost ${composeServiceNames(repo).join(' ')}\n`);
    const script = [
      'set -u',
      `cd ${work}`,
      'cleanup() { [ -f varnish.pid ] && kill "$(cat varnish.pid)" 2>/dev/null; [ -f tmp-nginx.pid ] && kill "$(cat tmp-nginx.pid)" 2>/dev/null; kill "$stubs" 2>/dev/null; }',
      'trap cleanup EXIT',
      '/usr/bin/python3 driver.py serve config.json & stubs=$!',
      ...(hasVarnish ? [`${tool('varnishd')} -a 127.0.0.1:6081 -f ${work}/default.vcl -n ${work}/vn -P ${work}/varnish.pid -s malloc,32m -T none || exit 1`] : []),
      ...(hasNginx ? [`${tool('nginx')} -c /etc/nginx/nginx.conf || exit 1`] : []),
      '/usr/bin/python3 driver.py probe config.json',
    ].join('\n');
    const mounts: [string, string][] = [[hostsFile, '/etc/hosts'], ...(hasNginx ? [[etc, '/etc/nginx'] as [string, string]] : [])];
    const run = await runInNamespace(mounts, 'sh', ['-c', script], { network: true, timeoutMs: 120_000 });
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    let problems: string[];
    try {
      problems = JSON.parse(last) as string[];
    } catch {
      return failed(this.name, `the live run did not finish: ${firstLines(run.output)}`);
    }
    if (readdirSync(work).length === 0) return failed(this.name, 'nothing ran');
    return problems.length === 0 ? passed(this.name, `${routes.length} routes`) : failed(this.name, problems.join('\n'));
  },
};
