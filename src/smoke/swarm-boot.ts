/**
 * `--swarm`: the repo's Swarm stack (deploy/swarm/stack.yml) deployed on a single-node Swarm of the run's
 * engine, as docs/swarm.md tells an operator: swarm init, node labels for the placement constraints, the
 * env and versions files, `docker stack deploy`. The repo's images are built with compose (Swarm has no
 * build); official images point at their stand-ins through one more stack file written by the run. Every
 * service must reach its replicas (the migrate job must complete) and pass its healthcheck, and the edge must
 * answer.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Engine } from './engine.js';
import { envValue } from './env-file.js';
import { check, get } from './http.js';
import { sleep, type Report, type RunningStack } from './stack.js';
import { standInTag } from './standin-images.js';
import { standInFor } from './standin-table.js';
import { envValues } from '../secrets/rotate.js';
import { firstLines, runTool } from '../verify/run-tool.js';

/** The address the node advertises: a veth of the run's network namespace (Swarm refuses loopback). */
export const SWARM_ADDRESS = '10.99.0.1';

/** Gives the namespace an address Swarm accepts; run before the engine starts. */
export async function swarmAddress(): Promise<void> {
  for (const args of [['link', 'add', 'smoke0', 'type', 'veth', 'peer', 'name', 'smoke1'], ['addr', 'add', `${SWARM_ADDRESS}/24`, 'dev', 'smoke0'], ['link', 'set', 'smoke0', 'up'], ['link', 'set', 'smoke1', 'up']]) {
    const run = await runTool('ip', args);
    if (run.code !== 0) throw new Error(`ip ${args.join(' ')}: ${firstLines(run.output, 2)}`);
  }
}

type Loose = Record<string, any>;

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
  if (!cli) return report.fail('a Docker CLI for docker stack deploy', 'no docker CLI 23 or newer here (/usr/local/bin/docker): Debian\'s 20.10 refuses the stack\'s replicated-job');
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
  const labels = [...new Set(services.flatMap(([, s]) => ((s.deploy?.placement?.constraints ?? []) as string[]).map(c => /^node\.labels\.(\S+)\s*==\s*true$/.exec(c)?.[1]).filter(Boolean) as string[]))];
  if (labels.length > 0) {
    const self = (await docker(['info', '--format', '{{.Swarm.NodeID}}'])).stdout.trim();
    const node = await docker(['node', 'update', ...labels.flatMap(l => ['--label-add', `${l}=true`]), self]);
    if (node.code !== 0) return report.fail('node labels for the placement constraints', firstLines(node.output));
    report.note(`node labels: ${labels.join(', ')}`);
  }
  // official images -> stand-ins; services with none get no replica here (said below)
  const override: Record<string, Loose> = {};
  const absent: string[] = [];
  for (const [name, service] of services) {
    const image = String(service.image ?? '');
    if (/\$\{/.test(image) || stack.stack.services.some(s => s.name === name && s.build)) continue;
    const standIn = standInFor(image);
    if (standIn) override[name] = { image: standInTag(standIn) };
    else {
      override[name] = { deploy: { replicas: 0 } };
      absent.push(`${name} (${image})`);
    }
  }
  if (absent.length > 0) report.note(`not started in the Swarm (no stand-in image): ${absent.join(', ')}`);
  const overrideFile = join(stack.override.file, '..', 'stack.smoke.yml');
  writeFileSync(overrideFile, `# written by the smoke run: stand-in images for the official ones\n${stringify({ version: doc.version ?? '3.9', services: override })}`);

  // the variables `docker stack deploy` sees: the env file and the versions file, as docs/swarm.md says;
  // bind sources must be absolute for Swarm
  const variables: Record<string, string> = {};
  for (const env of ['.env', 'deploy/swarm/versions.env']) for (const [key, value] of envValues(readFileSync(join(repo, env), 'utf8'))) variables[key] = value;
  for (const key of ['TLS_CERT_DIR', 'ACME_WEBROOT']) if (variables[key] && !variables[key]!.startsWith('/')) variables[key] = join(repo, variables[key]!);
  const deploy = await docker(['stack', 'deploy', '-c', file, '-c', overrideFile, project], variables);
  if (deploy.code !== 0) return report.fail('docker stack deploy', firstLines(deploy.output.split('\n').filter(l => !/^Creating /.test(l)).join('\n')));
  report.ok(`docker stack deploy -c deploy/swarm/stack.yml ${project}: ${services.length} services`);

  const expected = services.filter(([name]) => !absent.some(a => a.startsWith(`${name} `)));
  await check(report, `every service of the Swarm stack reaches its replicas and passes its healthcheck (${expected.length} services)`, async () => {
    let problems: string[] = [];
    for (let i = 0; i < 120; i++) {
      problems = [];
      const listed = await docker(['service', 'ls', '--format', '{{.Name}} {{.Mode}} {{.Replicas}}']);
      const rows = new Map(listed.stdout.split('\n').filter(Boolean).map(line => {
        const [name, mode, ...replicas] = line.split(' ') as [string, string, ...string[]];
        return [name.replace(`${project}_`, ''), { name, mode, replicas: replicas.join(' ') } satisfies SwarmService];
      }));
      for (const [name] of expected) {
        const row = rows.get(name);
        const [running, wanted] = (row?.replicas ?? '0/?').split(/\s/)[0]!.split('/');
        // a job is done when its tasks completed: "0/1 (1/1 completed)"
        const done = row?.mode === 'replicated-job' ? /\((\d+)\/\1 completed\)/.test(row.replicas) : running === wanted;
        if (!done) problems.push(`${name}: ${row?.replicas ?? 'no service'}`);
      }
      const ids = (await docker(['ps', '-q', '--filter', `label=com.docker.stack.namespace=${project}`])).stdout.split('\n').filter(Boolean);
      for (const id of ids) {
        const health = await docker(['inspect', '--format', '{{index .Config.Labels "com.docker.swarm.service.name"}} {{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}', id]);
        const [service, status] = health.stdout.trim().split(' ');
        if (status && status !== 'healthy' && status !== 'none') problems.push(`${service}: ${status}`);
      }
      if (problems.length === 0) return undefined;
      await sleep(2000);
    }
    const tasks = await docker(['service', 'ps', '--no-trunc', '--format', '{{.Name}} {{.CurrentState}} {{.Error}}', ...expected.map(([n]) => `${project}_${n}`)]);
    return `${problems.join('\n')}\n${firstLines(tasks.stdout.split('\n').filter(l => /Failed|Rejected|Error/i.test(l)).join('\n'), 10)}`;
  });

  const published = services.flatMap(([, s]) => ((s.ports ?? []) as Loose[]).map(p => Number(p.published)));
  const tls = published.includes(443);
  const port = tls ? 443 : published.includes(80) ? 80 : undefined;
  if (!port) return report.note('the Swarm stack publishes no edge port: edge not checked');
  const domain = envValue(join(repo, '.env'), 'DOMAIN') || 'localhost';
  await check(report, `the Swarm edge answers: GET / on ${tls ? 'https' : 'http'}://${domain} (port ${port}, host mode)`, async () => {
    let last = '';
    for (let i = 0; i < 30; i++) {
      const answer = await get({ service: 'edge', host: '127.0.0.1', port, tls, domain }, '/').catch((error: Error) => ({ status: 0, body: Buffer.from(error.message), headers: {} }));
      if (answer.status > 0 && answer.status < 500) return undefined;
      last = `${answer.status}: ${answer.body.toString().slice(0, 200)}`;
      await sleep(2000);
    }
    return `no answer below 500: ${last}`;
  });
  await docker(['stack', 'rm', project]);
}
