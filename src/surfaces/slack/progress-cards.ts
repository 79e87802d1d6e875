import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import { operationCard } from '../../operations/card.ts';
import type { EventBus } from '../../operations/event-bus.ts';
import type { OperationRepository } from '../../operations/repository.ts';
import { isFinal, type OperationEvent } from '../../operations/types.ts';
import type { CardChat, ChatMessage, MessageLocation } from './card-chat.ts';
import { saveCardLocation } from './card-location.ts';
import { failureThread } from './failure-thread.ts';
import { renderBlocks } from './render-blocks.ts';
import { timerScheduler, type Scheduler } from './scheduler.ts';

export interface ProgressCardsOptions {
  events: EventBus;
  operations: OperationRepository;
  chat: CardChat;
  /** For the card's own "elapsed" line. */
  clock: Clock;
  /** Paces the writes; tests pass one they step by hand. */
  scheduler?: Scheduler;
  logger: Logger;
  /** Slack allows about one update a second per message. */
  editIntervalMs?: number;
  /** …and about one new message a second per channel. */
  channelIntervalMs?: number;
  /**
   * How long the first event of an operation waits for its card's post, when the post could go at
   * once. While it waits the operation does not advance, so the card's location is stored before the
   * runner writes the row (a lost version race would make the runner redo a step); a slow Slack, or
   * a channel that must wait its turn, is not waited for.
   */
  firstPostWaitMs?: number;
}

interface Timer {
  cancel: () => void;
  run: () => void;
}

interface CardState {
  id: string;
  channel: string;
  location: MessageLocation | null;
  /** Something happened since the card was last written. */
  dirty: boolean;
  /** Thread replies waiting for the card (and for the channel's pace). */
  thread: ChatMessage[];
  lastWriteAt: number;
  timer: Timer | null;
  busy: boolean;
  final: boolean;
  waitedForPost: boolean;
  posted: Promise<void>;
  markPosted: () => void;
}

/**
 * The progress card: one Slack message per operation, posted on its first event and edited in place
 * as more arrive. Writes are coalesced (the latest state wins; the final one is always written), and
 * a 429 only delays them: the chat client waits out Retry-After and retries.
 */
