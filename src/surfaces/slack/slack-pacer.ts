import type { Clock } from '../../core/clock.ts';

/**
 * Keeps Deckhand's writes within Slack's pace: about one new message per second per channel
 * (chat.postMessage's special rate limit) and about one edit per second per message
 * (https://api.slack.com/docs/rate-limits). It never waits itself: it says how long until a write may
 * go, and the card sink hands that back to its follower as a pause, so the write that finally goes
 * carries the newest state.
 *
 * Written by hand rather than with bottleneck or p-throttle: those queue calls and run them on the
 * process's timers, whereas a card must be rendered when its turn comes (not when it was queued) and
 * the tests and the bench run pacing on simulated time through the injected clock.
 */
/** Messages whose last write is remembered; far more than are edited within any one second. */
const MAX_TRACKED = 2000;

export class SlackPacer {
  private readonly nextNewMessageAt = new Map<string, number>();
  private readonly lastWriteAt = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly intervals: { editIntervalMs: number; channelIntervalMs: number },
  ) {}

  /** Milliseconds until a new message may be posted in `channel`; at 0 the slot is taken. */
  newMessage(channel: string): number {
    const now = this.clock.now().getTime();
    const next = this.nextNewMessageAt.get(channel) ?? now;
    if (next > now) return next - now;
    this.nextNewMessageAt.set(channel, now + this.intervals.channelIntervalMs);
    return 0;
  }

  /** Milliseconds until the message `key` may be edited again. */
  edit(key: string): number {
    const last = this.lastWriteAt.get(key);
    if (last === undefined) return 0;
    return Math.max(0, last + this.intervals.editIntervalMs - this.clock.now().getTime());
  }

  /** Records that the message `key` was just written. */
  wrote(key: string): void {
    this.lastWriteAt.delete(key);
    this.lastWriteAt.set(key, this.clock.now().getTime());
    // Kept bounded: the oldest writes are long past their interval.
    if (this.lastWriteAt.size > MAX_TRACKED) {
      for (const old of [...this.lastWriteAt.keys()].slice(0, MAX_TRACKED / 2)) this.lastWriteAt.delete(old);
    }
  }
}
