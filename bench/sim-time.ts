import { ManualClock } from '../src/core/clock.ts';
import type { Sleep } from '../src/operations/run-signals.ts';

interface Timer {
  at: number;
  fn: () => void;
}

/**
 * One simulated time for everything a deploy waits on: Deckhand's clock, the operations' sleeps and
 * the sinks' (a card waiting for its turn, a 429's Retry-After). Nothing waits in real time, so the
 * counts do not depend on the machine.
 */
export class SimTime {
  readonly clock: ManualClock;
  private readonly timers = new Set<Timer>();

  constructor(start: string) {
    this.clock = new ManualClock(start);
  }

  now(): number {
    return this.clock.now().getTime();
  }

  /** How operations and sinks wait; a webhook or an append aborts the signal and ends it early. */
  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted === true) return resolve();
      const cancel = this.add(ms, done);
      function done(): void {
        cancel();
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    });

  /** Operations and sinks parked in a sleep right now. */
  get sleeping(): number {
    return this.timers.size;
  }

  /** Moves the clock only; `fireDue` runs what is then due (after the simulators caught up). */
  advance(ms: number): void {
    this.clock.advance(ms);
  }

  /** Runs every timer due by now, earliest first, including ones that become due while running. */
  fireDue(): void {
    for (;;) {
      const now = this.now();
      const due = [...this.timers].filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
      if (due.length === 0) return;
      for (const t of due) {
        this.timers.delete(t);
        t.fn();
      }
    }
  }

  /** Wakes every sleep, so a shutdown does not leave operations parked. */
  wakeAll(): void {
    for (const t of [...this.timers]) {
      this.timers.delete(t);
      t.fn();
    }
  }

  private add(ms: number, fn: () => void): () => void {
    const timer: Timer = { at: this.now() + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }
}
