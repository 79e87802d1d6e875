import type { Outcome } from '../../core/dispatcher.ts';
import { reply } from '../../core/message.ts';
import type { SlackAppOptions } from './slack-app.ts';
import { SLASH_COMMAND_TEXT_LIMIT, type UnreadableSlashCommand } from './slash-command.ts';

/**
 * Audits a slash command that cannot be run as read (a field missing or repeated, or text longer than
 * Slack allows): one entry, decision `invalid`, saying why. The HTTP intake and Socket Mode share it.
 */
export async function refuseUnreadable(
  options: Pick<SlackAppOptions, 'dispatcher' | 'clock' | 'newId' | 'logger'>,
  unreadable: UnreadableSlashCommand,
): Promise<void> {
  try {
    await options.dispatcher.refuse(
      {
        id: options.newId(),
        actor: unreadable.actor,
        channel: unreadable.channel,
        text: unreadable.text,
        surface: 'slack',
        receivedAt: options.clock.now(),
      },
      `refused an unreadable Slack command: ${unreadable.problems.join('; ')}`,
    );
  } catch (error) {
    options.logger.error({ err: error }, 'could not audit a refused Slack command');
  }
}

export function unreadableOutcome(problems: string[]): Outcome {
  return {
    fresh: true,
    decision: 'invalid',
    reply: reply('error', 'Deckhand could not read that command', {
      text: `Slack's request was incomplete (${problems.join('; ')}), so nothing was run. Type the command again.`,
    }),
  };
}

export function tooLong(length: number): Outcome {
  return {
    fresh: true,
    decision: 'invalid',
    reply: reply('error', 'That command is too long', {
      text: `It is ${length.toLocaleString('en')} characters; Deckhand reads at most ${SLASH_COMMAND_TEXT_LIMIT.toLocaleString('en')}, as many as Slack lets anyone type. Nothing was run. Shorten it (a lock reason needs a sentence, not a document).`,
    }),
  };
}
