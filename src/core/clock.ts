/** Time comes in through this port so tests and the sandbox can drive it. */
export interface Clock {
  now(): Date;
}

/**
 * Where deadlines come from: an AbortSignal that aborts `ms` milliseconds from now with a
 * `TimeoutError` DOMException, exactly as `AbortSignal.timeout(ms)` does. Production uses real timers
 * (`realDeadlines`); tests pass a ManualClock, whose deadlines pass only when the test moves it.
 */
export interface Deadlines {
  deadline(ms: number): AbortSignal;
}

export const systemClock: Clock = { now: () => new Date() };

/** Deadlines on real timers (`AbortSignal.timeout`, which does not keep the process alive). */
export const realDeadlines: Deadlines = { deadline: (ms) => AbortSignal.timeout(ms) };

/** The clock's own deadlines when it keeps any (a ManualClock), else real ones. */
export function deadlinesOf(clock: Clock): Deadlines {
  return isDeadlines(clock) ? clock : realDeadlines;
}

function isDeadlines(value: unknown): value is Deadlines {
  return typeof (value as Partial<Deadlines> | null)?.deadline === 'function';
}

/** The reason a deadline aborts with, the same as `AbortSignal.timeout`'s. */
export function timeoutReason(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

/** A clock that only moves when told to; for tests. Its deadlines pass when it is moved past them. */
export class ManualClock implements Clock, Deadlines {
  private current: number;
  private pending: { at: number; controller: AbortController }[] = [];

  constructor(start: Date | string = '2026-01-05T10:00:00Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): void {
    this.current += ms;
    this.expire();
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
    this.expire();
  }

  deadline(ms: number): AbortSignal {
    const controller = new AbortController();
    if (ms <= 0) controller.abort(timeoutReason());
    else this.pending.push({ at: this.current + ms, controller });
    return controller.signal;
  }

  private expire(): void {
    const due = this.pending.filter((d) => d.at <= this.current);
    this.pending = this.pending.filter((d) => d.at > this.current);
    for (const d of due) d.controller.abort(timeoutReason());
  }
}