export class ProgressCards {
  private readonly cards = new Map<string, CardState>();
  private readonly loading = new Map<string, Promise<CardState | null>>();
  private readonly nextNewMessageAt = new Map<string, number>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly scheduler: Scheduler;
  private readonly editIntervalMs: number;
  private readonly channelIntervalMs: number;
  private readonly firstPostWaitMs: number;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly options: ProgressCardsOptions) {
    this.scheduler = options.scheduler ?? timerScheduler;
    this.editIntervalMs = options.editIntervalMs ?? 1000;
    this.channelIntervalMs = options.channelIntervalMs ?? 1000;
    this.firstPostWaitMs = options.firstPostWaitMs ?? 1500;
  }

  start(): void {
    this.unsubscribe ??= this.options.events.subscribe((event) => this.onEvent(event));
  }

  /** Stops listening and writes what is pending, so the cards show the state Deckhand stopped in. */
  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.flush();
  }

  /** Resolves when no write is in flight; paced writes still waiting for their turn stay waiting. */
  async settled(): Promise<void> {
    while (this.work.size > 0) await Promise.allSettled([...this.work]);
  }

  /** Writes everything pending now, without waiting for its turn, and resolves when all is written. */
  async flush(): Promise<void> {
    for (;;) {
      await this.settled();
      const waiting = [...this.cards.values()].filter((card) => card.timer !== null);
      if (waiting.length === 0) return;
      for (const card of waiting) {
        const timer = card.timer;
        card.timer = null;
        timer?.cancel();
        timer?.run();
      }
    }
  }

  private async onEvent(event: OperationEvent): Promise<void> {
    const card = await this.track(this.accept(event));
    // Only a post already on its way is waited for: one held back by the channel's pace is not.
    if (card === null || card.location !== null || card.waitedForPost || !card.busy) return;
    card.waitedForPost = true;
    let cancel = (): void => undefined;
    const timeout = new Promise<void>((resolve) => {
      cancel = this.scheduler.after(this.firstPostWaitMs, resolve);
    });
    await Promise.race([card.posted, timeout]);
    cancel();
  }

  private async accept(event: OperationEvent): Promise<CardState | null> {
    const card = await this.cardFor(event.operationId);
    if (card === null) return null;
    if (event.type === 'failed') {
      const note = failureThread(event);
      if (note !== undefined) card.thread.push(note);
    }
    card.dirty = true;
    this.schedule(card);
    return card;
  }

  private cardFor(id: string): Promise<CardState | null> {
    const known = this.cards.get(id);
    if (known !== undefined) return Promise.resolve(known);
    const pending = this.loading.get(id) ?? this.load(id).finally(() => this.loading.delete(id));
    this.loading.set(id, pending);
    return pending;
  }

  private async load(id: string): Promise<CardState | null> {
    const op = await this.options.operations.get(id);
    // Operations asked for in the shell have no Slack channel to show a card in.
    if (op === null || op.surface !== 'slack') return null;
    let markPosted = (): void => undefined;
    const posted = new Promise<void>((resolve) => (markPosted = resolve));
    const card: CardState = {
      id,
      channel: op.card?.channel ?? op.channel,
      location: op.card,
      dirty: false,
      thread: [],
      lastWriteAt: Number.NEGATIVE_INFINITY,
      timer: null,
      busy: false,
      final: isFinal(op.state),
      waitedForPost: false,
      posted,
      markPosted,
    };
    this.cards.set(id, card);
    return card;
  }

  /** Arranges the card's next write for when its turn comes; one write per card at a time. */
  private schedule(card: CardState): void {
    if (card.timer !== null || card.busy) return;
    const now = this.scheduler.now();
    let at: number;
    if (card.dirty) {
      at =
        card.location === null
          ? this.newMessageSlot(card.channel, now)
          : Math.max(now, card.lastWriteAt + this.editIntervalMs);
    } else if (card.thread.length > 0 && card.location !== null) {
      at = this.newMessageSlot(card.location.channel, now);
    } else {
      // Nothing left to write: forget a finished card (its location is in the store if it comes back).
      if (card.final) this.cards.delete(card.id);
      return;
    }
    const run = (): void => {
      card.timer = null;
      void this.track(this.write(card));
    };
    if (at <= now) run();
    else card.timer = { cancel: this.scheduler.after(at - now, run), run };
  }

  private newMessageSlot(channel: string, now: number): number {
    const at = Math.max(now, this.nextNewMessageAt.get(channel) ?? now);
    this.nextNewMessageAt.set(channel, at + this.channelIntervalMs);
    return at;
  }

  private async write(card: CardState): Promise<void> {
    card.busy = true;
    try {
      if (card.dirty) await this.writeCard(card);
      else await this.writeThread(card);
    } catch (error) {
      // Not retried on its own: the next event writes the card again, with the state of then.
      this.options.logger.warn({ err: error, operationId: card.id }, 'progress card write failed');
      if (card.location === null) card.thread = [];
    } finally {
      card.busy = false;
      card.markPosted();
      this.schedule(card);
    }
  }

  private async writeCard(card: CardState): Promise<void> {
    const { operations, chat, clock, logger } = this.options;
    card.dirty = false;
    const op = await operations.get(card.id);
    if (op === null) return;
    const message = renderBlocks(operationCard(op, await operations.events(card.id), clock.now()));
    card.final = isFinal(op.state);
    if (card.location === null) {
      const location = await chat.post(card.channel, message);
      card.location = location;
      card.markPosted();
      if (!(await saveCardLocation(operations, card.id, location))) {
        logger.warn({ operationId: card.id }, 'could not record where the progress card is');
      }
    } else {
      await chat.update(card.location, message);
    }
    card.lastWriteAt = this.scheduler.now();
  }

  private async writeThread(card: CardState): Promise<void> {
    const note = card.thread.shift();
    if (note === undefined || card.location === null) return;
    await this.options.chat.post(card.location.channel, note, card.location.ts);
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.work.add(promise);
    void promise.finally(() => this.work.delete(promise)).catch(() => undefined);
    return promise;
  }
}
