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
