import { randomUUID } from 'node:crypto';
import { sign } from '@octokit/webhooks-methods';
import type { WebhookTarget } from './types.ts';

export interface DeliveryCounters {
  delivered: number;
  failed: number;
}

/**
 * Posts signed deliveries one after another, so a receiver sees them in the order they happened
 * (GitHub does not promise that, but tests read better when the simulator does).
 */
export class WebhookSender {
  private queue: Promise<void> = Promise.resolve();
  readonly counters: DeliveryCounters = { delivered: 0, failed: 0 };

  constructor(
    private target: WebhookTarget | undefined,
    private readonly hookId: number,
  ) {}

  setTarget(target: WebhookTarget | undefined): void {
    this.target = target;
  }

  enabled(): boolean {
    return this.target !== undefined;
  }

  send(event: string, payload: unknown): Promise<void> {
    const target = this.target;
    if (target === undefined) return this.queue;
    const body = JSON.stringify(payload);
    this.queue = this.queue.then(() => this.post(target, event, body));
    return this.queue;
  }

  /** Resolves when everything sent so far has been delivered or has failed. */
  drain(): Promise<void> {
    return this.queue;
  }

  private async post(target: WebhookTarget, event: string, body: string): Promise<void> {
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'GitHub-Hookshot/deckhand-sandbox',
          'x-github-event': event,
          'x-github-delivery': randomUUID(),
          'x-github-hook-id': String(this.hookId),
          'x-hub-signature-256': await sign(target.secret, body),
        },
        body,
      });
      await response.arrayBuffer();
      if (response.ok) this.counters.delivered += 1;
      else this.counters.failed += 1;
    } catch {
      // A receiver that is down loses the delivery, as with GitHub (which lets you redeliver by hand).
      this.counters.failed += 1;
    }
  }
}
