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
