/**
 * The Swarm stack files of every scenario of src/testing/generate.ts (and one with instances): valid for the
 * compose 3.9 schema of the Docker CLI (fixtures/NOTICE.md) and for `docker stack config` itself when the CLI
 * is installed; everything referenced is declared, no secret value is written, names are versioned.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { SCENARIOS } from '../../testing/generate.js';
import { presetAnswers } from '../../presets/index.js';
import type { PresetId } from '../../answers/answers.js';
import { modelOf } from '../../testing/model.js';
import { planFiles } from '../file-plan.js';
import { seededSecrets } from '../secret-source.js';
import { swarmStackFiles } from './stack.js';
import type { StackFile } from './stack-types.js';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'src', 'render', 'swarm', 'fixtures');
const schema = JSON.parse(readFileSync(join(FIXTURES, 'config_schema_v3.9.json'), 'utf8'));
/** Ajv 8 reads draft-07: the draft-04 schema ids (strings under `id`, unused by its `$ref`s) go. */
function withoutDraft4Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string') && key !== '$schema')
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}
// the CLI's own formats (duration, ports, expose) are not checked here: `docker stack config` does
const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(withoutDraft4Ids(schema) as object);

const docker = spawnSync('docker', ['--version'], { encoding: 'utf8' }).status === 0;

const cases: Record<string, Record<string, unknown>> = {
  ...SCENARIOS,
  instances: { services: 'postgis,redis,nginx,traefik', instances: [{ name: 'staging', domain: 'staging.example.org' }] },
  'shared-traefik': { services: 'postgis,nginx', traefikNetwork: 'proxy', traefikEntrypoint: 'websecure', traefikCertResolver: 'letsencrypt' },
  // the seed deployments: apps with contracts, config folders, Redis roles, Kafka kept as an alternative
  ...Object.fromEntries(
    (['systemapic', 'housing-portal', 'sagui', 'mupets', 'mlp'] satisfies PresetId[]).map(id => [
      `preset-${id}`,
      presetAnswers(id, { domain: 'example.org', imageTag: '2.3.1' }),
    ]),
  ),
};

/** The variables of an env file, as `set -a; . file` gives them to the CLI. */
function envOf(text: string): Record<string, string> {
  return Object.fromEntries(
    text.split('\n').flatMap(line => {
      const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      return match ? [[match[1]!, match[2]!.replace(/^'(.*)'$/, '$1').replace(/^"(.*)"$/, '$1')]] : [];
    }),
  );
}

