/** Errors that say all in their one line: Yeoman's own error line would only repeat them. */
const EXPLAINED = new Set(['PortalInputError', 'PortalFsError', 'PortalBusyError']);

/** An error in what the user gave us: printed as one line, never with a stack trace. */
export class PortalInputError extends Error {
  override readonly name = 'PortalInputError';

  /** For a question asked in a terminal: the option at fault, what was given and what is allowed. */
  constructor(
    message: string,
    readonly culprit?: { readonly option: string; readonly value: unknown; readonly allowed: string },
  ) {
    super(message);
    // thrown anywhere inside a Yeoman task, it explains itself
    PortalInputError.pending = true;
  }

  /** Set while an input error travels up through Yeoman, so its generic error line can be left out. */
  static pending = false;

  static guard<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      if (error instanceof Error && EXPLAINED.has(error.name)) PortalInputError.pending = true;
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

/** Another run holds the repo's lock longer than this one waits: nothing was read or written. */
export class PortalBusyError extends Error {
  override readonly name = 'PortalBusyError';

  constructor(message: string) {
    super(message);
    PortalInputError.pending = true;
  }
}

const WHY: Readonly<Record<string, string>> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EXDEV: 'it is on another mount',
  EMFILE: 'too many open files',
};

/** The disk refused a change (full, read-only, permissions): one line naming the path, and what became of the run. */
export class PortalFsError extends Error {
  override readonly name = 'PortalFsError';
  readonly code: string | undefined;

  constructor(error: unknown, path: string, outcome: string) {
    const code = (error as NodeJS.ErrnoException).code;
    super(`could not write ${path} (${(code && WHY[code]) ?? (error as Error).message}); ${outcome}.`);
    this.code = code;
    PortalInputError.pending = true;
  }
}
