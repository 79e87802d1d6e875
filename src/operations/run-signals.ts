/** Sleeps between polls, cut short when a webhook says a run changed. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const timerSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export class RunSignals {
  private readonly waiting = new Map<number, Set<() => void>>();

  constructor(private readonly sleep: Sleep) {}

  /** Resolves after `ms`, or earlier when `notify(runId)` is called. */
  async wait(runId: number, ms: number): Promise<void> {
    const controller = new AbortController();
    const wake = (): void => controller.abort();
    const set = this.waiting.get(runId) ?? new Set();
    set.add(wake);
    this.waiting.set(runId, set);
    try {
      await this.sleep(ms, controller.signal);
    } finally {
      set.delete(wake);
      if (set.size === 0) this.waiting.delete(runId);
    }
  }

  notify(runId: number): void {
    for (const wake of this.waiting.get(runId) ?? []) wake();
  }
}
