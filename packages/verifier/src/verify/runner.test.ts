/** Without native tools but with a Docker engine, validators run in the official images, with the same files. */
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { IMAGES } from 'generator-portal/catalog/images.js';
import { freshFolder } from 'generator-portal/testing/generate.js';
import { dockerArgs, DOCKER_TOOLS } from './runner.js';

describe('validators in Docker images', () => {
  it('runs nginx -t in the image the stack runs, with the config mounted and service names resolvable', () => {
    const args = dockerArgs(IMAGES.nginx, 'nginx', ['-t', '-c', '/etc/nginx/nginx.conf'], {
      cwd: '/repo',
      mounts: [['/tmp/x/etc', '/etc/nginx']],
      hosts: ['backend', 'varnish'],
    });
    assert.deepEqual(args.slice(0, 4), ['run', '--rm', '--network', 'none']);
    assert.ok(args.join(' ').includes('-v /repo:/repo:ro'));
    assert.ok(args.join(' ').includes('-v /tmp/x/etc:/etc/nginx'));
    assert.ok(args.join(' ').includes('--add-host backend:127.0.0.1 --add-host varnish:127.0.0.1'));
    assert.deepEqual(args.slice(-6), ['--entrypoint', 'nginx', IMAGES.nginx, '-t', '-c', '/etc/nginx/nginx.conf']);
  });

  it('pins every image it would pull', () => {
    for (const { image } of Object.values(DOCKER_TOOLS)) assert.match(image, /:[^:]*\d[^:]*$/, image);
  });

  it('is chosen when the native tool is missing and docker answers', () => {
    // PATH without /usr/sbin hides Debian's varnishd; a fake docker answers `info` and records each call
    const bin = freshFolder('bin');
    const log = join(bin, 'calls');
    writeFileSync(join(bin, 'docker'), `#!/bin/sh\necho "$*" >> ${log}\n`);
    chmodSync(join(bin, 'docker'), 0o755);
    const runner = pathToFileURL(join(import.meta.dirname, 'runner.js')).href;
    const script = `const { runnerFor } = await import(${JSON.stringify(runner)});
      const varnishd = runnerFor('varnishd');
      await varnishd.run(['-C', '-f', '/tmp/v.vcl'], { cwd: ${JSON.stringify(bin)}, hosts: ['backend'] });
      console.log(varnishd.via, String(runnerFor('no-such-tool')));`;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: `${bin}:/usr/bin:/bin` } });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), 'docker undefined');
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    assert.match(calls[0]!, /^info /);
    assert.ok(calls[1]!.endsWith(`--add-host backend:127.0.0.1 -w ${bin} --entrypoint varnishd ${IMAGES.varnish} -C -f /tmp/v.vcl`), calls[1]);
  });
});
