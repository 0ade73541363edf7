/** The options of `portal` / `yo portal`, declared once: to Yeoman by generator.ts, parsed by cli/fast-app.ts. */
import { PRESET_IDS } from '../../answers/answers.js';
import { QUESTIONS } from './questions.js';

export interface AppOption {
  readonly name: string;
  readonly type: typeof String | typeof Boolean | typeof Array;
  readonly description: string;
  readonly default?: boolean;
  readonly hide?: boolean;
}

export const APP_OPTIONS: readonly AppOption[] = [
  { name: 'yes', type: Boolean, description: 'Take the default (or stored) answer for everything not given', default: false },
  ...QUESTIONS.map(question => ({ name: question.option, type: question.type, description: question.description })),
  { name: 'preset', type: String, description: `Start from a known deployment: ${PRESET_IDS.join(' | ')}; other options override it` },
  { name: 'image-tag', type: String, description: 'With a preset that runs in-house images: their pinned release tag' },
  { name: 'answers', type: String, description: 'JSON file of answers (or a .yo-rc.json); options given on the command line win' },
  { name: 'force', type: Boolean, description: 'Take the new version of edited files that cannot be merged', default: false },
  { name: 'dry-run', type: Boolean, description: 'Print the changes as a diff and write nothing', default: false },
  { name: 'skip-git', type: Boolean, description: 'Do not make a git repository with a first commit of a new portal', default: false },
  { name: 'keep-secrets', type: Boolean, description: 'Keep the .env lines and secret files of removed services', hide: true },
  { name: 'added-by', type: String, description: 'Command named in .env for the variables it adds', hide: true },
  { name: 'secret-seed', type: String, description: 'Tests only: derive secrets from this seed (insecure)', hide: true },
];

const camel = (option: string): string => option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/**
 * The options as Yeoman gives them to the generator (camelCase keys, Boolean defaults), for a command line
 * of `--name value`, `--name=value` and `--flag` only. Anything else (a word, a short flag, an option
 * Yeoman adds of its own) is undefined: Yeoman's parser reads it and words its refusal.
 */
export function parseAppOptions(args: readonly string[]): Record<string, unknown> | undefined {
  const options: Record<string, unknown> = {};
  for (const option of APP_OPTIONS) if (option.default !== undefined) options[camel(option.name)] = option.default;
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (!arg.startsWith('--') || arg === '--') return undefined;
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const spec = APP_OPTIONS.find(option => option.name === name);
    if (!spec) return undefined;
    if (spec.type === Boolean) {
      if (equals >= 0) return undefined;
      options[camel(name)] = true;
    } else if (spec.type === String) {
      const value = equals >= 0 ? arg.slice(equals + 1) : args[++index];
      if (value === undefined || (equals < 0 && value.startsWith('-'))) return undefined;
      options[camel(name)] = value;
    } else return undefined;
  }
  return options;
}
