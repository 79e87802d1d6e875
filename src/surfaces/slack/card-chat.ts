import type { webApi } from '@slack/bolt';

/** Where a posted message lives, so it can be edited or replied to. */
export interface MessageLocation {
  channel: string;
  ts: string;
}

export interface ChatMessage {
  text: string;
  blocks: object[];
}

/** The slice of Slack's chat API progress cards use. */
export interface CardChat {
  post(channel: string, message: ChatMessage, threadTs?: string): Promise<MessageLocation>;
  update(location: MessageLocation, message: ChatMessage): Promise<void>;
  /** A link to the message that opens it in Slack (chat.getPermalink). */
  permalink(location: MessageLocation): Promise<string>;
}

/**
 * Slack's answers that say the bot cannot write in a channel: not a member (`not_in_channel`, the bot
 * has chat:write, not chat:write.public), cannot see it (`channel_not_found`: private or deleted), or
 * the channel is archived (`is_archived`). https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
export const CHANNEL_REFUSALS = ['not_in_channel', 'channel_not_found', 'is_archived'] as const;
export type ChannelRefusal = (typeof CHANNEL_REFUSALS)[number];

/**
 * Slack's answers that say the message itself will never be taken as it is (its blocks or text), so
 * sending it again cannot help. https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
const CONTENT_REFUSALS = [
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
];

/** The error code Slack gave (`not_in_channel`, `invalid_blocks`, …), when the failure is Slack's answer. */
export function slackErrorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  if (e?.code !== 'slack_webapi_platform_error') return undefined;
  return typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** The channel refusal Slack answered, if that is what this error is. */
export function channelRefusal(error: unknown): ChannelRefusal | undefined {
  const code = slackErrorCode(error);
  return CHANNEL_REFUSALS.find((refusal) => refusal === code);
}

/** True when Slack refused the message's content: the same message will never be taken. */
export function isContentRefusal(error: unknown): boolean {
  return CONTENT_REFUSALS.includes(slackErrorCode(error) ?? '');
}

/**
 * Over the surface's chat client (`SlackClients.chat`: no retries of its own, 429s rejected). A 429
 * comes back as an error with `retryAfterMs`, which the card sink waits out before writing the card's
 * newest state.
 */
export function webClientChat(client: webApi.WebClient): CardChat {
  return {
    post: (channel, message, threadTs) =>
      withRetryAfter(async () => {
        const res = await client.chat.postMessage({
          channel,
          text: message.text,
          blocks: message.blocks as never,
          ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
          unfurl_links: false,
        });
        if (res.ts === undefined) throw new Error('chat.postMessage answered without a ts');
        return { channel: res.channel ?? channel, ts: res.ts };
      }),
    permalink: async (location) => {
      const res = await client.chat.getPermalink({ channel: location.channel, message_ts: location.ts });
      if (res.permalink === undefined) throw new Error('chat.getPermalink answered without a permalink');
      return res.permalink;
    },
    update: (location, message) =>
      withRetryAfter(async () => {
        await client.chat.update({
          channel: location.channel,
          ts: location.ts,
          text: message.text,
          blocks: message.blocks as never,
        });
      }),
  };
}

/** Slack's 429 says how many seconds to wait (`retryAfter`); the card sink reads it in milliseconds. */
async function withRetryAfter<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const retryAfter = (error as { retryAfter?: unknown } | null)?.retryAfter;
    if (typeof retryAfter === 'number' && error instanceof Error) {
      Object.assign(error, { retryAfterMs: retryAfter * 1000 });
    }
    throw error;
  }
}
