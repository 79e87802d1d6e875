import type { CommandContext } from '../core/command.ts';
import { DeckhandError } from '../core/errors.ts';
import { reply, type Reply } from '../core/message.ts';
import type { Invocation } from '../core/invocation.ts';
import { incidentChanged } from '../events/incident-event-constructors.ts';
import { incidentName, type Incident } from './incident.ts';
import { findIncident, type IncidentDeps } from './incident-service.ts';
import { assertOpen } from './incident-work.ts';

/**
 * The most characters of a message's text a timeline entry keeps. The entry is posted as one section
 * block, whose text Slack takes up to 3,000 characters
 * (https://docs.slack.dev/reference/block-kit/blocks/section-block); the rest of the line (who added
 * it, whose message, where) needs the difference.
 */
export const QUOTE_MAX = 2800;

/** A Slack message to quote on an incident's timeline, as the Slack surface read it from Slack. */
export interface QuotedMessage {
  /** The incident's number. */
  number: number;
  channel: string;
  /** Slack's `ts` of the message: seconds and microseconds since the epoch, `1767607200.000100`. */
  ts: string;
  /** Who wrote it (a user id), or null for a message without one. */
  author: string | null;
}

/** Slack's message `ts`: seconds since the epoch, a dot, six digits of microseconds. */
const SLACK_TS = /^\d{1,12}\.\d{6}$/;
const ID = /^[A-Z0-9]{2,}$/;

/** The timeline entry's source for a Slack message: one entry per channel and `ts`. */
export function messageSource(channel: string, ts: string): string {
  return `message:${channel}:${ts}`;
}

/** The instant a Slack `ts` stands for (to the millisecond). */
export function slackTsDate(ts: string): Date {
  const [seconds = '0', micros = '0'] = ts.split('.');
  return new Date(Number(seconds) * 1000 + Math.floor(Number(micros) / 1000));
}

/**
 * `<number>:<channel>:<ts>:<author or ->`, the word `incident quote` takes for a message; the Slack
 * surface writes it (see incident-messages.ts), people never type it.
 */
export function quoteRef(message: QuotedMessage): string {
  return [String(message.number), message.channel, message.ts, message.author ?? '-'].join(':');
}

/**
 * Reads {@link quoteRef}'s word back.
 *
 * @throws DeckhandError `invalid_arguments` for a word that is not one
 */
export function parseQuoteRef(word: string): QuotedMessage {
  const [number = '', channel = '', ts = '', author = '', ...more] = word.split(':');
  if (
    !/^\d{1,9}$/.test(number) ||
    !ID.test(channel) ||
    !SLACK_TS.test(ts) ||
    (author !== '-' && !ID.test(author)) ||
    more.length > 0
  ) {
    throw new DeckhandError('invalid_arguments', `"${word}" does not name a Slack message.`);
  }
  return { number: Number(number), channel, ts, author: author === '-' ? null : author };
}

/**
 * Adds a Slack message to an open incident's timeline at the time it was posted: announced as
 * `incident.changed` (kind `message`), which the timeline sink records keyed by channel and `ts`, so a
 * message picked twice (two reactions, two people) joins once. Returns false, changing nothing, when
 * it is on the timeline already.
 */
export async function quoteMessage(
  deps: IncidentDeps,
  incident: Incident,
  invocation: Invocation,
  message: QuotedMessage,
  text: string,
): Promise<boolean> {
  assertOpen(incident, 'take timeline entries');
  if ((await deps.incidents.entry(incident.id, messageSource(message.channel, message.ts))) !== null) {
    return false;
  }
  await deps.events.emit(
    incidentChanged(
      incident,
      invocation.actor,
      {
        kind: 'message',
        channel: message.channel,
        ts: message.ts,
        author: message.author,
        text: text.slice(0, QUOTE_MAX),
        postedAt: slackTsDate(message.ts),
      },
      invocation.id,
      deps.clock.now(),
    ),
  );
  return true;
}

/** What `incident quote` says when the message is already on the timeline. */
export function alreadyQuoted(incident: Incident): string {
  return `That message is on ${incidentName(incident)}'s timeline already.`;
}

/**
 * `incident quote <number>:<channel>:<ts>:<author> "text"`: a Slack message joins the timeline at the
 * time it was posted. Only the Slack surface runs it, for a message someone marked with the timeline
 * reaction or picked with a message shortcut (its idempotency key says so): it read the text from
 * Slack itself, so a typed quote could never put words in someone's mouth or backdate them.
 */
export async function quoteFromSlack(
  ctx: CommandContext,
  deps: IncidentDeps,
  ref: string | undefined,
  text: string | undefined,
): Promise<Reply> {
  if (!ctx.invocation.idempotencyKey.startsWith('slack:message:')) {
    throw new DeckhandError(
      'invalid_arguments',
      `Add a message to an incident's timeline from Slack: react to it with :${ctx.catalog.config.incidents.timelineReaction}: in the incident channel, or use its message shortcut "Add to incident timeline".`,
    );
  }
  const message = parseQuoteRef(ref ?? '');
  const found = await findIncident(ctx.store.incidents, String(message.number));
  if (!(await quoteMessage(deps, found, ctx.invocation, message, text ?? ''))) {
    return reply('info', alreadyQuoted(found), { text: 'Nothing was changed.' });
  }
  return reply('success', `${incidentName(found)}: the message joined the timeline`);
}
