/**
 * Dev mounts and dev commands of an app's contract (`devMounts`, `devCommand`) and of a prebuilt backend's:
 * what docker-compose 1.29 itself makes of the dev files (the bind mount, the command, the read-only root
 * kept), that prod and the instances never see them, the docs, `portal verify`, and re-runs that keep a
 * user's edit of the dev override.
 */
import assert from 'node:assert/strict';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { runPortal } from 'generator-portal/testing/bin.js';
import { freshFolder } from 'generator-portal/testing/generate.js';
import { composeModel } from './compose-model.js';

type Volume = string | { type?: string; source?: string; target?: string; read_only?: boolean };
type Service = { command?: string[]; volumes?: Volume[]; read_only?: boolean; user?: string; tmpfs?: string[]; working_dir?: string };
interface Compose {
  readonly services: Record<string, Service>;
}

const ANSWERS = {
  name: 'devmounts',
  domain: 'maps.example.org',
  backend: 'image',
  backendImage: 'acme/site:1.2.0',
  backendPort: 8000,
  services: ['nginx', 'postgis'],
  backendContract: {
    devMounts: [{ source: './src/site', target: '/app' }],
    devCommand: ['python', 'manage.py', 'runserver', '0.0.0.0:8000'],
    // an in-memory path below the mounted source: docker makes its mount point in the (writable) source
    writable: ['/app/logs'],
  },
  apps: [
    {
      id: 'api',
      image: 'acme/api:2.0.1',
      port: 8080,
      route: '/v2/',
      devMounts: [
        { source: 'src/api', target: '/srv/api', readOnly: true },
        { source: './src/lib', target: '/srv/lib' },
      ],
      devCommand: ['sh', '-c', 'exec node --watch server.js --port $PORT'],
    },
  ],
  instances: [{ name: 'staging', domain: 'staging.example.org' }],
};

const config = (root: string, files: string[], envFile = '.env.example'): Compose =>
  composeModel<Compose>(root, ['--env-file', envFile, ...files.flatMap(file => ['-f', file])]);
const DEV = ['docker-compose.yml', 'docker-compose.override.yml'];
const PROD = ['docker-compose.yml', 'docker-compose.prod.yml'];
const binds = (service: Service | undefined): Volume[] => (service?.volumes ?? []).filter(v => typeof v === 'object' && v.type === 'bind');
const read = (root: string, path: string): string => readFileSync(join(root, path), 'utf8');

async function generateFrom(answers: object): Promise<string> {
  const repo = freshFolder('devmounts');
  const file = join(freshFolder('answers'), 'answers.json');
  writeFileSync(file, JSON.stringify(answers));
  const made = await runPortal(['--yes', '--answers', file, '--secret-seed', 'x'], { cwd: repo });
  assert.equal(made.code, 0, made.stderr);
  return repo;
}

