import { DeckhandError, isDeckhandError } from '../core/errors.ts';
import { isSqliteBusy, retryWhileBusy, SQLITE_LOCKED_MESSAGE } from './sqlite-busy.ts';

const MAX_REASON_LENGTH = 160;

/** Wraps a database failure so the person sees a short reason and the logs keep the original. */
export function storeError(error: unknown): DeckhandError {
  if (isDeckhandError(error)) return error;
  if (isSqliteBusy(error)) {
    return new DeckhandError(
      'store_failed',
      `Deckhand could not write: ${SQLITE_LOCKED_MESSAGE}. Try again in a moment.`,
      {
        cause: error,
      },
    );
  }
  return new DeckhandError('store_failed', `Deckhand could not reach its database (${shortReason(error)}).`, {
    cause: error,
  });
}

/**
 * Runs one store operation, turning whatever the driver throws into a DeckhandError. An operation
 * is one statement or one transaction, so one that SQLite refused as busy is tried again (see
 * `retryWhileBusy`).
 */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await retryWhileBusy(operation);
  } catch (error) {
    throw storeError(error);
  }
}

/**
 * `guarded` for a synchronous operation (better-sqlite3): settles without waiting a turn, unless
 * SQLite was busy and it must wait to try again.
 */
export function guardedSync<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    if (isSqliteBusy(error)) return guarded(() => Promise.resolve(operation()));
    return Promise.reject(storeError(error));
  }
}

function shortReason(error: unknown): string {
  let reason: string;
  if (error instanceof Error) {
    reason = error.message;
    // pg reports a refused connection to every resolved address as an AggregateError with no message.
    if (reason === '' && error instanceof AggregateError) {
      const first: unknown = error.errors[0];
      reason = first instanceof Error ? first.message : '';
    }
    if (reason === '') reason = codeOf(error) ?? error.name;
  } else {
    reason = String(error);
  }
  const firstLine = reason.split('\n', 1)[0] ?? reason;
  return firstLine.length > MAX_REASON_LENGTH ? `${firstLine.slice(0, MAX_REASON_LENGTH - 1)}…` : firstLine;
}

function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
