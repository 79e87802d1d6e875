/**
 * Another process holding SQLite's write lock (a second Deckhand, `sqlite3` on the file, a backup)
 * makes a statement fail with SQLITE_BUSY. SQLite's own `busy_timeout` waits synchronously, which
 * in Node freezes every request, acknowledgement and health check for as long as it waits; so the
 * connection waits only `SQLITE_BUSY_TIMEOUT_MS` and this waits asynchronously between attempts.
 * A statement or transaction that fails with SQLITE_BUSY did not commit, so running it again is safe.
 */

/** How long one attempt may block the event loop inside SQLite, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 20;

/** The waits between attempts, in milliseconds: about 2.5 s in all, then the caller is told. */
const BACKOFF_MS = [10, 20, 40, 80, 160, 250, 400, 500, 500, 500];

/** True for SQLITE_BUSY and SQLITE_LOCKED, with their extended codes (SQLITE_BUSY_SNAPSHOT, …). */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code);
}

/** The message a person sees when the lock never came free. */
export const SQLITE_LOCKED_MESSAGE =
  'its database file is locked by another process (another Deckhand, or a sqlite3 shell on the file?)';

/**
 * Runs `attempt`, and again after a short asynchronous wait each time it fails with SQLITE_BUSY,
 * until it succeeds, fails otherwise, or the waits run out (then the last SQLITE_BUSY is thrown).
 */
export async function retryWhileBusy<T>(attempt: () => T | Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      const wait = BACKOFF_MS[i];
      if (!isSqliteBusy(error) || wait === undefined) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
