/**
 * One error type for everything Deckhand reports to a person. `code` is stable and machine-readable,
 * `userMessage` is what the user sees (it says what went wrong and what to type instead), and the
 * upstream error, if any, stays in `cause` for the logs.
 */
export type DeckhandErrorCode =
  | 'unknown_command'
  | 'invalid_arguments'
  | 'unknown_service'
  | 'unknown_environment'
  | 'permission_denied'
  | 'locked'
  | 'frozen'
  | 'wrong_channel'
  | 'not_lock_holder'
  | 'config_invalid'
  | 'config_not_found'
  | 'runbook_invalid'
  | 'store_failed'
  | 'slack_failed'
  | 'github_failed'
  | 'kubernetes_failed'
  | 'duplicate_request'
  | 'internal';

export class DeckhandError extends Error {
  readonly code: DeckhandErrorCode;
  readonly userMessage: string;

  constructor(code: DeckhandErrorCode, userMessage: string, options?: { cause?: unknown; message?: string }) {
    super(
      options?.message ?? userMessage,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'DeckhandError';
    this.code = code;
    this.userMessage = userMessage;
  }
}

export function isDeckhandError(error: unknown): error is DeckhandError {
  return error instanceof DeckhandError;
}

/** Turns anything thrown into a DeckhandError without losing the original. */
export function asDeckhandError(error: unknown): DeckhandError {
  if (isDeckhandError(error)) return error;
  return new DeckhandError('internal', 'Something went wrong inside Deckhand; the details are in its log.', {
    cause: error,
  });
}
