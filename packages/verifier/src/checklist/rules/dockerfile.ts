/** Our Dockerfiles (DF-*): non-root, pinned, multi-stage, HEALTHCHECK, no secrets in layers. */
import { spawnSync } from 'node:child_process';
import { tool } from '../../checks/tools.js';
import type { RepoView } from '../repo-view.js';
import { defineRule, type Rule } from '../types.js';
import { isJsonForm, lineage, runnableStages, stagesOf, type Stage, type Step } from './dockerfile-stages.js';

const dockerfiles = (repo: RepoView) => repo.files(/(^|\/)Dockerfile$/);
const hasDockerfiles = (repo: RepoView) => dockerfiles(repo).length > 0;
const FLOATING = /^(latest|stable|edge|test|nightly|dev|beta|canary|lts)$/;
const SECRET_NAME = /(PASS(WORD)?|SECRET|TOKEN|API_KEY|PRIVATE_KEY|CREDENTIALS?)$/i;
const BUILD_TOOLS = /\b(gcc|g\+\+|build-essential|make|[a-z0-9.+-]+-dev)\b/;

/** Runs `check` on every Dockerfile's stages; messages are prefixed with the file. */
function perDockerfile(repo: RepoView, check: (stages: Stage[], file: string) => string[]): string[] {
  return dockerfiles(repo).flatMap(file => check(stagesOf(repo.read(file)), file).map(message => `${file}: ${message}`));
}

const stepsOf = (stages: readonly Stage[], keyword: string): { stage: Stage; step: Step }[] =>
  stages.flatMap(stage => stage.steps.filter(s => s.keyword === keyword).map(step => ({ stage, step })));

const dfRule = (id: string, title: string, check: (stages: Stage[], file: string, repo: RepoView) => string[]): Rule =>
  defineRule({ id, group: 'dockerfile', title, applies: hasDockerfiles, findings: repo => perDockerfile(repo, (stages, file) => check(stages, file, repo)) });