describe("dev mounts: an app's and a prebuilt backend's source in dev", () => {
  let repo = '';
  before(async () => {
    repo = await generateFrom(ANSWERS);
  });

  it('dev: docker-compose config binds each folder at its path and runs the dev command', () => {
    const dev = config(repo, DEV);
    assert.deepEqual(binds(dev.services.backend), [{ type: 'bind', source: join(repo, 'src/site'), target: '/app' }]);
    assert.deepEqual(dev.services.backend!.command, ['python', 'manage.py', 'runserver', '0.0.0.0:8000']);
    assert.deepEqual(binds(dev.services.api), [
      { type: 'bind', source: join(repo, 'src/api'), target: '/srv/api', read_only: true },
      { type: 'bind', source: join(repo, 'src/lib'), target: '/srv/lib' },
    ]);
    // escaped for compose (config prints it so): the container gets $PORT, for its own shell to expand
    assert.deepEqual(dev.services.api!.command, ['sh', '-c', 'exec node --watch server.js --port $$PORT']);
  });

  it('dev keeps the read-only root, the user and the in-memory paths, as the starter backends do', () => {
    const dev = config(repo, DEV);
    for (const name of ['backend', 'api']) {
      assert.equal(dev.services[name]!.read_only, true, name);
      assert.equal(dev.services[name]!.user, '10001:10001', name);
    }
    assert.ok(
      dev.services.backend!.tmpfs!.some(entry => entry.startsWith('/app/logs:')),
      JSON.stringify(dev.services.backend!.tmpfs),
    );
  });

  it('prod and an instance have neither the mounts nor the dev command', () => {
    const deployments = [config(repo, PROD), config(repo, [...PROD, 'instances/staging.yml'], 'instances/staging.env.example')];
    for (const compose of deployments) {
      for (const name of ['backend', 'api']) {
        assert.deepEqual(binds(compose.services[name]), [], name);
        assert.ok(!JSON.stringify(compose.services[name]!.volumes ?? []).includes('/src/'), name);
        assert.equal(compose.services[name]!.command, undefined, `${name} runs its image's command`);
      }
    }
    assert.doesNotMatch(
      read(repo, 'docker-compose.prod.yml') + read(repo, 'docker-compose.yml') + read(repo, 'instances/staging.yml'),
      /src\/|runserver|--watch/,
    );
  });

  it('the docs say which folders are mounted in dev for which app', () => {
    const docs = read(repo, 'docs/architecture.md');
    assert.match(docs, /## Source mounted in dev/);
    assert.match(docs, /\| `backend` \| `\.\/src\/site` \| `\/app` \| writable \| `python manage\.py runserver 0\.0\.0\.0:8000` \|/);
    assert.match(docs, /\| `api` \| `\.\/src\/api` \| `\/srv\/api` \| read-only \| `sh -c 'exec node --watch server\.js --port \$PORT'` \|/);
    assert.match(docs, /\| `api` \| `\.\/src\/lib` \| `\/srv\/lib` \| writable \|/);
    assert.match(
      read(repo, 'README.md'),
      /`\.\/src\/site` at `\/app` in `backend`; `\.\/src\/api` at `\/srv\/api` in `api`, `\.\/src\/lib` at `\/srv\/lib` in `api`/,
    );
  });

  it('stores the mounts in .yo-rc.json as given, the source spelled ./', () => {
    const rc = JSON.parse(read(repo, '.yo-rc.json'))['generator-portal'];
    assert.deepEqual(rc.apps[0].devMounts, [
      { source: './src/api', target: '/srv/api', readOnly: true },
      { source: './src/lib', target: '/srv/lib' },
    ]);
    assert.deepEqual(rc.backendContract.devMounts, [{ source: './src/site', target: '/app' }]);
  });

  it('passes portal verify', async () => {
    const verify = await runPortal(['verify'], { cwd: repo });
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /, 0 failed, /);
  });

  it("portal app set changes the mount at a path, keeps the others and the user's edit of the dev override", async () => {
    const copy = freshFolder('devmounts-edit');
    cpSync(repo, copy, { recursive: true });
    const override = join(copy, 'docker-compose.override.yml');
    const text = readFileSync(override, 'utf8');
    assert.match(text, /\n {2}api:\n/);
    writeFileSync(override, text.replace(/\n {2}api:\n/, '\n  api:\n    working_dir: /srv/api\n'));
    const set = await runPortal(
      [
        'app',
        'set',
        'api',
        '--dev-mount',
        './src/api-v2:/srv/api:ro',
        '--dev-mount',
        './src/worker:/srv/worker',
        '--dev-command',
        'node',
        '--secret-seed',
        'x',
      ],
      { cwd: copy },
    );
    assert.equal(set.code, 0, set.stdout + set.stderr);
    const dev = config(copy, DEV);
    assert.equal(dev.services.api!.working_dir, '/srv/api', "the user's edit stays");
    assert.deepEqual(
      binds(dev.services.api).map(v => typeof v === 'object' && [v.source, v.target, v.read_only === true]),
      [
        [join(copy, 'src/api-v2'), '/srv/api', true],
        [join(copy, 'src/lib'), '/srv/lib', false],
        [join(copy, 'src/worker'), '/srv/worker', false],
      ],
    );
    assert.deepEqual(dev.services.api!.command, ['node']);
    const dropped = await runPortal(['app', 'set', 'api', '--dev-mount', 'none', '--dev-command', 'none', '--secret-seed', 'x'], { cwd: copy });
    assert.equal(dropped.code, 0, dropped.stdout + dropped.stderr);
    const after = config(copy, DEV);
    assert.deepEqual(binds(after.services.api), []);
    assert.equal(after.services.api!.command, undefined);
    assert.equal(after.services.api!.working_dir, '/srv/api', "the user's edit stays");
    const rc = JSON.parse(read(copy, '.yo-rc.json'))['generator-portal'];
    assert.equal(rc.apps[0].devMounts, undefined);
    assert.equal(rc.apps[0].devCommand, undefined);
  });
});
