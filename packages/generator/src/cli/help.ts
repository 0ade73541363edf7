/**
 * `portal --help` and `portal <command> --help`: usage, what the command does, its options and examples.
 * Options come from the generator itself, the text and examples from its USAGE file (what
 * `yo portal:<command> --help` prints), so the two helps cannot drift apart.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HelpOption {
  readonly name: string;
  readonly type: unknown;
  readonly description?: string;
  readonly default?: unknown;
  readonly hide?: boolean;
  readonly alias?: string;
}

export interface HelpArgument {
  readonly name: string;
  readonly description?: string;
}

/** What `--help` reads from an instantiated generator. */
export interface HelpSource {
  readonly _options: Record<string, HelpOption>;
  readonly _arguments: readonly HelpArgument[];
}

/** Options every Yeoman generator has: they install or remember nothing here. */
const YEOMAN_OPTIONS = new Set(['help', 'skip-cache', 'skip-install', 'force-install', 'ask-answered']);

/** Each command's label and one line for `portal --help`, and its usage lines. */
const COMMANDS: Record<string, { readonly label: string; readonly summary: string; readonly usage: readonly string[] }> = {
  app: { label: '', summary: '', usage: ['portal [options]', 'portal <command> [arguments] [options]'] },
  add: {
    label: 'add <service...>',
    summary: 'add services, or an app from its image (add app <id>); app set <id> changes one',
    usage: ['portal add <service...> [options]', 'portal add app <id> --image <image:tag> --port <port> [options]', 'portal app set <id> [options]'],
  },
  remove: {
    label: 'remove <service...>',
    summary: 'remove services; their data is kept unless --delete-data',
    usage: ['portal remove <service...> [--delete-data] [--dry-run]'],
  },
  instance: {
    label: 'instance add|remove|list',
    summary: 'deployments (staging, a country) with their own env, secrets, data and domain',
    usage: ['portal instance add <name> --domain <domain>', 'portal instance remove <name>', 'portal instance list'],
  },
  import: {
    label: 'import <folder|files...>',
    summary: 'in an empty folder: answers that rebuild an existing compose deployment',
    usage: ['portal import <folder | compose-file...> [--image-tag <tag>] [--ports <name=port,...>]'],
  },
  doctor: { label: 'doctor', summary: 'list generated files you edited or deleted, stale ones and unneeded ones', usage: ['portal doctor'] },
  verify: { label: 'verify', summary: 'check the portal with the real validators and the hardening checklist', usage: ['portal verify [--checklist-only]'] },
  secrets: {
    label: 'secrets',
    summary: 'fill missing secrets, or --rotate them',
    usage: ['portal secrets [--rotate] [--only <name,...>] [--instance <name>]'],
  },
};

const BIN_OPTIONS: readonly [string, string][] = [
  ['--out <folder>', 'Run in this folder (created if needed) instead of the current one'],
  ['-h, --help', 'Show this help'],
];

export function helpText(command: string, generator: HelpSource, usageFile: string, width = 100): string {
  const { description, examples } = readUsage(usageFile);
  const known = COMMANDS[command];
  const usage = known?.usage ?? [`portal ${command} [options]`];
  const blocks: string[] = [usage.map((line, index) => `${index === 0 ? 'Usage: ' : '       '}${line}`).join('\n')];
  if (description) blocks.push(description);
  if (command === 'app') {
    const names = Object.keys(COMMANDS).filter(name => name !== 'app');
    blocks.push(
      section(
        'Commands:',
        names.map(name => [COMMANDS[name]!.label, COMMANDS[name]!.summary]),
        width,
      ),
    );
  }
  const args = generator._arguments.filter(arg => arg.description).map(arg => [`<${arg.name}>`, arg.description!] as [string, string]);
  if (args.length > 0) blocks.push(section('Arguments:', args, width));
  const options = Object.values(generator._options)
    .filter(option => !option.hide && !YEOMAN_OPTIONS.has(option.name))
    .map(option => [flag(option), describe(option)] as [string, string]);
  const own: [string, string][] = command === 'app' ? [...BIN_OPTIONS, ['-V, --version', 'Print the version']] : [...BIN_OPTIONS];
  blocks.push(section('Options:', [...options, ...own], width));
  if (examples.length > 0) blocks.push(`Examples:\n${examples.map(line => `  ${line}`).join('\n')}`);
  const footer =
    command === 'app'
      ? "Run 'portal <command> --help' for a command's options. In a terminal, portal asks for what is not given; --yes takes the defaults. 'yo portal' runs the same generator (not as root)."
      : `'yo portal:${command}' runs the same command (not as root).`;
  blocks.push(wrap(footer, width).join('\n'));
  return `${blocks.join('\n\n')}\n`;
}

/** The USAGE file's Description and Examples, unindented, as portal commands. */
function readUsage(file: string): { description: string; examples: string[] } {
  if (!existsSync(file)) return { description: '', examples: [] };
  const text = readFileSync(file, 'utf8');
  const part = (title: RegExp) => {
    const match = title.exec(text);
    if (!match) return [];
    const rest = text.slice(match.index + match[0].length).split('\n');
    const end = rest.findIndex(line => /^\S/.test(line));
    return (end < 0 ? rest : rest.slice(0, end)).map(line => line.replace(/^ {4}/, '').trimEnd());
  };
  const description = part(/^Description:\n/m)
    .join('\n')
    .trim();
  const seen = new Set<string>();
  const examples = part(/^Examples?:\n/m)
    // `yo portal:<command>` repeats a portal example (the footer names yo); `yo portal` is the app's own
    .filter(line => line !== '' && !line.startsWith('yo portal:'))
    .map(line => line.replace(/^yo portal\b/, 'portal'))
    .filter(line => {
      // `yo portal --yes` and `portal --yes` are one example here
      const key = line.split(/ {2,}/)[0]!.trim();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return { description, examples };
}

function flag(option: HelpOption): string {
  const alias = option.alias ? `-${option.alias}, ` : '';
  const value = option.type === Boolean ? '' : option.type === Array ? ' <value...>' : ' <value>';
  return `${alias}--${option.name}${value}`;
}

function describe(option: HelpOption): string {
  const text = option.description ?? '';
  const shown = option.default !== undefined && option.default !== false && !/\(default/.test(text);
  return shown ? `${text} (default: ${String(option.default)})` : text;
}

/** Two columns; a long flag puts its text on the next line, long text wraps under its column. */
function section(title: string, rows: readonly (readonly [string, string])[], width: number): string {
  const column = Math.min(32, Math.max(...rows.map(([left]) => left.length)) + 4);
  const lines = [title];
  for (const [left, right] of rows) {
    const wrapped = wrap(right, Math.max(30, width - column));
    if (left.length + 4 > column) {
      lines.push(`  ${left}`);
      lines.push(...wrapped.map(line => ' '.repeat(column) + line));
    } else {
      lines.push(`  ${left.padEnd(column - 2)}${wrapped[0] ?? ''}`, ...wrapped.slice(1).map(line => ' '.repeat(column) + line));
    }
  }
  return lines.join('\n');
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export const usageFileOf = (generatorsRoot: string, command: string) => join(generatorsRoot, command, 'USAGE');
