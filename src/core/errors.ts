/** An error whose message is meant for the user: it says what is wrong and how to fix it. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    /** Process exit code when this ends a command. */
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A decision was asked for a call that is not (or no longer) pending. */
export class NotPendingError extends UserError {
  override name = 'NotPendingError';
  constructor(
    readonly id: string,
    readonly state: 'unknown' | 'decided',
  ) {
    super(
      state === 'decided'
        ? `Call ${id} was already decided; a second decision is refused.`
        : `No pending call with id ${id}. Run \`cco pending\` to see the ids.`,
    );
  }
}
