import { IncomingWebhook } from '@slack/webhook';
import type { SlackMessage } from './render-blocks.ts';

/**
 * Slack's rules for a slash command's `response_url`: it takes up to 5 messages within 30 minutes of
 * the command ("you can respond to a user's command up to 5 times within 30 minutes of the user's
 * invocation", https://api.slack.com/interactivity/slash-commands#responding_to_commands).
 */
export const RESPONSE_URL_RULES = { maxUses: 5, validForMs: 30 * 60_000 } as const;

/** What goes to a response_url: a message, for the requester alone, replacing the acknowledgement. */
export interface ResponseMessage extends SlackMessage {
  response_type: 'ephemeral' | 'in_channel';
  replace_original: boolean;
}

/** Posts a message to a response_url; rejects when Slack does not take it. */
export type RespondTo = (url: string, message: ResponseMessage) => Promise<void>;

/**
 * Posts through @slack/webhook's IncomingWebhook (Slack's own client for these URLs): a timeout of
 * `timeoutMs` per attempt, no retries (a post that may have landed is not sent twice), and an error
 * carrying Slack's status and body when it refuses. The URL is a capability: it is never logged.
 */
export function webhookResponder(options: { timeoutMs?: number } = {}): RespondTo {
  return async (url, message) => {
    const webhook = new IncomingWebhook(url, {
      timeout: options.timeoutMs ?? 10_000,
      retryConfig: { retries: 0 },
    });
    await webhook.send(message as never);
  };
}
