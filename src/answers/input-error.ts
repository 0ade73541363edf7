/** An error in what the user gave us: printed as one line, never with a stack trace. */
export class PortalInputError extends Error {
  override readonly name = 'PortalInputError';

  /** Set while an input error travels up through Yeoman, so its generic error line can be left out. */
  static pending = false;

  static guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (error instanceof PortalInputError) PortalInputError.pending = true;
      throw error;
    }
  }
}

/**
 * Yeoman prints "An error occured while running ..." before passing an error on; for errors that already
 * explain themselves in one line (PortalInputError.pending set) that line is noise.
 */
export function quietOnExplainedErrors(log: { error: (...args: unknown[]) => unknown }): void {
  const error = log.error.bind(log);
  log.error = (...args: unknown[]) => {
    if (PortalInputError.pending && String(args[0]).startsWith('An error occured while running')) return undefined;
    return error(...args);
  };
}
