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
 * Over a WebClient built WITHOUT `rejectRateLimitedCalls`: on a 429 it waits out Retry-After and
 * retries by itself, so a rate limit only delays a card edit.
 */
export function webClientChat(client: webApi.WebClient): CardChat {
  return {
    post: async (channel, message, threadTs) => {
      const res = await client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as never,
        ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
        unfurl_links: false,
      });
      if (res.ts === undefined) throw new Error('chat.postMessage answered without a ts');
      return { channel: res.channel ?? channel, ts: res.ts };
    },
    update: async (location, message) => {
      await client.chat.update({
        channel: location.channel,
        ts: location.ts,
        text: message.text,
        blocks: message.blocks as never,
      });
    },
  };
}
