import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import { channelLink, link } from '../../core/markup.ts';
import { reply, type Reply } from '../../core/message.ts';
import type { SlackMessageRepository } from '../../store/kysely-slack-message-repository.ts';
import type { CardChat, ChannelRefusal, MessageLocation } from './card-chat.ts';
import { LIMITS, renderBlocks, slackMessage, truncate, type SlackMessage } from './render-blocks.ts';
import { RESPONSE_URL_RULES, type RespondTo } from './response-url.ts';

export interface CardLinksOptions {
  messages: SlackMessageRepository;
  chat: CardChat;
  respond: RespondTo;
  clock: Clock;
  logger: Logger;
}

/**
 * An operation as the acknowledgement names it: its id, its name (`Deploy api v1.2.3 → staging`), and
 * what the answer adds (`You approved it.`).
 */
export interface NamedOperation {
  id: string;
  name: string;
  note?: string;
}

/**
 * One operation, one message: the progress card is the only message about an operation in its
 * channel. The slash command that asked for it is acknowledged privately with where the card is
 * (a permalink once it is posted), never with a copy of the card that would stay at "starting".
 *
 * Slack cannot make the acknowledgement itself the live card: a slash command's answer has no `ts` to
 * pass to chat.update, and its `response_url` takes only 5 messages within 30 minutes
 * (RESPONSE_URL_RULES), fewer than a deploy's updates and shorter than an approval can wait. So the
 * card is a message of the bot's own, edited without limit, and the `response_url` is kept for two
 * things: replacing the acknowledgement with the card's permalink once the card is up, and, when the
 * bot may not post in the channel, showing the card to the requester (each new state, then the end,
 * within Slack's 5 messages) with how to invite the bot.
 */
export class CardLinks {
  constructor(private readonly options: CardLinksOptions) {}

  /**
   * The acknowledgement of a command whose answer is an operation's card: keeps the command's
   * `response_url` for the operation, and says where the card is (with a permalink when it is already
   * posted). Store failures are logged, not thrown: the acknowledgement still goes.
   */
  async acknowledge(op: NamedOperation, responseUrl: string, receivedAt: Date): Promise<Reply> {
    const { messages, logger } = this.options;
    try {
      const kept = await messages.saveResponseUrl(op.id, responseUrl, receivedAt);
      const card = await messages.get(cardKey(op.id));
      if (card !== null) {
        // For the command that asked for the operation, the card sink may have posted the card
        // meanwhile and be about to point this acknowledgement at it: whichever of the two takes the
        // pointer (useResponseUrl with `point`) says where the card is, once. A later command (an
        // approval) finds the card there and says so.
        const take = { maxUses: RESPONSE_URL_RULES.maxUses, point: true };
        if (!kept || (await messages.useResponseUrl(op.id, take))) return await this.pointer(op, card);
      }
    } catch (error) {
      logger.warn({ err: error, operationId: op.id }, 'could not keep the command’s response_url');
    }
    return pointerReply(op, null, null);
  }

  /**
   * The card was posted: replaces the requester's acknowledgement with its permalink, if the
   * command's `response_url` is kept, still valid and not used for this yet. Never throws.
   */
  async cardPosted(op: NamedOperation, card: MessageLocation): Promise<void> {
    const { messages, logger } = this.options;
    try {
      const kept = await messages.responseUrl(op.id);
      if (kept === null || kept.pointed || this.expired(kept.receivedAt)) return;
      if (!(await messages.useResponseUrl(op.id, { maxUses: RESPONSE_URL_RULES.maxUses, point: true })))
        return;
      await this.options.respond(kept.url, {
        ...slackMessage(await this.pointer(op, card)),
        response_type: 'ephemeral',
        replace_original: true,
      });
    } catch (error) {
      logger.warn({ err: error, operationId: op.id }, 'could not point the acknowledgement at the card');
    }
  }

  /**
   * The channel refused the card: shows it to the requester through the command's `response_url`,
   * replacing the acknowledgement, with how to let the bot in. Within Slack's 5 messages and 30
   * minutes, it posts each new title once and always keeps one message for the end (`final`).
   * Resolves true when the card was shown, false when it could not be (logged).
   */
  async fallback(
    op: NamedOperation & { channel: string },
    card: SlackMessage & { title: string },
    refusal: ChannelRefusal,
    final: boolean,
  ): Promise<boolean> {
    const { messages, logger } = this.options;
    const kept = await messages.responseUrl(op.id);
    if (kept === null || this.expired(kept.receivedAt)) {
      logger.error(
        { operationId: op.id, channel: op.channel, refusal },
        'Slack refused the card and no response_url is left to show it: invite the bot to the channel',
      );
      return false;
    }
    if (kept.lastShown === card.title) return true;
    // One message is kept for the end, so the requester always learns how it ended.
    const room = final ? RESPONSE_URL_RULES.maxUses : RESPONSE_URL_RULES.maxUses - 1;
    if (!(await messages.useResponseUrl(op.id, { maxUses: room, shown: card.title }))) return false;
    const note = inviteNote(op.channel, refusal);
    try {
      await this.options.respond(kept.url, {
        text: truncate(`${renderBlocks(reply('warning', note)).text} ${card.text}`, LIMITS.sectionText),
        // The note first: if the card fills a message, it is the card's tail that gives way.
        blocks: [...renderBlocks(reply('warning', note)).blocks, ...card.blocks].slice(0, LIMITS.blocks),
        response_type: 'ephemeral',
        replace_original: true,
      });
    } catch (error) {
      logger.warn({ err: error, operationId: op.id }, 'could not show the card through the response_url');
      return false;
    }
    return true;
  }

  private async pointer(op: NamedOperation, card: MessageLocation): Promise<Reply> {
    let permalink: string | null = null;
    try {
      permalink = await this.options.chat.permalink(card);
    } catch (error) {
      this.options.logger.warn({ err: error, operationId: op.id }, 'could not get the card’s permalink');
    }
    return pointerReply(op, card.channel, permalink);
  }

  private expired(receivedAt: Date): boolean {
    return this.options.clock.now().getTime() - receivedAt.getTime() >= RESPONSE_URL_RULES.validForMs;
  }
}

/** Where an operation's card is kept in `slack_messages`. */
export function cardKey(operationId: string): string {
  return `card:${operationId}`;
}

/** The private acknowledgement: the operation's name, and where its live card is or will be. */
function pointerReply(op: NamedOperation, channel: string | null, permalink: string | null): Reply {
  const where =
    channel === null
      ? 'Its live card is being posted in this channel'
      : permalink === null
        ? `Its live card is in ${channelLink(channel)}`
        : `Its live card is ${link(permalink, 'here')}, in ${channelLink(channel)}`;
  const line = `${where}: it changes there as the operation goes on (operation ${op.id.slice(0, 8)}).`;
  return reply('info', op.name, { text: op.note === undefined ? line : `${op.note}\n${line}` });
}

/** What the requester reads when the card cannot be posted where they asked. */
function inviteNote(channel: string, refusal: ChannelRefusal): string {
  const why =
    refusal === 'is_archived'
      ? `${channelLink(channel)} is archived, so Deckhand cannot post its card there`
      : `Deckhand is not a member of ${channelLink(channel)} (Slack said ${refusal}), so only you see this card`;
  const what =
    refusal === 'is_archived'
      ? 'Ask again from a channel that is not archived.'
      : 'Invite it with `/invite @deckhand` in that channel; later updates will then be posted there for everyone.';
  return `${why}. ${what}`;
}
