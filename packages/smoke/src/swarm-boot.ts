/**
 * `--swarm`: the repo's Swarm stack (deploy/swarm/stack.yml) deployed on a single-node Swarm of the run's
 * engine, as docs/swarm.md tells an operator: swarm init, node labels for the placement constraints, the
 * env and versions files, `docker stack deploy`. The repo's images are built with compose (Swarm has no
 * build); official images point at their stand-ins through one more stack file written by the run. Every
 * service must reach its replicas (the migrate job must complete) and pass its healthcheck, and the edge must
 * answer.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Engine } from './engine.js';
import { probedPath, traefikTarget } from './edge-checks.js';
import { envValue } from './env-file.js';
import { check, get } from './http.js';
import { sleep, type Report, type RunningStack } from './stack.js';
import { standInTag } from './standin-images.js';
import { standInFor } from './standin-table.js';
import { envValues } from 'generator-portal/secrets/env-line.js';
import { firstLines, runTool } from '@generator-portal/verifier/checks/run-tool.js';

/** The address the node advertises: a veth of the run's network namespace (Swarm refuses loopback). */
export const SWARM_ADDRESS = '10.99.0.1';

/** Gives the namespace an address Swarm accepts; run before the engine starts. */
export async function swarmAddress(): Promise<void> {
  for (const args of [
    ['link', 'add', 'smoke0', 'type', 'veth', 'peer', 'name', 'smoke1'],
    ['addr', 'add', `${SWARM_ADDRESS}/24`, 'dev', 'smoke0'],
    ['link', 'set', 'smoke0', 'up'],
    ['link', 'set', 'smoke1', 'up'],
  ]) {
    const run = await runTool('ip', args);
    if (run.code !== 0) throw new Error(`ip ${args.join(' ')}: ${firstLines(run.output, 2)}`);
  }
}

type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface SwarmService {
  readonly name: string;
  readonly mode: string;
  readonly replicas: string;
}

/**
 * A Docker CLI that deploys replicated jobs (23 or newer: Debian's 20.10 refuses `mode: replicated-job`),
 * talking to the run's 20.10 engine, which runs them (API 1.41).
 */
async function stackCli(): Promise<string | undefined> {
  for (const cli of ['/usr/local/bin/docker', '/usr/bin/docker']) {
    const version = await runTool(cli, ['version', '--format', '{{.Client.Version}}'], { env: { PATH: process.env.PATH } });
    if (Number(/^(\d+)\./.exec(version.stdout.trim())?.[1] ?? 0) >= 23) return cli;
  }
  return undefined;
}

