/** Sleeps between polls, cut short when a webhook says a run changed. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real time; the listener on `signal` is removed when the time is up, so long-lived signals do not leak. */
export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    signal?.addEventListener('abort', done, { once: true });
  });

/**
 * Wakes a run's poll when a webhook says the run changed, and hands over what it said, so the poll can
 * skip a request when the news needs none. A webhook that arrives while nobody waits is kept for the
 * next wait: the run's completion must never be lost between a read and the next sleep.
 */
export class RunSignals {
  private readonly waiting = new Map<number, Set<() => void>>();
  private readonly pending = new Map<number, string>();

  constructor(private readonly sleep: Sleep) {}

  /**
   * Resolves after `ms` with undefined, or earlier with the status a webhook reported. With `stop`:
   * rejects with its reason as soon as it is aborted (the operation was cancelled, or its step ran
   * out of time), so a waiting step ends at once.
   */
  async wait(runId: number, ms: number, stop?: AbortSignal): Promise<string | undefined> {
    stop?.throwIfAborted();
    const early = this.take(runId);
    if (early !== undefined) return early;
    const controller = new AbortController();
    const wake = (): void => controller.abort();
    const set = this.waiting.get(runId) ?? new Set();
    set.add(wake);
    this.waiting.set(runId, set);
    stop?.addEventListener('abort', wake, { once: true });
    try {
      await this.sleep(ms, controller.signal);
    } finally {
      stop?.removeEventListener('abort', wake);
      set.delete(wake);
      if (set.size === 0) this.waiting.delete(runId);
    }
    stop?.throwIfAborted();
    return this.take(runId);
  }

  notify(runId: number, status = 'unknown'): void {
    // "completed" is final news: a later "in_progress" delivered out of order must not hide it.
    if (this.pending.get(runId) !== 'completed') this.pending.set(runId, status);
    for (const wake of this.waiting.get(runId) ?? []) wake();
  }

  private take(runId: number): string | undefined {
    const status = this.pending.get(runId);
    this.pending.delete(runId);
    return status;
  }
}
