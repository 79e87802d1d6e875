import type { ParamsRequest } from './message.ts';

/** Stable, machine-readable names for what went wrong; ERRORS says what each means. */
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
  | 'unknown_runbook'
  | 'runbook_invalid'
  | 'store_failed'
  | 'slack_failed'
  | 'github_failed'
  | 'github_timeout'
  | 'github_credentials_rejected'
  | 'github_installation_not_found'
  | 'github_permission_missing'
  | 'kubernetes_failed'
  | 'duplicate_request'
  | 'internal';

/**
 * What an error code means for the person who asked:
 * - `kind`: `refusal` when a rule said no (the audit log records `denied`), `invalid` when the request
 *   itself was wrong (`invalid`), `failure` when Deckhand or a system it uses failed (`failed`);
 * - `title`: what the reply's title says;
 * - `retryable`: whether trying the same thing again, unchanged, can help.
 */
export interface ErrorCodeInfo {
  kind: 'refusal' | 'invalid' | 'failure';
  title: string;
  retryable: boolean;
}

/**
 * Every error code and what it means, in the style of bolt-js's `src/errors.ts`. `satisfies` makes a
 * code without an entry (or an entry without a code) a type error.
 */
export const ERRORS = {
  unknown_command: { kind: 'invalid', title: 'Unknown command', retryable: false },
  invalid_arguments: { kind: 'invalid', title: 'That did not work', retryable: false },
  unknown_service: { kind: 'invalid', title: 'Unknown service', retryable: false },
  unknown_environment: { kind: 'invalid', title: 'Unknown environment', retryable: false },
  permission_denied: { kind: 'refusal', title: 'Not allowed', retryable: false },
  locked: { kind: 'refusal', title: 'Locked', retryable: false },
  frozen: { kind: 'refusal', title: 'Frozen', retryable: false },
  wrong_channel: { kind: 'refusal', title: 'Not from this channel', retryable: false },
  not_lock_holder: { kind: 'refusal', title: 'Not your lock', retryable: false },
  config_invalid: { kind: 'failure', title: 'Deckhand is not configured for this', retryable: false },
  config_not_found: { kind: 'failure', title: 'Deckhand has no configuration', retryable: false },
  unknown_runbook: { kind: 'invalid', title: 'Unknown runbook', retryable: false },
  runbook_invalid: { kind: 'failure', title: 'The runbook is invalid', retryable: false },
  store_failed: { kind: 'failure', title: 'Deckhand cannot reach its database', retryable: true },
  slack_failed: { kind: 'failure', title: 'Slack did not answer', retryable: true },
  github_failed: { kind: 'failure', title: 'GitHub did not do it', retryable: true },
  github_timeout: { kind: 'failure', title: 'GitHub did not answer in time', retryable: true },
  github_credentials_rejected: {
    kind: 'failure',
    title: 'GitHub refused Deckhand’s credentials',
    retryable: false,
  },
  github_installation_not_found: {
    kind: 'failure',
    title: 'GitHub App installation not found',
    retryable: false,
  },
  github_permission_missing: { kind: 'failure', title: 'GitHub permission missing', retryable: false },
  kubernetes_failed: { kind: 'failure', title: 'Kubernetes did not do it', retryable: true },
  duplicate_request: { kind: 'failure', title: 'Already answered', retryable: false },
  internal: { kind: 'failure', title: 'Something went wrong', retryable: false },
} as const satisfies Record<DeckhandErrorCode, ErrorCodeInfo>;

/** What an error code means: its kind, the reply's title, and whether trying again can help. */
export function errorInfo(code: DeckhandErrorCode): ErrorCodeInfo {
  return ERRORS[code];
}

/**
 * One error type for everything Deckhand reports to a person. `code` is stable and machine-readable,
 * `userMessage` is what the user sees (it says what went wrong and what to type instead), and the
 * upstream error, if any, stays in `cause` for the logs.
 */
export class DeckhandError extends Error {
  readonly code: DeckhandErrorCode;
  readonly userMessage: string;
  /**
   * What a surface can do about it besides showing the message: values a form can ask for (Slack
   * opens a modal for a runbook's missing parameters). The dispatcher puts it on the error's reply.
   */
  readonly ask: ParamsRequest | undefined;

  constructor(
    code: DeckhandErrorCode,
    userMessage: string,
    options?: { cause?: unknown; message?: string; ask?: ParamsRequest },
  ) {
    super(
      options?.message ?? userMessage,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'DeckhandError';
    this.code = code;
    this.userMessage = userMessage;
    this.ask = options?.ask;
  }
}

/** True for a DeckhandError (anything else thrown is a bug or an untranslated upstream error). */
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
