/** nginx -t and varnishd -C on the generated files, at their container paths, with service names resolvable. */
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { failed, passed, skipped, type Check, type CheckResult } from '../checks/check.js';
import { composeServiceNames, tempDir } from './namespace.js';
import { throwawayCertificate } from './throwaway-certificate.js';
import { firstLines } from '../checks/run-tool.js';
import { runnerFor } from './runner.js';
import { missing } from '../checks/tools.js';

export const nginxCheck: Check = {
  name: 'nginx -t',
  applies: repo => existsSync(join(repo, 'nginx', 'nginx.conf')),
  async run(repo) {
    const nginx = runnerFor('nginx');
    if (!nginx) return skipped(this.name, missing('nginx'));
    if (!nginx.canIsolate) return skipped(this.name, missing('unshare'));
    const work = tempDir('nginx');
    const etc = join(work, 'etc');
    mkdirSync(join(etc, 'conf.d'), { recursive: true });
    mkdirSync(join(etc, 'certs'));
    copyFileSync('/etc/nginx/mime.types', join(etc, 'mime.types'));
    copyFileSync(join(repo, 'nginx', 'nginx.conf'), join(etc, 'nginx.conf'));
    cpSync(join(repo, 'nginx', 'snippets'), join(etc, 'snippets'), { recursive: true });
    await throwawayCertificate(join(etc, 'certs'));
    const hosts = composeServiceNames(repo);
    const results: CheckResult[] = [];
    for (const site of readdirSync(join(repo, 'nginx', 'sites')).sort()) {
      copyFileSync(join(repo, 'nginx', 'sites', site), join(etc, 'conf.d', 'default.conf'));
      const run = await nginx.run(['-q', '-t', '-c', '/etc/nginx/nginx.conf'], { cwd: repo, mounts: [[etc, '/etc/nginx']], hosts });
      const name = `nginx -t (sites/${site})`;
      results.push(run.code === 0 ? passed(name) : failed(name, firstLines(run.output)));
    }
    return results;
  },
};

export const varnishCheck: Check = {
  name: 'varnishd -C',
  applies: repo => existsSync(join(repo, 'varnish', 'default.vcl')),
  async run(repo) {
    const varnishd = runnerFor('varnishd');
    if (!varnishd) return skipped(this.name, missing('varnishd'));
    if (!varnishd.canIsolate) return skipped(this.name, missing('unshare'));
    // varnishd drops to its own user, which must be able to read the VCL: compile a copy in an open folder
    const work = tempDir('varnish');
    chmodSync(work, 0o755);
    const vcl = join(work, 'default.vcl');
    copyFileSync(join(repo, 'varnish', 'default.vcl'), vcl);
    chmodSync(vcl, 0o644);
    // the user's include sits next to it, as in the container
    if (existsSync(join(repo, 'varnish', 'custom.vcl'))) {
      copyFileSync(join(repo, 'varnish', 'custom.vcl'), join(work, 'custom.vcl'));
      chmodSync(join(work, 'custom.vcl'), 0o644);
    }
    const run = await varnishd.run(['-C', '-f', vcl, '-n', join(work, 'n')], { cwd: repo, hosts: composeServiceNames(repo) });
    // varnishd prints the generated C on success and the error on failure, both on stderr
    return run.code === 0 ? passed(this.name) : failed(this.name, firstLines(run.stderr.replace(/\/\*[\s\S]*$/, '')));
  },
};
