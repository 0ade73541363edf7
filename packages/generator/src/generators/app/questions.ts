/** The CLI options and terminal questions, read from the answers' declarations (src/answers/declarations.ts). */
import type { RawAnswers } from '../../answers/answers.js';
import { ANSWER_DECLARATIONS, type AnswerKey, type Prompt } from '../../answers/declarations.js';
import { fail } from '../../answers/extras.js';

export { serviceChoices, type Choice } from '../../answers/declarations.js';

export interface Question {
  readonly key: AnswerKey;
  readonly option: string;
  readonly type: typeof String | typeof Array;
  readonly description: string;
  /** A comma-separated list when given as an option. */
  readonly list: boolean;
  /** Asked only when this holds for the answers known so far. */
  readonly when?: (known: RawAnswers) => boolean;
  readonly prompt: Prompt;
}

/**
 * In the order `validateAnswers` checks them, so that when a question is asked every answer checked
 * before it is known (a default still to be asked cannot hide a fault in this one).
 */
export const QUESTIONS: readonly Question[] = ANSWER_DECLARATIONS.flatMap(({ key, option, question }) =>
  option && question
    ? [
        {
          key,
          option: option.name,
          // yeoman-environment's command parser gives values only to String and Array options
          type: String,
          description: option.help,
          list: option.list === true,
          ...(question.when ? { when: question.when } : {}),
          prompt: question.prompt,
        },
      ]
    : [],
);

const camel = (option: string): string => option.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Answers given as CLI options (Yeoman may key them in camelCase or as typed), keyed like the answers. */
export function answersFromOptions(options: Record<string, unknown>): RawAnswers {
  const given: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    const value = options[camel(question.option)] ?? options[question.option];
    if (value === undefined || value === null) continue;
    const isList = question.list;
    // `--services=` on a re-run would remove every service: an empty option is a typo, "none" is a choice
    if (typeof value === 'string' && value.split(/[\s,]+/).every(part => part === '')) {
      fail(question.option, value, isList ? 'a comma-separated list, or "none" for none' : 'a value');
    }
    given[question.key] = isList && typeof value === 'string' ? value.split(/[\s,]+/).filter(Boolean) : value;
  }
  return given;
}
