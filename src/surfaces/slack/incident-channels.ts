import type { webApi } from '@slack/bolt';
import { slackErrorCode } from './card-chat.ts';

/**
 * The slice of Slack's conversations, pins and user group APIs the incident channels use. Every
 * method answers Slack's error code as a thrown WebClient error (read it with `slackErrorCode`), except
 * where an answer means "already done" (`already_in_channel`, `already_pinned`), which is success.
 */
export interface IncidentChannels {
  /** conversations.create; throws with code `name_taken` when the name is in use. */
  create(name: string): Promise<{ id: string; name: string }>;
  /**
   * The public channel of that name (conversations.list, every page), or null: its topic and purpose,
   * how many members it has, and whether this bot created it.
   */
  find(name: string): Promise<FoundChannel | null>;
  /** conversations.invite, at most {@link INVITE_BATCH} users a call. */
  invite(channel: string, users: readonly string[]): Promise<void>;
  /** conversations.setTopic: plain text, at most 250 characters. */
  setTopic(channel: string, topic: string): Promise<void>;
  /** conversations.setPurpose: plain text, at most 250 characters. */
  setPurpose(channel: string, purpose: string): Promise<void>;
  /** pins.add. */
  pin(channel: string, ts: string): Promise<void>;
  /** usergroups.users.list: a user group's members. */
  groupMembers(group: string): Promise<string[]>;
  /** bookmarks.add, a link in the channel header. */
  bookmark(channel: string, title: string, link: string): Promise<void>;
  /** conversations.archive; an archived channel is success. */
  archive(channel: string): Promise<void>;
  /** conversations.unarchive; a channel that is not archived is success. */
  unarchive(channel: string): Promise<void>;
}

/** A channel found by name, with what tells whether Deckhand made it for an incident. */
export interface FoundChannel {
  id: string;
  name: string;
  topic: string;
  purpose: string;
  members: number;
  createdByBot: boolean;
}

/** Channels per conversations.list page (Slack: at most 1000, fewer recommended), and pages read at most. */
const LIST_PAGE = 200;
const LIST_PAGES = 100;

/**
 * Users per conversations.invite call. Slack takes up to 1000 ids a call
 * (https://docs.slack.dev/reference/methods/conversations.invite); smaller batches keep one refused
 * id from failing a large invite.
 */
export const INVITE_BATCH = 100;

/**
 * Topic and purpose are at most 250 characters and take no formatting
 * (https://docs.slack.dev/reference/methods/conversations.setTopic, …setPurpose).
 */
export const TOPIC_MAX = 250;

/** Over the surface's chat client (no retries of its own; see slack-clients.ts). */
export function webClientIncidentChannels(client: webApi.WebClient): IncidentChannels {
  let self: Promise<string | undefined> | undefined;
  const botUser = (): Promise<string | undefined> => {
    self ??= client.auth.test().then((r) => r.user_id);
    return self;
  };
  return {
    async find(name) {
      let cursor: string | undefined;
      for (let page = 0; page < LIST_PAGES; page++) {
        const res = await client.conversations.list({
          types: 'public_channel',
          limit: LIST_PAGE,
          ...(cursor === undefined ? {} : { cursor }),
        });
        const found = res.channels?.find((c) => c.name === name);
        if (found?.id !== undefined) {
          return {
            id: found.id,
            name,
            topic: found.topic?.value ?? '',
            purpose: found.purpose?.value ?? '',
            members: found.num_members ?? 0,
            createdByBot: found.creator !== undefined && found.creator === (await botUser()),
          };
        }
        cursor = res.response_metadata?.next_cursor;
        if (cursor === undefined || cursor === '') return null;
      }
      return null;
    },
    async create(name) {
      const res = await client.conversations.create({ name, is_private: false });
      const id = res.channel?.id;
      if (id === undefined) throw new Error('conversations.create answered without a channel id');
      return { id, name: res.channel?.name ?? name };
    },
    async invite(channel, users) {
      for (let i = 0; i < users.length; i += INVITE_BATCH) {
        const batch = users.slice(i, i + INVITE_BATCH);
        await alreadyDone(
          () => client.conversations.invite({ channel, users: batch.join(',') }),
          'already_in_channel',
        );
      }
    },
    async setTopic(channel, topic) {
      await client.conversations.setTopic({ channel, topic: topic.slice(0, TOPIC_MAX) });
    },
    async setPurpose(channel, purpose) {
      await client.conversations.setPurpose({ channel, purpose: purpose.slice(0, TOPIC_MAX) });
    },
    async pin(channel, ts) {
      await alreadyDone(() => client.pins.add({ channel, timestamp: ts }), 'already_pinned');
    },
    async groupMembers(group) {
      const res = await client.usergroups.users.list({ usergroup: group });
      return res.users ?? [];
    },
    async bookmark(channel, title, link) {
      await client.bookmarks.add({ channel_id: channel, title, type: 'link', link });
    },
    async archive(channel) {
      await alreadyDone(() => client.conversations.archive({ channel }), 'already_archived');
    },
    async unarchive(channel) {
      await alreadyDone(() => client.conversations.unarchive({ channel }), 'not_archived');
    },
  };
}

async function alreadyDone(call: () => Promise<unknown>, code: string): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (slackErrorCode(error) !== code) throw error;
  }
}
