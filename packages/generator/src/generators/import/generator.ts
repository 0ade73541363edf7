/**
 * `portal import <folder | compose files...>` / `yo portal:import`: reads an old compose deployment and
 * stores the answers that rebuild it in this folder's .yo-rc.json (through the same journaled commit as every
 * run), then prints what became what. The mapping itself is pure (src/import/); this wires it to the repo.
 */
import { basename } from 'node:path';
import Generator, { type BaseOptions } from 'yeoman-generator';
import { defaultAnswers, validateAnswers, type RawAnswers } from '../../answers/answers.js';
import { PortalInputError, quietOnExplainedErrors } from '../../answers/input-error.js';
import { quoted } from '../../answers/quoted.js';
import { commitTransactionally, type CommitEnvironment } from '../../io/transactional-commit.js';
import { openRepo } from '../../io/repo-session.js';
import { realRoot } from '../../io/repo-paths.js';
import { importDeployment, reservedStackNames } from '../../import/import-deployment.js';
import { formatReport } from '../../import/report.js';

type ImportOptions = BaseOptions & { words?: unknown; imageTag?: string; ports?: string };

export default class ImportGenerator extends Generator<Record<string, unknown>, ImportOptions> {
  constructor(args: string[], options: ImportOptions) {
    // the commit task is given to super(), before `this` exists: it reaches the generator through `self`
    let self!: ImportGenerator; // eslint-disable-line prefer-const
    super(args, options, {
      customInstallTask: true,
      customCommitTask: () => commitTransactionally(self.env as unknown as CommitEnvironment, { root: self.destinationRoot() }),
    });
    self = this; // eslint-disable-line @typescript-eslint/no-this-alias
    openRepo(this, `portal import ${[args].flat().join(' ')}`.trim());
    this.argument('words', { type: Array, required: false, description: '<folder> or <compose file> [<compose file>...]' });
    this.option('image-tag', {
      type: String,
      description: 'Pinned release tag for in-house images with a floating or missing tag, and for build-only services',
    });
    this.option('ports', { type: String, description: 'Ports of containers whose files name none: name=port[,name=port]' });
  }

  initializing(): void {
    quietOnExplainedErrors(this.log);
    const { fileHashes: _hashes, ...stored } = this.config.getAll() as Record<string, unknown>;
    PortalInputError.guard(() => {
      if (Object.keys(stored).length > 0) {
        throw new PortalInputError(
          "Invalid portal import: this folder already holds a portal's .yo-rc.json; import into a new, empty folder (mkdir new && cd new && portal import ../old), or remove .yo-rc.json to start over.",
        );
      }
    });
    const words = Array.isArray(this.options.words) ? this.options.words.map(String) : [];
    const { answers, report } = PortalInputError.guard(() => {
      const result = importDeployment(words, process.cwd(), realRoot(this.destinationRoot()), {
        folderName: basename(this.destinationRoot()),
        ...(typeof this.options.imageTag === 'string' ? { imageTag: checkedTag(this.options.imageTag) } : {}),
        ports: parsePorts(this.options.ports),
        reservedNames: reservedStackNames(),
      });
      const raw: RawAnswers = { ...defaultAnswers(result.answers, basename(this.destinationRoot())), ...result.answers };
      return { answers: validateAnswers(raw), report: result.report };
    });
    this.config.set({ ...answers });
    process.stdout.write(`${formatReport(report)}\n\nAnswers written to .yo-rc.json. Next: portal --yes (then portal verify).\n`);
  }
}

function checkedTag(tag: string): string {
  if (!/^[\w][\w.-]{0,127}$/.test(tag) || ['latest', 'stable', 'edge', 'nightly', 'dev', 'main', 'master'].includes(tag)) {
    throw new PortalInputError(`Invalid --image-tag ${quoted(tag)}: expected a pinned release tag such as "2.3.1".`);
  }
  return tag;
}

function parsePorts(value: unknown): Map<string, number> {
  const ports = new Map<string, number>();
  if (value === undefined) return ports;
  for (const pair of String(value)
    .split(',')
    .map(p => p.trim())
    .filter(Boolean)) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)=(\d{1,5})$/.exec(pair);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535)
      throw new PortalInputError(`Invalid --ports ${quoted(pair)}: expected container=port, e.g. worker=5555.`);
    ports.set(match[1]!, Number(match[2]));
  }
  return ports;
}
