import { webApi } from '@slack/bolt';
import type { CardChat } from '../src/surfaces/slack/card-chat.ts';
import type { Scheduler } from '../src/surfaces/slack/scheduler.ts';

/** What production's WebClient does after a 429 (fiveRetriesInFiveMinutes), roughly. */
const MAX_RETRIES = 5;

/**
 * Production builds the cards' WebClient without `rejectRateLimitedCalls`: on a 429 it pauses its
 * whole queue for Retry-After seconds of real time and retries. The bench cannot wait in real time,
 * so its client rejects rate-limited calls and this does the same pause and retry on simulated time.
 */
export interface SimulatedRetryChat extends CardChat {
  /** Calls begun and not finished. */
  readonly active: number;
  /** Of those, the ones waiting out a Retry-After on simulated time (only a step can end that wait). */
  readonly paused: number;
}

export function retryOnSimulatedTime(inner: CardChat, scheduler: Scheduler): SimulatedRetryChat {
  let pausedUntil = Number.NEGATIVE_INFINITY;
  let active = 0;
  let paused = 0;
  const call = async <T>(attempt: () => Promise<T>): Promise<T> => {
    active++;
    try {
      for (let retries = 0; ; retries++) {
        const wait = pausedUntil - scheduler.now();
        if (wait > 0) {
          paused++;
          await new Promise<void>((resolve) => scheduler.after(wait, resolve)).finally(() => paused--);
        }
        try {
          return await attempt();
        } catch (error) {
          const retryAfter = rateLimitedFor(error);
          if (retryAfter === undefined || retries >= MAX_RETRIES) throw error;
          pausedUntil = Math.max(pausedUntil, scheduler.now() + retryAfter * 1000);
        }
      }
    } finally {
      active--;
    }
  };
  return {
    post: (channel, message, threadTs) => call(() => inner.post(channel, message, threadTs)),
    update: (location, message) => call(() => inner.update(location, message)),
    get active() {
      return active;
    },
    get paused() {
      return paused;
    },
  };
}

function rateLimitedFor(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; retryAfter?: unknown };
  return e.code === webApi.ErrorCode.RateLimitedError && typeof e.retryAfter === 'number'
    ? e.retryAfter
    : undefined;
}
