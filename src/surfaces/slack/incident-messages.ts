import type { App, MessageShortcut, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Catalog } from '../../config/catalog.ts';
import type { Clock } from '../../core/clock.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import { reply } from '../../core/message.ts';
import { decodeSlackText } from '../../core/slack-text.ts';
import { MAX_TITLE } from '../../incidents/incident-declaration.ts';
import type { IncidentRepository } from '../../incidents/incident.ts';
import { messageSource, QUOTE_MAX, quoteRef, type QuotedMessage } from '../../incidents/incident-quote.ts';
import { slackErrorCode } from './card-chat.ts';
import { openDeclareModal, type IncidentModalOptions } from './incident-modal-handlers.ts';
import { fittedContext } from './incident-modal.ts';
import { tell } from './runbook-modal-handlers.ts';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** The message shortcuts' callback ids (manifest.yml, `features.shortcuts`). */
export const MESSAGE_SHORTCUTS = {
  declare: 'declare_incident',
  timeline: 'add_to_incident_timeline',
} as const;

/** What picking messages for incidents needs. */
export interface IncidentMessageOptions {
  catalog: Catalog;
  dispatcher: Dispatcher;
  incidents: Pick<IncidentRepository, 'byChannel' | 'get' | 'entry'>;
  clock: Clock;
  newId: () => string;
  logger: Logger;
}

/** A message as Slack stores it: who wrote it (null: no person) and its text in Slack's format. */
interface SlackMessage {
  author: string | null;
  text: string;
}

/**
 * Reads one message by its `ts`, as Slack documents it: conversations.history with `latest` = ts,
 * `inclusive` and `limit` 1 finds a top-level message; a thread reply is not in the history, so
 * conversations.replies (which answers its whole thread) is read, page by page, until it is found.
 * Null when Slack has no such message.
 */
export async function readMessage(
  client: WebClient,
  channel: string,
  ts: string,
): Promise<SlackMessage | null> {
  const top = await client.conversations.history({ channel, latest: ts, inclusive: true, limit: 1 });
  const found = top.messages?.find((m) => m.ts === ts);
  if (found !== undefined) return { author: found.user ?? null, text: found.text ?? '' };
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const thread = await client.conversations.replies({
      channel,
      ts,
      latest: ts,
      inclusive: true,
      limit: 200,
      ...(cursor === undefined ? {} : { cursor }),
    });
    const reply = thread.messages?.find((m) => m.ts === ts);
    if (reply !== undefined) return { author: reply.user ?? null, text: reply.text ?? '' };
    cursor = thread.response_metadata?.next_cursor;
    if (cursor === undefined || cursor === '') return null;
  }
  return null;
}

/**
 * Text as one quoted word of a command line (see tokenizer.ts): in the first pair of quotes none of
 * whose closing marks it holds, so it reads back exactly; always quoted, so it is never read as a
 * keyword or a `key=value`.
 */
