import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import { EVENT_TYPES, type EventOf, type StoredEvent } from '../../events/domain-event.ts';
import type { EventLog } from '../../events/event-log.ts';
import type { Sink } from '../../events/sink.ts';
import { operationCard, title } from '../../operations/card.ts';
import type { OperationRepository } from '../../operations/repository.ts';
import type { RunbookRunRepository } from '../../operations/runbook-run-repository.ts';
import type {
  SlackMessageLocation,
  SlackMessageRepository,
} from '../../store/kysely-slack-message-repository.ts';
import { createHash } from 'node:crypto';
import { operationTitle } from '../../operations/operation-name.ts';
import { isFinal } from '../../operations/types.ts';
import { channelRefusal, isContentRefusal, type CardChat, type ChatMessage } from './card-chat.ts';
import { cardKey, type CardLinks } from './card-links.ts';
import { failureThread } from './failure-thread.ts';
import { LIMITS, mrkdwnMessage, renderBlocks, truncate } from './render-blocks.ts';
import { stepOutcomeReply } from './runbook-step-thread.ts';
import { SlackPacer } from './slack-pacer.ts';

export interface ProgressCardSinkOptions {
  events: EventLog;
  operations: OperationRepository;
  /** A runbook run's step records, so its card lists every step from the start. */
  runbookRuns?: RunbookRunRepository;
  messages: SlackMessageRepository;
  chat: CardChat;
  /** Where the requester hears about the card: the acknowledgement's pointer, or the card itself when the channel refuses it. */
  links: CardLinks;
  /** For pacing, the card's "elapsed" line, and when a message was posted. */
  clock: Clock;
  logger: Logger;
  /** Slack allows about one update a second per message… */
  editIntervalMs?: number;
  /** …and about one new message a second per channel (chat.postMessage's special rate limit). */
  channelIntervalMs?: number;
}

/** Not an error: a card must wait for its turn. The follower pauses, then reads the batch again. */
class NotYet extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`a Slack write must wait ${String(retryAfterMs)} ms for its turn`);
  }
}

/**
 * The progress card: one Slack message per operation asked for in Slack, posted on its first event and
 * edited in place as more arrive; the failure's details (job, step, log tail) go in the card's thread.
 *
 * A sink of the event log: a batch of events becomes at most one write per card, rendered with the
 * state of the moment, and a Slack that is slow, rate-limited or down never holds up an operation.
 * When a card must wait (its pace, a 429, Slack down), the batch is read again later with everything
 * that happened meanwhile, so the card catches up with one edit. Where each message is lives in
 * `slack_messages`: a restart edits the same card and never posts a thread reply twice.
 */
export function progressCardSink(options: ProgressCardSinkOptions): Sink {
  const pacer = new SlackPacer(options.clock, {
    editIntervalMs: options.editIntervalMs ?? 1000,
    channelIntervalMs: options.channelIntervalMs ?? 1000,
  });
  // The newest event each card has shown, so a batch read again (after a card had to wait) does not
  // rewrite the cards that were already written; bounded like the pacer's memory.
  const shown = new Map<string, number>();
  return {
    name: 'slack-progress-cards',
    types: EVENT_TYPES.filter((type) => type.startsWith('operation.')),
    async handle(events) {
      const byOperation = new Map<string, StoredEvent[]>();
      for (const event of events) {
        if (!('operationId' in event) || typeof event.operationId !== 'string') continue;
        byOperation.set(event.operationId, [...(byOperation.get(event.operationId) ?? []), event]);
      }
      // Cards are independent: one that must wait does not stop another from being written now.
      const results = await Promise.allSettled(
        [...byOperation].map(([id, batch]) => refresh(options, pacer, shown, id, batch)),
      );
      const failure = results.find(
        (r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof NotYet),
      );
      if (failure !== undefined) throw failure.reason;
      const waits = results.flatMap((r) =>
        r.status === 'rejected' && r.reason instanceof NotYet ? [r.reason.retryAfterMs] : [],
      );
      if (waits.length > 0) throw new NotYet(Math.min(...waits));
    },
  };
}

