import type { Scheduler } from '../../src/surfaces/slack/scheduler.ts';

/** Timers that fire only when the test moves time on: pacing without sleeping. */
export class ManualScheduler implements Scheduler {
  private current = 0;
  private readonly timers = new Set<{ at: number; fn: () => void }>();

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.current + ms, fn };
    this.timers.add(timer);
    return () => this.timers.delete(timer);
  }

  /** Moves time on and runs every timer now due, earliest first. */
  advance(ms: number): void {
    this.current += ms;
    const due = [...this.timers].filter((t) => t.at <= this.current).sort((a, b) => a.at - b.at);
    for (const timer of due) {
      this.timers.delete(timer);
      timer.fn();
    }
  }

  get pending(): number {
    return this.timers.size;
  }
}