describe('swarm stack files', () => {
  for (const [scenario, raw] of Object.entries(cases)) {
    const model = modelOf(raw as never);
    const plan = planFiles(model, seededSecrets('x'));
    const files = swarmStackFiles(model, plan);
    const stacks = files.filter(f => /^deploy\/swarm\/(stack|instances\/[^/.]+)\.yml$/.test(f.path));
    const secretValues = plan
      .filter(f => f.ownership === 'secret' && f.path.startsWith('secrets/'))
      .map(f => f.content)
      .filter(v => v.length >= 8);

    it(`${scenario}: one stack for prod and one per instance`, () => {
      assert.deepEqual(
        stacks.map(f => f.path).sort(),
        ['deploy/swarm/stack.yml', ...(model.answers.instances ?? []).map(i => `deploy/swarm/instances/${i.name}.yml`)].sort(),
      );
      assert.ok(files.some(f => f.path === 'docs/swarm.md'));
    });

    for (const file of stacks) {
      const stack = parse(file.content) as StackFile;
      const where = `${scenario} ${file.path}`;
      const project =
        file.path === 'deploy/swarm/stack.yml'
          ? model.answers.name
          : `${model.answers.name}-${file.path
              .split('/')
              .pop()!
              .replace(/\.yml$/, '')}`;

      it(`${where}: valid for the compose 3.9 schema of the Docker CLI`, () => {
        assert.ok(validate(stack), JSON.stringify(validate.errors, null, 1));
      });

      it(`${where}: every secret, config, network and volume a service names is declared`, () => {
        for (const [name, service] of Object.entries(stack.services)) {
          for (const secret of service.secrets ?? []) assert.ok(stack.secrets?.[secret], `${name}: secret ${secret}`);
          for (const config of service.configs ?? []) assert.ok(stack.configs?.[config.source], `${name}: config ${config.source}`);
          const networks = Array.isArray(service.networks) ? service.networks : Object.keys(service.networks ?? {});
          for (const network of networks) assert.ok(stack.networks[network], `${name}: network ${network}`);
          for (const volume of service.volumes ?? []) {
            if (typeof volume === 'string') assert.ok(stack.volumes?.[volume.split(':')[0]!] !== undefined, `${name}: volume ${volume}`);
          }
        }
      });

      it(`${where}: secrets and configs come from repo files, under versioned names of at most 64 characters`, () => {
        const planned = new Set([...plan.map(f => f.path), ...files.map(f => f.path)]);
        for (const [key, object] of [...Object.entries(stack.secrets ?? {}), ...Object.entries(stack.configs ?? {})]) {
          assert.match(object.name, new RegExp(`^${project}_[A-Za-z0-9_.-]+_v\\$\\{[A-Z0-9_]+_VERSION:-1\\}$`), key);
          // swarmkit's rule for config and secret names (manager/controlapi/common.go), with a 4-digit version
          const name = object.name.replace(/\$\{.*\}$/, '9999');
          assert.ok(name.length <= 64 && /^[a-zA-Z0-9]+(?:[a-zA-Z0-9-_.]*[a-zA-Z0-9])?$/.test(name), name);
          const path = normalize(join(dirname(file.path), object.file));
          assert.ok(planned.has(path), `${key}: ${path} is not a file of the plan`);
        }
        for (const [key, secret] of Object.entries(stack.secrets ?? {})) assert.ok(secret.file.includes(`secrets/`), key);
      });

      it(`${where}: every variable without a default is one of its env file`, () => {
        const instance = file.path.startsWith('deploy/swarm/instances/')
          ? file.path
              .split('/')
              .pop()!
              .replace(/\.yml$/, '')
          : undefined;
        const env = envOf(plan.find(f => f.path === (instance ? `instances/${instance}.env` : '.env'))!.content);
        // `$${X}` is a literal `${X}` for the container's shell
        const used = [...file.content.matchAll(/(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map(match => match[1]!);
        assert.ok(used.length > 0);
        for (const variable of used) assert.ok(variable in env, `\${${variable}} is not in the env file`);
      });

      it(`${where}: no secret value is written in the stack`, () => {
        for (const value of secretValues) assert.ok(!file.content.includes(value), 'a secret value is in the stack file');
      });

      it(`${where}: no key Swarm ignores, migrations as a replicated-job, ports on the edge only`, () => {
        for (const [name, service] of Object.entries(stack.services)) {
          for (const key of ['build', 'security_opt', 'depends_on', 'tmpfs', 'mem_limit', 'cpus', 'pids_limit', 'restart', 'profiles', 'pull_policy']) {
            assert.equal(key in service, false, `${name} has ${key}`);
          }
          const container = model.containers.find(c => c.name === name)!;
          // Swarm kills a task its image healthcheck calls unhealthy: a job serves nothing to probe
          if (container.oneShot) assert.equal(service.deploy.mode, 'replicated-job', name);
          if (container.oneShot) assert.deepEqual(service.healthcheck, { disable: true }, name);
          else assert.equal(service.deploy.replicas, container.profiles?.length ? 0 : 1, name);
          if (service.ports) assert.ok(['traefik', model.front.name].includes(name), `${name} publishes`);
          for (const port of service.ports ?? []) assert.equal(port.mode, 'host', name);
          if (service.volumes?.some(v => typeof v === 'string')) assert.ok(service.deploy.placement?.constraints.length, `${name} has data but no placement`);
          assert.equal(service.read_only ?? false, !container.writableRoot, name);
          assert.deepEqual(service.cap_drop, ['ALL'], name);
        }
        if (model.containers.some(c => c.name === 'migrate')) assert.equal(stack.services.migrate?.deploy.mode, 'replicated-job');
        assert.equal(stack.networks.internal?.internal, true);
        assert.equal(stack.networks.edge?.attachable, true);
      });

      it(`${where}: a repo folder's configs sit on an empty tmpfs, which hides the image's own files there as a bind does`, () => {
        for (const [name, service] of Object.entries(stack.services)) {
          const tmpfs = new Set((service.volumes ?? []).flatMap(v => (typeof v === 'object' && v.type === 'tmpfs' ? [v.target] : [])));
          const container = model.containers.find(c => c.name === name)!;
          for (const mount of container.mounts ?? []) {
            if (!('file' in mount)) continue;
            if (service.configs?.some(config => config.target.startsWith(`${mount.target}/`))) assert.ok(tmpfs.has(mount.target), `${name}: ${mount.target}`);
          }
        }
      });

      it(`${where}: docker stack config accepts it`, { skip: docker ? false : 'the docker CLI is not installed' }, () => {
        const folder = mkdtempSync(join(tmpdir(), 'portal-swarm-'));
        for (const f of [...plan, ...files]) {
          mkdirSync(dirname(join(folder, f.path)), { recursive: true });
          writeFileSync(join(folder, f.path), f.content);
        }
        const instance = file.path.startsWith('deploy/swarm/instances/')
          ? file.path
              .split('/')
              .pop()!
              .replace(/\.yml$/, '')
          : undefined;
        const env = envOf(plan.find(f => f.path === (instance ? `instances/${instance}.env` : '.env'))!.content);
        const result = spawnSync('docker', ['stack', 'config', '-c', file.path], {
          cwd: folder,
          encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: folder, ...env },
        });
        assert.equal(result.status, 0, result.stderr);
      });
    }
  }
});
