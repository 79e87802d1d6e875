import { DeckhandError, isDeckhandError } from '../core/errors.ts';

const MAX_REASON_LENGTH = 160;

/** Wraps a database failure so the person sees a short reason and the logs keep the original. */
export function storeError(error: unknown): DeckhandError {
  if (isDeckhandError(error)) return error;
  return new DeckhandError('store_failed', `Deckhand could not reach its database (${shortReason(error)}).`, {
    cause: error,
  });
}

/** Runs one store operation, turning whatever the driver throws into a DeckhandError. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw storeError(error);
  }
}

/** `guarded` for a synchronous operation (better-sqlite3): settles without waiting a turn. */
export function guardedSync<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
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
