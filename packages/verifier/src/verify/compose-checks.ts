/** docker-compose 1.29 `config` on each combination, the compose-spec schema (ajv), and dclint. */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { checkContext, failed, passed, skipped, type Check, type CheckResult } from '../checks/check.js';
import { composeCommand } from '../checks/compose-config.js';
import { firstLines, runTool } from '../checks/run-tool.js';
import { tempDir } from './namespace.js';
import { runnerFor } from './runner.js';
import { composeSchemaPath, missing, tool } from '../checks/tools.js';

export const COMPOSE_FILES = ['docker-compose.yml', 'docker-compose.override.yml', 'docker-compose.prod.yml'] as const;
const hasCompose = (repo: string) => existsSync(join(repo, 'docker-compose.yml'));

/** Deployment instances: `instances/<name>.yml` on top of base + prod, with their own env file. */
export const instanceNames = (repo: string): string[] =>
  existsSync(join(repo, 'instances'))
    ? readdirSync(join(repo, 'instances'))
        .filter(file => file.endsWith('.yml'))
        .map(file => file.slice(0, -'.yml'.length))
        .sort()
    : [];

/** The compose files of the repo as written: base, overrides and instance files. */
const composeSources = (repo: string): string[] => [
  ...COMPOSE_FILES.filter(f => existsSync(join(repo, f))),
  ...instanceNames(repo).map(name => `instances/${name}.yml`),
];

/** Every combination the scripts start: dev, prod, and prod + each instance (files and env file). */
function composeCombinations(repo: string): { name: string; args: string[] }[] {
  return [
    ...['docker-compose.override.yml', 'docker-compose.prod.yml'].map(override => ({
      name: `base + ${override}`,
      args: ['--env-file', '.env.example', '-f', 'docker-compose.yml', '-f', override],
    })),
    ...instanceNames(repo).map(instance => ({
      name: `base + prod + instances/${instance}.yml`,
      args: ['--env-file', `instances/${instance}.env.example`, '-f', 'docker-compose.yml', '-f', 'docker-compose.prod.yml', '-f', `instances/${instance}.yml`],
    })),
  ];
}

export const composeConfigCheck: Check = {
  name: 'docker-compose config',
  applies: hasCompose,
  async run(repo, context = checkContext()) {
    // the runner says whether compose can run here (natively, or with an engine); the render is shared
    const command = runnerFor('docker-compose') && composeCommand();
    if (!command) return skipped(this.name, missing('docker-compose'));
    const results: CheckResult[] = [];
    for (const combination of composeCombinations(repo)) {
      const name = `docker-compose config (${combination.name})`;
      const run = await context.compose.config(command, repo, combination.args);
      const unset = run.stderr.split('\n').filter(line => line.includes('variable is not set'));
      if (run.code !== 0) results.push(failed(name, firstLines(run.output)));
      else if (unset.length > 0) results.push(failed(name, unset.join('\n')));
      else results.push(passed(name));
    }
    return results;
  },
};

export const composeSchemaCheck: Check = {
  name: 'compose-spec schema',
  applies: hasCompose,
  async run(repo) {
    const schemaPath = composeSchemaPath();
    if (!schemaPath) return skipped(this.name, missing('dclint'));
    const { Ajv } = await import('ajv');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // the upstream $schema URI is unknown to ajv; the draft-07 keywords it uses are the default
    delete schema.$schema;
    const validate = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true }).compile(schema);
    const problems: string[] = [];
    for (const file of composeSources(repo)) {
      const doc = parseDocument(readFileSync(join(repo, file), 'utf8'), { merge: true });
      if (doc.errors.length > 0) problems.push(`${file}: ${doc.errors[0]!.message}`);
      else if (!validate(doc.toJS())) {
        for (const error of validate.errors ?? []) problems.push(`${file}: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
      }
    }
    return problems.length ? failed(this.name, problems.join('\n')) : passed(this.name);
  },
};

/** Rules turned off: each conflicts with docker-compose 1.29 or with ordering we choose (see VALIDATORS). */
const DCLINT_CONFIG = {
  rules: {
    'require-project-name-field': 0,
    'service-keys-order': 0,
    'services-alphabetical-order': 0,
    'top-level-properties-order': 0,
    'require-quotes-in-ports': [2, { quoteType: 'double' }],
  },
};

export const dclintCheck: Check = {
  name: 'dclint',
  applies: hasCompose,
  async run(repo) {
    const binary = tool('dclint');
    if (!binary) return skipped(this.name, missing('dclint'));
    const config = join(tempDir('dclint'), 'dclintrc.json');
    writeFileSync(config, JSON.stringify(DCLINT_CONFIG));
    const files = composeSources(repo);
    // warnings count too: the generated files should be clean
    const run = await runTool(binary, ['-c', config, '--max-warnings', '0', ...files], { cwd: repo });
    return run.code === 0 ? passed(this.name) : failed(this.name, firstLines(run.output, 20));
  },
};
