/**
 * The adapter `portal` uses without a terminal (CI, scripts, pipes): a file the user edited is kept, never
 * overwritten, and listed; any other question is an error that names it, instead of a hang.
 */
import { TerminalAdapter } from '@yeoman/adapter';
import { PortalInputError } from '../answers/input-error.js';

type Question = { name?: string; message?: unknown };

export class NonInteractiveAdapter extends TerminalAdapter {
  /** Files whose on-disk content differs from the new render and was kept. */
  readonly keptEdits: string[] = [];

  override async prompt<A extends Record<string, unknown>>(questions: unknown): Promise<A> {
    const list = (Array.isArray(questions) ? questions : [questions]) as Question[];
    const answers: Record<string, unknown> = {};
    for (const question of list) {
      const message = typeof question.message === 'string' ? question.message : String(question.name);
      const conflict = question.name === 'action' && /^Overwrite (.+)\?$/.exec(message);
      if (!conflict) throw new PortalInputError(`No terminal to answer "${message}": pass --yes and give answers as options.`);
      this.keptEdits.push(conflict[1]!);
      answers.action = 'skip';
    }
    return answers as A;
  }
}
