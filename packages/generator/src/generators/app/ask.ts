/**
 * The questions asked in a terminal. Each answer is checked when it is typed, by the checks its option
 * goes through (`validateAnswers`, then the model), and a refused one is asked again with what is allowed.
 */
import { defaultAnswers, validateAnswers, type RawAnswers } from '../../answers/answers.js';
import { PortalInputError } from '../../answers/input-error.js';
import { quoted } from '../../answers/quoted.js';
import { buildPortalModel } from '../../model/build-portal-model.js';
import { QUESTIONS, type Question } from './questions.js';

export type Prompt = (question: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * Asks every question not given and not ruled out by the answers so far; defaults follow those answers
 * (the domain from the name typed). Returns the answers with the defaults for the rest.
 */
export async function askQuestions(prompt: Prompt, known: RawAnswers, given: RawAnswers, folderName: string): Promise<RawAnswers> {
  const answered: RawAnswers = {};
  const current = (): RawAnswers => {
    const sofar = { ...known, ...answered };
    return { ...defaultAnswers(sofar, folderName), ...sofar };
  };
  for (const question of QUESTIONS) {
    const raw = current();
    if (question.key in given || (question.when && !question.when(raw))) continue;
    const answer = await prompt({
      ...question.prompt,
      name: question.key,
      default: raw[question.key],
      validate: (value: unknown) => problemWith(question, { ...raw, [question.key]: promptValue(value) }) ?? true,
    });
    answered[question.key] = answer[question.key];
  }
  return current();
}

/**
 * With a terminal, a bad value typed as an option (or read from a file no question covers) is refused
 * before the first question; a value a question will ask for is left to that question.
 */
export function refuseBadGivenAnswers(raw: RawAnswers, given: RawAnswers): void {
  const problem = inputError(() => buildPortalModel(validateAnswers(raw)));
  if (!problem) return;
  const asked = QUESTIONS.find(question => question.option === optionOf(problem));
  if (asked && !(asked.key in given)) return;
  PortalInputError.pending = true;
  throw problem;
}

/**
 * What is wrong with the answer to `question` among `answers`, said for the question's prompt; undefined
 * when nothing is, or when the fault is another answer's (its own question, or the final check, says so).
 */
export function problemWith(question: Question, answers: RawAnswers): string | undefined {
  const problem = inputError(() => buildPortalModel(validateAnswers(answers)));
  if (!problem || optionOf(problem) !== question.option) return undefined;
  const culprit = problem.culprit;
  if (culprit) return `${quoted(culprit.value)} is not allowed: expected ${culprit.allowed}.`;
  return problem.message.replace(/^Invalid --[a-z-]+ /, 'Not allowed: ');
}

/** The input error `step` throws, if any, without marking one as on its way to the user; any other is the final check's. */
function inputError(step: () => unknown): PortalInputError | undefined {
  const pending = PortalInputError.pending;
  try {
    step();
    return undefined;
  } catch (error) {
    return error instanceof PortalInputError ? error : undefined;
  } finally {
    PortalInputError.pending = pending;
  }
}

/** The option an error names: from `fail()`, or the first words of a message written by hand. */
const optionOf = (error: PortalInputError): string | undefined => error.culprit?.option ?? /^Invalid --([a-z][a-z-]*)/.exec(error.message)?.[1];

/** A checkbox validates the chosen entries, an input its text: both as the answer the option would give. */
const promptValue = (value: unknown): unknown =>
  Array.isArray(value) ? value.map(item => (item !== null && typeof item === 'object' && 'value' in item ? (item as { value: unknown }).value : item)) : value;
