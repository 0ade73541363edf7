/** An error in what the user gave us: printed as one line, never with a stack trace. */
export class PortalInputError extends Error {
  override readonly name = 'PortalInputError';
}