export const DOCKERFILE_RULES: readonly Rule[] = [
  dfRule('DF-01', 'runnable stages end as a non-root USER', stages =>
    runnableStages(stages).flatMap(stage => {
      // the last USER of the nearest stage in the lineage that sets one
      const last = lineage(stages, stage)
        .map(s => s.steps.filter(step => step.keyword === 'USER').at(-1))
        .find(Boolean);
      return !last || /^(root|0)(:|$)/.test(last.args) ? [`stage ${stage.name} runs as root`] : [];
    }),
  ),
  dfRule('DF-02', 'base images pinned to a release tag', stages =>
    stages
      .filter(stage => !stages.some(s => s.name === stage.from) && stage.from !== 'scratch')
      .filter(stage => !stage.fromDigest && (!stage.fromTag || FLOATING.test(stage.fromTag)))
      .map(stage => `FROM ${stage.from}${stage.fromTag ? `:${stage.fromTag}` : ''} is not pinned`),
  ),
  dfRule('DF-03', 'COPY, not ADD', stages => stepsOf(stages, 'ADD').map(({ step }) => `line ${step.line}: ADD`)),
  dfRule('DF-04', 'HEALTHCHECK in every runnable stage (own or inherited), at most one per stage', stages => [
    ...runnableStages(stages)
      .filter(stage => !lineage(stages, stage).some(s => s.steps.some(step => step.keyword === 'HEALTHCHECK' && !/^NONE$/i.test(step.args))))
      .map(stage => `stage ${stage.name} has no HEALTHCHECK`),
    ...stages.filter(stage => stage.steps.filter(step => step.keyword === 'HEALTHCHECK').length > 1).map(stage => `stage ${stage.name} has two HEALTHCHECKs`),
  ]),
  dfRule('DF-05', 'apt-get: update with install, no recommends, lists removed', stages =>
    stepsOf(stages, 'RUN')
      .filter(({ step }) => /apt-get/.test(step.args))
      .filter(({ step }) => !/apt-get update[\s\S]*&&[\s\S]*apt-get install -y --no-install-recommends[\s\S]*rm -rf \/var\/lib\/apt\/lists/.test(step.args))
      .map(({ step }) => `line ${step.line}: apt-get without update, -y --no-install-recommends and list cleanup in one RUN`),
  ),
  defineRule({
    id: 'DF-06',
    group: 'dockerfile',
    title: 'no secrets in ENV/ARG/COPY; .dockerignore keeps .env, secrets/ and .git out',
    applies: hasDockerfiles,
    findings(repo) {
      const inFiles = perDockerfile(repo, stages =>
        [...stepsOf(stages, 'ENV'), ...stepsOf(stages, 'ARG')]
          .filter(({ step }) => step.args.split(/\s+/).some(word => SECRET_NAME.test(word.split('=')[0]!)))
          .map(({ step }) => `line ${step.line}: ${step.keyword} ${step.args.split(/[\s=]/)[0]} looks like a secret`),
      );
      const ignores = dockerfiles(repo).flatMap(file => {
        const ignore = file.replace(/Dockerfile$/, '.dockerignore');
        const lines = repo
          .readOr(ignore)
          .split('\n')
          .map(l =>
            l
              .trim()
              .replace(/^\*\*\//, '')
              .replace(/\/$/, ''),
          );
        const lacking = ['.env', 'secrets', '.git'].filter(entry => !lines.includes(entry));
        return lacking.length > 0 ? [`${ignore}: does not exclude ${lacking.join(', ')}`] : [];
      });
      return [...inFiles, ...ignores];
    },
  }),
  dfRule('DF-07', 'CMD and ENTRYPOINT in exec (JSON) form, at most one of each per stage', stages => [
    ...[...stepsOf(stages, 'CMD'), ...stepsOf(stages, 'ENTRYPOINT')]
      .filter(({ step }) => !isJsonForm(step.args))
      .map(({ step }) => `line ${step.line}: ${step.keyword} in shell form`),
    ...stages
      .filter(stage => ['CMD', 'ENTRYPOINT'].some(k => stage.steps.filter(s => s.keyword === k).length > 1))
      .map(stage => `stage ${stage.name} has more than one CMD or ENTRYPOINT`),
  ]),
  dfRule('DF-08', 'pipefail before RUN with a pipe; no curl | sh', stages =>
    stages.flatMap(stage => {
      let pipefail = false;
      return stage.steps.flatMap(step => {
        if (step.keyword === 'SHELL' && /pipefail/.test(step.args)) pipefail = true;
        if (step.keyword !== 'RUN') return [];
        if (/(curl|wget)[^|]*\|\s*(ba)?sh\b/.test(step.args)) return [`line ${step.line}: pipes a download into a shell`];
        return /[^|]\|[^|]/.test(step.args) && !pipefail && !/set -o pipefail/.test(step.args) ? [`line ${step.line}: RUN with a pipe and no pipefail`] : [];
      });
    }),
  ),
  dfRule('DF-09', 'absolute WORKDIR; no cd in RUN', stages => [
    ...stepsOf(stages, 'WORKDIR')
      .filter(({ step }) => !step.args.startsWith('/'))
      .map(({ step }) => `line ${step.line}: relative WORKDIR ${step.args}`),
    ...stepsOf(stages, 'RUN')
      .filter(({ step }) => /(^|&&|;)\s*cd\s/.test(step.args))
      .map(({ step }) => `line ${step.line}: cd in RUN`),
  ]),
  dfRule('DF-10', 'pip install --no-cache-dir -r pinned file; npm ci', stages =>
    stepsOf(stages, 'RUN').flatMap(({ step }) => [
      ...(/pip install/.test(step.args) && !/pip install --no-cache-dir -r \S+/.test(step.args)
        ? [`line ${step.line}: pip install without --no-cache-dir -r <requirements>`]
        : []),
      ...(/npm install\b/.test(step.args) ? [`line ${step.line}: npm install instead of npm ci`] : []),
    ]),
  ),
  dfRule('DF-11', 'multi-stage; no compilers or -dev packages in runnable stages', stages => [
    ...(stages.length < 2 ? ['single-stage build'] : []),
    ...runnableStages(stages).flatMap(stage =>
      lineage(stages, stage)
        .flatMap(s => s.steps.filter(step => step.keyword === 'RUN' && /(apt-get|apk) (install|add)/.test(step.args) && BUILD_TOOLS.test(step.args)))
        .map(step => `line ${step.line}: build tools in stage ${stage.name}'s lineage`),
    ),
  ]),
  dfRule('DF-12', 'useradd with --no-log-init (-l)', stages =>
    stepsOf(stages, 'RUN')
      .filter(({ step }) => /\buseradd\b/.test(step.args) && !/useradd[^&;]*(--no-log-init|\s-l\b)/.test(step.args))
      .map(({ step }) => `line ${step.line}: useradd without --no-log-init`),
  ),
  defineRule({
    id: 'DF-13',
    group: 'dockerfile',
    title: 'RUN bodies are shellcheck-clean',
    applies: repo => hasDockerfiles(repo) && tool('shellcheck') !== undefined,
    findings: repo =>
      perDockerfile(repo, stages =>
        stepsOf(stages, 'RUN')
          .filter(({ step }) => !isJsonForm(step.args))
          .flatMap(({ step }) => {
            const body = step.args.replace(/^(--mount=\S+\s+)+/, '');
            const run = spawnSync(tool('shellcheck')!, ['-s', 'sh', '-S', 'warning', '-f', 'gcc', '-'], { input: `${body}\n`, encoding: 'utf8' });
            return run.status === 0
              ? []
              : [
                  `line ${step.line}: ${run.stdout
                    .trim()
                    .split('\n')[0]!
                    .replace(/^-:\d+:\d+: /, '')}`,
                ];
          }),
      ),
  }),
  dfRule('DF-14', 'EXPOSE ports are valid; FROM (or ARG) first', (stages, file, repo) => [
    ...stepsOf(stages, 'EXPOSE').flatMap(({ step }) =>
      step.args
        .split(/\s+/)
        .filter(port => !/^\d+(\/(tcp|udp))?$/.test(port) || Number(port.split('/')[0]) < 1 || Number(port.split('/')[0]) > 65535)
        .map(port => `line ${step.line}: EXPOSE ${port}`),
    ),
    ...(/^(?:\s*(?:#.*)?\n)*\s*(FROM|ARG)\b/i.test(repo.read(file)) ? [] : ['the first instruction is not FROM or ARG']),
  ]),
];
