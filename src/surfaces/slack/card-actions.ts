import type { App, BlockButtonAction } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.ts';
import type { Dispatcher } from '../../core/dispatcher.ts';
import { asDeckhandError } from '../../core/errors.ts';
import { reply, type Reply } from '../../core/message.ts';
import { channelOfHomeBlock } from './app-home-view.ts';
import { slackMessage } from './render-blocks.ts';

/** The action ids of Deckhand's buttons (`op_approve`, `op_deny`, `op_rollback`, …; see operationCard). */
export const CARD_ACTIONS = /^op_[a-z_]+$/;

/**
 * The command a click runs: the one its button carries (see Button). Cards posted before buttons
 * carried their command hold `<id>:<token>` or `<service>:<environment>`, which still read as the
 * command they stood for. Undefined for a value no card of ours ever held.
 */
export function commandOfClick(actionId: string, value: string): string | undefined {
  const text = value.trim();
  if (/\s/.test(text)) return text;
  if (!/^[\w.-]+:[\w.-]+$/.test(text)) return undefined;
  if (actionId === 'op_approve' || actionId === 'op_deny') return `${actionId.slice(3)} ${text}`;
  if (actionId === 'op_rollback') return `rollback ${text.replace(':', ' ')}`;
  return undefined;
}

/** What the action handler needs: the dispatcher, and how to stamp an invocation. */
export interface CardActionOptions {
  dispatcher: Dispatcher;
  clock: Clock;
  newId: () => string;
  logger: Logger;
  /** Told, in seconds on `clock`, how long a click took from arrival to its acknowledgement. */
  onAcknowledged?: (request: 'command' | 'action', seconds: number) => void;
}

/**
 * A click is an invocation of the command its button carries, like a typed command: same policy, audit
 * and idempotency. The key is the click's own action_ts, so a double click (or Slack retrying the
 * delivery) runs once. The card changes through the operation's events; the clicker hears back only
 * when the click was refused.
 */
export function registerCardActions(app: InstanceType<typeof App>, options: CardActionOptions): void {
  app.action<BlockButtonAction>(CARD_ACTIONS, async ({ ack, body, action, client }) => {
    const arrived = options.clock.now().getTime();
    await ack();
    options.onAcknowledged?.('action', (options.clock.now().getTime() - arrived) / 1000);
    // A click on the App Home tab has no channel: its block names the approval's (see app-home-view.ts).
    const fromHome = body.channel?.id === undefined ? channelOfHomeBlock(action.block_id) : undefined;
    const channel = body.channel?.id ?? fromHome;
    const text = commandOfClick(action.action_id, action.value ?? '');
    if (channel === undefined || text === undefined) {
      options.logger.warn({ actionId: action.action_id }, 'ignored a card action it cannot read');
      if (channel === undefined) return;
      // The clicker hears why nothing happened, and what to do instead.
      const unreadable = reply('warning', 'Deckhand cannot read that button', {
        text: 'It is from a card Deckhand no longer understands, so nothing was run. Type the command instead (`/ops help` lists them).',
      });
      await client.chat.postEphemeral({ channel, user: body.user.id, ...slackMessage(unreadable) });
      return;
    }
    let answer: Reply | undefined;
    try {
      const outcome = await options.dispatcher.dispatch({
        id: options.newId(),
        actor: body.user.id,
        channel,
        text,
        surface: 'slack',
        idempotencyKey: `slack:action:${action.action_ts}:${body.user.id}`,
        receivedAt: options.clock.now(),
      });
      if (outcome.fresh && outcome.decision !== 'allowed') answer = outcome.reply;
    } catch (error) {
      options.logger.error({ err: error }, 'card action failed');
      answer = reply('error', 'Deckhand could not handle that', { text: asDeckhandError(error).userMessage });
    }
    if (answer === undefined) return;
    if (fromHome !== undefined) {
      // The clicker may not be in the approval's channel: they hear back in their messages with Deckhand.
      await client.chat.postMessage({ channel: body.user.id, ...slackMessage(answer) });
      return;
    }
    await client.chat.postEphemeral({ channel, user: body.user.id, ...slackMessage(answer) });
  });
}