export function quotedWord(text: string): string {
  for (const [open, close, closers] of [
    ['"', '"', /["“”‟＂〞〟]/],
    ["'", "'", /['‘’‛＇]/],
    ['«', '»', /[«»]/],
    ['「', '」', /」/],
  ] as const) {
    if (!closers.test(text)) return `${open}${text}${close}`;
  }
  return `『${text.replace(/』/g, '』 ')}』`;
}

/**
 * Runs `incident quote` for a message as `actor`, through the dispatcher like any command (policy
 * `incident:manage`, an audit entry, idempotency on `key`). The text is Slack's, decoded to what was
 * typed, and cut to QUOTE_MAX.
 */
async function quote(
  options: IncidentMessageOptions,
  client: WebClient,
  what: QuotedMessage & { actor: string; text: string; where: string; key: string },
): Promise<void> {
  const text = decodeSlackText(what.text).slice(0, QUOTE_MAX);
  const outcome = await options.dispatcher.dispatch({
    id: options.newId(),
    actor: what.actor,
    channel: what.where,
    text: `incident quote ${quoteRef(what)} ${quotedWord(text)}`,
    surface: 'slack',
    idempotencyKey: `slack:message:${what.key}`,
    receivedAt: options.clock.now(),
  });
  // A refusal is told; success shows on the timeline itself.
  if (outcome.fresh && outcome.decision !== 'allowed') {
    await tell(client, what.where, what.actor, outcome.reply, options.logger);
  }
}

/**
 * A message picked in an incident channel joins its timeline once (at the time it was posted): read
 * from Slack, skipped when it is there already, else quoted. Messages in other channels are not
 * Deckhand's to record; a shortcut used there is told so.
 */
async function addToTimeline(
  options: IncidentMessageOptions,
  client: WebClient,
  pick: { actor: string; channel: string; ts: string; viaShortcut: boolean },
): Promise<void> {
  const incident = await options.incidents.byChannel(pick.channel);
  if (incident === null || incident.status !== 'open') {
    if (pick.viaShortcut) {
      const answer = reply('info', 'Not an open incident channel', {
        text: 'Add messages to a timeline from the incident’s own channel. To start one from this message, use “Declare an incident”.',
      });
      await tell(client, pick.channel, pick.actor, answer, options.logger);
    }
    return;
  }
  if ((await options.incidents.entry(incident.id, messageSource(pick.channel, pick.ts))) !== null) return;
  const message = await readMessage(client, pick.channel, pick.ts);
  if (message === null) {
    options.logger.warn({ channel: pick.channel, ts: pick.ts }, 'a message picked for a timeline is gone');
    return;
  }
  await quote(options, client, {
    number: incident.number,
    channel: pick.channel,
    ts: pick.ts,
    author: message.author,
    text: message.text,
    actor: pick.actor,
    where: pick.channel,
    key: `${pick.channel}:${pick.ts}:${pick.actor}`,
  });
}

/**
 * The declaration from a message, once allowed: the message joins the new incident's timeline, quoted
 * at its original time (with the text the shortcut carried, as the bot may not read that channel).
 */
export function quoteDeclaredFrom(
  options: IncidentMessageOptions,
): NonNullable<IncidentModalOptions['declared']> {
  return async ({ invocationId, actor, context }, client) => {
    const source = context.source;
    if (source === undefined) return;
    const incident = await options.incidents.get(`incident-${invocationId}`);
    if (incident === null) return;
    await quote(options, client, {
      number: incident.number,
      ...source,
      actor,
      where: context.channel,
      key: `${source.channel}:${source.ts}:${invocationId}`,
    });
  };
}

/**
 * The timeline reaction (`incidents.timelineReaction`, a `reaction_added` event), and the message
 * shortcuts "Add to incident timeline" and "Declare an incident" (which opens the declare modal with
 * the message as its title, cut to MAX_TITLE and shown as typed).
 */
export function registerIncidentMessages(
  app: InstanceType<typeof App>,
  options: IncidentMessageOptions,
): void {
  const reaction = options.catalog.config.incidents.timelineReaction;
  app.event('reaction_added', async ({ event, client }) => {
    if (event.reaction !== reaction || event.item.type !== 'message') return;
    try {
      await addToTimeline(options, client, {
        actor: event.user,
        channel: event.item.channel,
        ts: event.item.ts,
        viaShortcut: false,
      });
    } catch (error) {
      options.logger.error({ err: error, slackError: slackErrorCode(error) }, 'a timeline reaction failed');
    }
  });
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: MESSAGE_SHORTCUTS.timeline },
    async ({ ack, shortcut, client }) => {
      await ack();
      try {
        await addToTimeline(options, client, {
          actor: shortcut.user.id,
          channel: shortcut.channel.id,
          ts: shortcut.message.ts,
          viaShortcut: true,
        });
      } catch (error) {
        options.logger.error({ err: error, slackError: slackErrorCode(error) }, 'a timeline shortcut failed');
      }
    },
  );
  app.shortcut<MessageShortcut>(
    { type: 'message_action', callback_id: MESSAGE_SHORTCUTS.declare },
    async ({ ack, shortcut, client }) => {
      await ack();
      const typed = decodeSlackText(shortcut.message.text ?? '');
      const context = fittedContext({
        channel: shortcut.channel.id,
        source: {
          channel: shortcut.channel.id,
          ts: shortcut.message.ts,
          author: shortcut.message.user ?? null,
          text: shortcut.message.text ?? '',
        },
      });
      const title = typed.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE);
      await openDeclareModal(client, shortcut.trigger_id, { services: [], title }, context, options);
    },
  );
}