async function refresh(
  options: ProgressCardSinkOptions,
  pacer: SlackPacer,
  shown: Map<string, number>,
  id: string,
  batch: StoredEvent[],
): Promise<void> {
  const { operations, messages, chat, clock, links, logger } = options;
  const newest = batch.at(-1)?.seq ?? 0;
  if ((shown.get(id) ?? 0) >= newest) return;
  const op = await operations.get(id);
  // Operations asked for in the shell have no Slack channel to show a card in.
  if (op === null || op.surface !== 'slack') return;
  const key = cardKey(id);
  let location = await messages.get(key);
  const wait = location === null ? pacer.newMessage(op.channel) : pacer.edit(key);
  if (wait > 0) throw new NotYet(wait);
  const run = op.kind === 'runbook' ? ((await options.runbookRuns?.get(id)) ?? null) : null;
  const message = renderBlocks(operationCard(op, await options.events.forOperation(id), clock.now(), run));
  const named = { id, name: operationTitle(op) };
  try {
    if (location === null) {
      location = await sendCard(options, op.id, message, (m) => chat.post(op.channel, m));
      await messages.save(key, location, clock.now());
      await links.cardPosted(named, location);
    } else {
      const at = location;
      await sendCard(options, op.id, message, async (m) => {
        await chat.update(at, m);
        return at;
      });
    }
  } catch (error) {
    const refusal = channelRefusal(error);
    if (refusal === undefined) throw error;
    // The bot may not write in the channel: the requester sees the card through the command's
    // response_url instead, and the card is tried in the channel again with the next change.
    logger.warn({ operationId: id, channel: op.channel, refusal }, 'Slack refused the card in its channel');
    pacer.wrote(key);
    await links.fallback(
      { ...named, channel: op.channel },
      { ...message, title: title(op) },
      refusal,
      isFinal(op.state),
    );
    markShown(shown, id, newest);
    return;
  }
  pacer.wrote(key);
  for (const event of batch) {
    if (event.type === 'operation.failed') await postFailure(options, pacer, location, event);
    if (event.type === 'operation.runbook_step_changed')
      await postStepOutcome(options, pacer, location, event);
  }
  // What the card had to cut is posted whole in its thread, once the card has settled.
  if (message.cut.length > 0 && (isFinal(op.state) || op.state === 'awaiting_approval')) {
    await postCut(options, pacer, location, id, message.cut);
  }
  // Only now: a failure reply that had to wait is posted when the batch is read again.
  markShown(shown, id, newest);
}

function markShown(shown: Map<string, number>, id: string, newest: number): void {
  shown.delete(id);
  shown.set(id, newest);
  if (shown.size > 2000) for (const old of [...shown.keys()].slice(0, 1000)) shown.delete(old);
}

/**
 * Sends a card; if Slack refuses its content (it never should: renderBlocks keeps every limit), the
 * card goes as plain text instead of being retried forever while the operation moves on.
 */
async function sendCard(
  options: ProgressCardSinkOptions,
  operationId: string,
  message: ChatMessage,
  send: (message: ChatMessage) => Promise<SlackMessageLocation>,
): Promise<SlackMessageLocation> {
  try {
    return await send(message);
  } catch (error) {
    if (!isContentRefusal(error)) throw error;
    options.logger.error({ err: error, operationId }, 'Slack refused a card’s blocks; sending it as text');
    const text = truncate(message.text, LIMITS.sectionText);
    return send({ text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] });
  }
}

async function postFailure(
  options: ProgressCardSinkOptions,
  pacer: SlackPacer,
  card: SlackMessageLocation,
  event: EventOf<'operation.failed'> & { seq: number },
): Promise<void> {
  const note = failureThread(event);
  const key = `failure:${String(event.seq)}`;
  if (note === undefined || (await options.messages.get(key)) !== null) return;
  const wait = pacer.newMessage(card.channel);
  if (wait > 0) throw new NotYet(wait);
  const location = await options.chat.post(card.channel, note, card.ts);
  await options.messages.save(key, location, options.clock.now());
}

/**
 * A runbook step's outcome and outputs in the run card's thread (see runbook-step-thread.ts), once
 * per outcome: keyed by its event, so a batch read again never posts it twice.
 */
async function postStepOutcome(
  options: ProgressCardSinkOptions,
  pacer: SlackPacer,
  card: SlackMessageLocation,
  event: EventOf<'operation.runbook_step_changed'> & { seq: number },
): Promise<void> {
  const note = stepOutcomeReply(event);
  const key = `runbook-step:${String(event.seq)}`;
  if (note === undefined || (await options.messages.get(key)) !== null) return;
  const wait = pacer.newMessage(card.channel);
  if (wait > 0) throw new NotYet(wait);
  const location = await options.chat.post(card.channel, note, card.ts);
  await options.messages.save(key, location, options.clock.now());
}

/** The full text of what the card cut, in its thread; each distinct text once. */
async function postCut(
  options: ProgressCardSinkOptions,
  pacer: SlackPacer,
  card: SlackMessageLocation,
  operationId: string,
  cut: string[],
): Promise<void> {
  const whole = cut.join('\n\n');
  const key = `cut:${operationId}:${createHash('sha256').update(whole).digest('hex').slice(0, 16)}`;
  if ((await options.messages.get(key)) !== null) return;
  const wait = pacer.newMessage(card.channel);
  if (wait > 0) throw new NotYet(wait);
  const location = await options.chat.post(
    card.channel,
    mrkdwnMessage('In full (the card shows part of it):', whole),
    card.ts,
  );
  await options.messages.save(key, location, options.clock.now());
}