export async function swarmBoot(stack: RunningStack, engine: Engine, repo: string, report: Report): Promise<void> {
  const file = join(repo, 'deploy', 'swarm', 'stack.yml');
  const project = stack.stack.project;
  const cli = await stackCli();
  if (!cli)
    return report.fail(
      'a Docker CLI for docker stack deploy',
      "no docker CLI 23 or newer here (/usr/local/bin/docker): Debian's 20.10 refuses the stack's replicated-job",
    );
  report.note(`docker stack deploy with the Docker CLI at ${cli}`);
  const docker = (args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 300_000) =>
    runTool(cli, args, { cwd: repo, env: engine.env({ HOME: engine.root, ...env }), timeoutMs });
  const init = await docker(['swarm', 'init', '--advertise-addr', SWARM_ADDRESS]);
  if (init.code !== 0) return report.fail('docker swarm init', firstLines(init.output));
  report.ok(`docker swarm init: a single-node Swarm on ${SWARM_ADDRESS}`);

  // Swarm has no build: the images are built as compose builds them, under the names the stack uses
  const build = await stack.compose(['build'], 900_000);
  if (build.code !== 0) return report.fail('docker-compose build (the images the stack names)', firstLines(build.output));

  const doc = parse(readFileSync(file, 'utf8')) as Loose;
  const services = Object.entries((doc.services ?? {}) as Record<string, Loose>);
  // placement constraints name node labels: the operator adds them (docs/swarm.md), so does the run
  const labels = [
    ...new Set(
      services.flatMap(
        ([, s]) =>
          ((s.deploy?.placement?.constraints ?? []) as string[]).map(c => /^node\.labels\.(\S+)\s*==\s*true$/.exec(c)?.[1]).filter(Boolean) as string[],
      ),
    ),
  ];
  if (labels.length > 0) {
    const self = (await docker(['info', '--format', '{{.Swarm.NodeID}}'])).stdout.trim();
    const node = await docker(['node', 'update', ...labels.flatMap(l => ['--label-add', `${l}=true`]), self]);
    if (node.code !== 0) return report.fail('node labels for the placement constraints', firstLines(node.output));
    report.note(`node labels: ${labels.join(', ')}`);
  }
  // official images -> stand-ins; services with none get no replica here (said below)
  const override: Record<string, Loose> = {};
  /** Services with no stand-in, and their images. */
  const absent = new Map<string, string>();
  for (const [name, service] of services) {
    const image = String(service.image ?? '');
    if (/\$\{/.test(image) || stack.stack.services.some(s => s.name === name && s.build)) continue;
    const standIn = standInFor(image);
    if (standIn) override[name] = { image: standInTag(standIn) };
    else {
      override[name] = { deploy: { replicas: 0 } };
      absent.set(name, image);
    }
  }
  if (absent.size > 0) report.note(`not started in the Swarm (no stand-in image): ${[...absent].map(([name, image]) => `${name} (${image})`).join(', ')}`);
  const edge = swarmEdge(services, absent, repo);
  if (edge.hop) {
    const [name, port] = edge.hop;
    override[name] = { ...override[name], ports: [{ target: port, published: port, protocol: 'tcp', mode: 'host' }] };
    report.note(`${edge.publisher} publishes the edge but is not started here: the run publishes ${name}:${port} on the node, where its routes send requests`);
  }
  // a service's virtual IP is an IPVS rule in each container's namespace: a kernel without ip_vs (this
  // machine's, say) answers "No route to host" on every VIP, so the run resolves services to their tasks
  if (!existsSync('/proc/net/ip_vs') && (await runTool('modprobe', ['-q', 'ip_vs'])).code !== 0) {
    for (const [name] of services) override[name] = { ...override[name], deploy: { ...override[name]?.deploy, endpoint_mode: 'dnsrr' } };
    report.note(
      'this kernel has no IPVS (ip_vs), which service virtual IPs need: every service gets endpoint_mode dnsrr in this run (the stack keeps its VIPs; they are not exercised here)',
    );
  }
  const overrideFile = join(stack.override.file, '..', 'stack.smoke.yml');
  writeFileSync(
    overrideFile,
    `# written by the smoke run: stand-in images for the official ones\n${stringify({ version: doc.version ?? '3.9', services: override })}`,
  );

  // the variables `docker stack deploy` sees: the env file and the versions file, as docs/swarm.md says;
  // bind sources must be absolute for Swarm
  const variables: Record<string, string> = {};
  for (const env of ['.env', 'deploy/swarm/versions.env']) for (const [key, value] of envValues(readFileSync(join(repo, env), 'utf8'))) variables[key] = value;
  for (const key of ['TLS_CERT_DIR', 'ACME_WEBROOT']) if (variables[key] && !variables[key]!.startsWith('/')) variables[key] = join(repo, variables[key]!);
  const deploy = await docker(['stack', 'deploy', '-c', file, '-c', overrideFile, project], variables);
  if (deploy.code !== 0)
    return report.fail(
      'docker stack deploy',
      firstLines(
        deploy.output
          .split('\n')
          .filter(l => !/^Creating /.test(l))
          .join('\n'),
      ),
    );
  report.ok(`docker stack deploy -c deploy/swarm/stack.yml ${project}: ${services.length} services`);

  const expected = services.filter(([name]) => !absent.has(name));
  await check(report, `every service of the Swarm stack reaches its replicas and passes its healthcheck (${expected.length} services)`, async () => {
    let problems: string[] = [];
    for (let i = 0; i < 120; i++) {
      problems = [];
      // the mode of a job is two words ("replicated job")
      const listed = await docker(['service', 'ls', '--format', '{{.Name}}|{{.Mode}}|{{.Replicas}}']);
      const rows = new Map(
        listed.stdout
          .split('\n')
          .filter(Boolean)
          .map(line => {
            const [name = '', mode = '', replicas = ''] = line.split('|');
            return [name.replace(`${project}_`, ''), { name, mode, replicas } satisfies SwarmService];
          }),
      );
      for (const [name] of expected) {
        const row = rows.get(name);
        const [running, wanted] = (row?.replicas ?? '0/?').split(/\s/)[0]!.split('/');
        // a job is done when its tasks completed: "0/1 (1/1 completed)"
        const done = /job/.test(row?.mode ?? '') ? /\((\d+)\/\1 completed\)/.test(row?.replicas ?? '') : running === wanted;
        if (!done) problems.push(`${name}: ${row?.replicas ?? 'no service'}`);
      }
      const ids = (await docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${project}`])).stdout.split('\n').filter(Boolean);
      for (const id of ids) {
        const health = await docker([
          'inspect',
          '--format',
          '{{index .Config.Labels "com.docker.swarm.service.name"}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
          id,
        ]);
        const [service, status] = health.stdout.trim().split(' ');
        if (status && status !== 'healthy' && status !== 'none') problems.push(`${service}: ${status}`);
      }
      if (problems.length === 0) return undefined;
      await sleep(2000);
    }
    const tasks = await docker([
      'service',
      'ps',
      '--no-trunc',
      '--format',
      '{{.Name}} {{.CurrentState}} {{.Error}}',
      ...expected.map(([n]) => `${project}_${n}`),
    ]);
    // the last lines each failing service wrote: what an operator would read first
    const failing = [...new Set(problems.map(p => p.split(':')[0]!.replace(`${project}_`, '')))];
    const logs: string[] = [];
    for (const name of failing) {
      const tail = await docker(['service', 'logs', '--tail', '6', '--no-task-ids', '--no-trunc', `${project}_${name}`]);
      logs.push(`${name} logs:\n${firstLines(tail.output, 6).replace(/^/gm, '  ')}`);
    }
    return [
      problems.join('\n'),
      firstLines(
        tasks.stdout
          .split('\n')
          .filter(l => /Failed|Rejected|Error/i.test(l))
          .join('\n'),
        10,
      ),
      ...logs,
    ].join('\n');
  });

  const { port, tls } = edge;
  if (!port) return report.note('the Swarm stack publishes no edge port: edge not checked');
  const domain = envValue(join(repo, '.env'), 'DOMAIN') || 'localhost';
  const at = { service: 'edge', host: '127.0.0.1', port, tls, domain };
  const where = `${tls ? 'https' : 'http'}://${domain} (port ${port}${edge.hop ? ` of ${edge.hop[0]}` : ''}, host mode)`;
  await check(report, `the Swarm edge answers: GET / on ${where}`, async () => {
    let last = '';
    for (let i = 0; i < 30; i++) {
      const answer = await get(at, '/').catch((error: Error) => ({ status: 0, body: Buffer.from(error.message), headers: {} }));
      if (answer.status > 0 && answer.status < 500) return undefined;
      last = `${answer.status}: ${answer.body.toString().slice(0, 200)}`;
      await sleep(2000);
    }
    return `no answer below 500: ${last}`;
  });
  // the whole chain to each upstream: the edge's routes, the cache and the overlay networks
  for (const [path, upstream] of edgeRoutes(services)) {
    await check(report, `the Swarm edge routes GET ${path} to ${upstream}: 200`, async () => {
      const answer = await get(at, path).catch((error: Error) => ({ status: 0, body: Buffer.from(error.message), headers: {} }));
      return answer.status === 200 ? undefined : `answered ${answer.status}: ${answer.body.toString().slice(0, 200)}`;
    });
  }
  await docker(['stack', 'rm', project]);
}

/**
 * Where the run asks the edge: the port 443 (else 80) a started service publishes; when that service has no
 * stand-in (traefik), the hop its routes forward to, published on the node by the run.
 */
function swarmEdge(
  services: [string, Loose][],
  absent: ReadonlyMap<string, string>,
  repo: string,
): { port?: number; tls: boolean; publisher?: string; hop?: [string, number] } {
  const isAbsent = (name: string) => absent.has(name);
  for (const [published, tls] of [
    [443, true],
    [80, false],
  ] as const) {
    const publisher = services.find(([, s]) => ((s.ports ?? []) as Loose[]).some(p => Number(p.published) === published))?.[0];
    if (!publisher) continue;
    if (!isAbsent(publisher)) return { port: published, tls };
    const hop = traefikTarget(repo, name => services.some(([n]) => n === name) && !isAbsent(name));
    return hop ? { port: hop.port, tls: false, publisher, hop: [hop.service, hop.port] } : { tls };
  }
  return { tls: false };
}

/** The app's health path (from its own healthcheck) and the tileserver's layer list, for the stacks that have them. */
function edgeRoutes(services: [string, Loose][]): [string, string][] {
  const routes: [string, string][] = [];
  const backend = services.find(([name]) => name === 'backend')?.[1];
  const health = probedPath(backend?.healthcheck?.test ?? []);
  if (health) routes.push([health, 'backend']);
  if (services.some(([name]) => name === 'tileserver')) routes.push(['/tiles/index.json', 'tileserver']);
  return routes;
}
