/** Checks of individual files: shell, YAML, Prometheus, Dockerfiles, Python and Node sources, JSON. */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { failed, passed, skipped, type Check, type CheckResult } from '../checks/check.js';
import { tempDir } from './namespace.js';
import { repoFiles } from '../checks/repo-files.js';
import { firstLines, runTool } from '../checks/run-tool.js';
import { runnerFor } from './runner.js';
import { missing } from '../checks/tools.js';

/** Files of the repo (relative paths) whose names match, in a stable order. */
export const filesMatching = (repo: string, pattern: RegExp): string[] => repoFiles(repo, path => pattern.test(basename(path)), { followLinks: true });

/** A check that runs one tool over all files of a kind. */
function fileToolCheck(name: string, binaryName: string, pattern: RegExp, args: (files: string[], repo: string) => string[]): Check {
  return {
    name,
    applies: repo => filesMatching(repo, pattern).length > 0,
    async run(repo) {
      const runner = runnerFor(binaryName);
      if (!runner) return skipped(name, missing(binaryName));
      const files = filesMatching(repo, pattern);
      const run = await runner.run(args(files, repo), { cwd: repo });
      return run.code === 0 ? passed(name, `${files.length} files`) : failed(name, firstLines(run.output, 25));
    },
  };
}

export const shellcheckCheck = fileToolCheck('shellcheck', 'shellcheck', /\.sh$/, files => ['-S', 'warning', '-x', ...files]);

const YAMLLINT_CONFIG = `extends: default
rules:
  document-start: disable
  line-length: {max: 160, allow-non-breakable-inline-mappings: true}
  truthy: {allowed-values: ['true', 'false'], check-keys: false}
  comments: {min-spaces-from-content: 1}
  indentation: {spaces: 2, indent-sequences: consistent}
`;

export const yamllintCheck = fileToolCheck('yamllint', 'yamllint', /\.ya?ml$/, files => {
  const config = join(tempDir('yamllint'), 'yamllint.yml');
  writeFileSync(config, YAMLLINT_CONFIG);
  // a Helm chart's templates are Go templates, YAML only once rendered: helm lint --strict checks them
  return ['-s', '-c', config, ...files.filter(file => !HELM_TEMPLATE.test(file))];
});

const HELM_TEMPLATE = /^deploy\/helm\/[^/]+\/templates\//;

export const promtoolCheck: Check = {
  name: 'promtool',
  applies: repo => filesMatching(repo, /^prometheus\.yml$/).length > 0,
  async run(repo) {
    const promtool = runnerFor('promtool');
    if (!promtool) return skipped(this.name, missing('promtool'));
    const config = await promtool.run(['check', 'config', '--syntax-only', 'prometheus/prometheus.yml'], { cwd: repo });
    // rule_files point at container paths, which match nothing here: check the rules directly
    const rules = filesMatching(join(repo, 'prometheus'), /\.ya?ml$/)
      .filter(f => f.startsWith('rules/'))
      .map(f => join('prometheus', f));
    const ruleRun = await promtool.run(['check', 'rules', ...rules], { cwd: repo });
    const results: CheckResult[] = [
      config.code === 0 ? passed('promtool check config') : failed('promtool check config', firstLines(config.output)),
      ruleRun.code === 0 ? passed('promtool check rules', `${rules.length} files`) : failed('promtool check rules', firstLines(ruleRun.output)),
    ];
    return results;
  },
};

export const dockerfileSyntaxCheck = fileToolCheck('dockerfile-utils lint', 'dockerfile-utils', /^Dockerfile/, files => ['lint', ...files]);

/** Every generated Python file compiles (with Debian's python3, the one that has celery). */
export const pythonCheck: Check = {
  name: 'python3 compiles the backend',
  applies: repo => filesMatching(repo, /\.py$/).length > 0,
  async run(repo) {
    const python = '/usr/bin/python3';
    const files = filesMatching(repo, /\.py$/);
    const run = await runTool(python, ['-c', 'import ast, sys\nfor f in sys.argv[1:]: ast.parse(open(f).read(), f)', ...files], { cwd: repo });
    if (run.code === 127) return skipped(this.name, missing('python3'));
    return run.code === 0 ? passed(this.name, `${files.length} files`) : failed(this.name, firstLines(run.output));
  },
};

/** The Celery app imports with the real Celery and carries the reliability settings. */
export const celeryCheck: Check = {
  name: 'celery app loads',
  applies: repo => filesMatching(repo, /^(celery|worker)\.py$/).length > 0,
  async run(repo) {
    const [appFile] = filesMatching(repo, /^(celery|worker)\.py$/);
    const module = appFile!
      .replace(/^backend\//, '')
      .replace(/\.py$/, '')
      .replace(/\//g, '.');
    const script = [
      'import importlib, json, sys',
      `app = importlib.import_module("${module}").app`,
      'keys = ["task_acks_late", "task_reject_on_worker_lost", "worker_prefetch_multiplier", "task_time_limit", "accept_content"]',
      // what a worker does at start: import the listed task modules, then see which tasks exist
      'for name in app.conf.include: importlib.import_module(name)',
      'conf = {k: app.conf[k] for k in keys}',
      'conf["tasks"] = sorted(t for t in app.tasks if not t.startswith("celery."))',
      'print(json.dumps(conf))',
    ].join('\n');
    const env = { ...process.env, PYTHONPATH: join(repo, 'backend'), TASK_BROKER: 'redis', REDIS_HOST: 'localhost', REDIS_PASSWORD: 'x' };
    const run = await runTool('/usr/bin/python3', ['-c', script], { cwd: repo, env });
    if (run.code !== 0 && /No module named 'celery'/.test(run.output)) return skipped(this.name, missing('python3'));
    if (run.code !== 0) return failed(this.name, firstLines(run.output));
    const conf = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    const ok = conf.task_acks_late === true && conf.task_reject_on_worker_lost === true && conf.worker_prefetch_multiplier === 1;
    if (!ok) return failed(this.name, `reliability settings missing: ${JSON.stringify(conf)}`);
    const tasks = conf.tasks as string[];
    return tasks.length > 0 ? passed(this.name) : failed(this.name, 'the worker would register no task: app.conf.include names no task module');
  },
};

export const nodeCheck: Check = {
  name: 'node --check',
  applies: repo => filesMatching(repo, /\.js$/).length > 0,
  async run(repo) {
    for (const file of filesMatching(repo, /\.js$/)) {
      const run = await runTool(process.execPath, ['--check', file], { cwd: repo });
      if (run.code !== 0) return failed(this.name, `${file}: ${firstLines(run.output)}`);
    }
    return passed(this.name);
  },
};

export const jsonCheck: Check = {
  name: 'JSON parses',
  applies: repo => filesMatching(repo, /\.json$/).length > 0,
  async run(repo) {
    for (const file of filesMatching(repo, /\.json$/)) {
      try {
        JSON.parse(readFileSync(join(repo, file), 'utf8'));
      } catch (error) {
        return failed(this.name, `${file}: ${(error as Error).message}`);
      }
    }
    return passed(this.name);
  },
};
