/**
 * Time for pacing Slack writes: a monotonic "now" and one-shot timers. Injected so tests step it
 * instead of sleeping.
 */
export interface Scheduler {
  /** Milliseconds on a monotonic clock; only differences matter. */
  now(): number;
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void;
}

export const timerScheduler: Scheduler = {
  now: () => performance.now(),
  after: (ms, fn) => {
    const timer = setTimeout(fn, ms);
    // A pending edit must not keep a stopping process alive; shutdown flushes cards explicitly.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
