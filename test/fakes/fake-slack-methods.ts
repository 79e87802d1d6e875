/** The Web API methods the fake answers, shaped like Slack's own answers (only the fields we read). */
import { checkMessage } from './fake-block-kit.ts';

/**
 * Why Slack refuses the bot a channel: it is not a member of the public channel (`not_in_channel`, the
 * bot has chat:write but not chat:write.public), cannot see it (a private channel it is not in, or one
 * deleted: `channel_not_found`), or the channel is archived (`is_archived`).
 */
export type ChannelRefusal = 'not_in_channel' | 'channel_not_found' | 'is_archived';

export interface FakeSlackIdentity {
  teamId: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
}

export interface FakeSlackState {
  identity: FakeSlackIdentity;
  /** User group id → member user ids, as usergroups.users.list answers them. */
  groups: Map<string, string[]>;
  /** Channel id → name and members, for conversations.create/invite and pins.add. */
  channels: Map<string, FakeChannel>;
  /** Message timestamps handed out so far; chat.update and pins.add only accept these. */
  messages: Set<string>;
  nextTs: number;
  nextChannel: number;
  /** Channels where the bot may not post, and what Slack answers there. */
  refusals: Map<string, ChannelRefusal>;
  /** Channel id → its messages in the order posted (people's and the bot's), for conversations.history. */
  history: Map<string, FakeMessage[]>;
}

/** A message as conversations.history answers it (the fields Deckhand reads). */
export interface FakeMessage {
  type: 'message';
  ts: string;
  text: string;
  user?: string;
  bot_id?: string;
  /** Set on a thread's replies (and its parent, once it has replies): the parent's ts. */
  thread_ts?: string;
}

/** A channel the fake created (or a test took the name of): its members, topic, purpose and pins. */
export interface FakeChannel {
  name: string;
  members: Set<string>;
  topic: string;
  purpose: string;
  pins: Set<string>;
  /** Bookmarks in the channel header, in the order added (bookmarks.add). */
  bookmarks: Array<{ title: string; link: string }>;
  archived: boolean;
  /** Who created it (conversations.list's `creator`). */
  creator: string;
}

export type Params = Record<string, unknown>;
export type Answer = { ok: true } & Record<string, unknown>;
export type MethodHandler = (params: Params, state: FakeSlackState) => Answer | { ok: false; error: string };

function str(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function newTs(state: FakeSlackState): string {
  state.nextTs += 1;
  const ts = `1767607200.${String(state.nextTs).padStart(6, '0')}`;
  state.messages.add(ts);
  return ts;
}

/** Slack accepts a message with text, blocks or attachments; blocks arrive JSON-encoded in a form post. */
function hasContent(params: Params): boolean {
  return str(params, 'text') !== undefined || params.blocks !== undefined || params.attachments !== undefined;
}

/** What Slack answers a post to this channel, or null when it takes it (content is checked after). */
function postRefusal(state: FakeSlackState, channel: string | undefined): string | null {
  if (channel === undefined || !knownChannel(state, channel)) return 'channel_not_found';
  return state.refusals.get(channel) ?? null;
}

/** Slack checks a message's blocks and text before posting it; so does the fake. */
function contentRefusal(params: Params): { ok: false; error: string; response_metadata: object } | null {
  const refused = checkMessage(params);
  return refused === null
    ? null
    : { ok: false, error: refused.error, response_metadata: { messages: refused.messages } };
}

function knownChannel(state: FakeSlackState, channel: string): boolean {
  // Channels the fake did not create are taken as existing public channels, like those in deckhand.yml.
  return state.channels.has(channel) || /^[CGD][A-Z0-9]+$/.test(channel);
}

export const METHODS: Record<string, MethodHandler> = {
  'auth.test': (_params, { identity }) => ({
    ok: true,
    url: `https://${identity.teamDomain}.slack.com/`,
    team: 'Deckhand Test',
    user: 'deckhand',
    team_id: identity.teamId,
    user_id: identity.botUserId,
    bot_id: identity.botId,
    is_enterprise_install: false,
  }),

  'chat.postMessage': (params, state) => {
    const channel = str(params, 'channel');
    const refused = postRefusal(state, channel);
    if (refused !== null || channel === undefined)
      return { ok: false, error: refused ?? 'channel_not_found' };
    if (!hasContent(params)) return { ok: false, error: 'no_text' };
    const bad = contentRefusal(params);
    if (bad !== null) return bad;
    const ts = newTs(state);
    const threadTs = str(params, 'thread_ts');
    const kept: FakeMessage = {
      type: 'message',
      ts,
      text: str(params, 'text') ?? '',
      user: state.identity.botUserId,
      bot_id: state.identity.botId,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
    };
    state.history.set(channel, [...(state.history.get(channel) ?? []), kept]);
    return {
      ok: true,
      channel,
      ts,
      message: {
        type: 'message',
        user: state.identity.botUserId,
        bot_id: state.identity.botId,
        text: str(params, 'text') ?? '',
        ts,
        ...(str(params, 'thread_ts') === undefined ? {} : { thread_ts: str(params, 'thread_ts') }),
      },
    };
  },

  'chat.update': (params, state) => {
    const channel = str(params, 'channel');
    const ts = str(params, 'ts');
    const refused = postRefusal(state, channel);
    // A bot removed from a channel can still edit its own messages there; archived channels take no edits.
    if (refused === 'channel_not_found' || refused === 'is_archived' || channel === undefined)
      return { ok: false, error: refused ?? 'channel_not_found' };
    if (ts === undefined || !state.messages.has(ts)) return { ok: false, error: 'message_not_found' };
    if (!hasContent(params)) return { ok: false, error: 'no_text' };
    const bad = contentRefusal(params);
    if (bad !== null) return bad;
    return { ok: true, channel, ts, text: str(params, 'text') ?? '' };
  },

  'chat.postEphemeral': (params, state) => {
    const channel = str(params, 'channel');
    const refused = postRefusal(state, channel);
    if (refused !== null || channel === undefined)
      return { ok: false, error: refused ?? 'channel_not_found' };
    if (str(params, 'user') === undefined) return { ok: false, error: 'user_not_in_channel' };
    if (!hasContent(params)) return { ok: false, error: 'no_text' };
    const bad = contentRefusal(params);
    if (bad !== null) return bad;
    return { ok: true, message_ts: newTs(state) };
  },

  'chat.getPermalink': (params, state) => {
    const channel = str(params, 'channel');
    const ts = str(params, 'message_ts');
    if (channel === undefined || !knownChannel(state, channel))
      return { ok: false, error: 'channel_not_found' };
    if (ts === undefined || !state.messages.has(ts)) return { ok: false, error: 'message_not_found' };
    return {
      ok: true,
      channel,
      permalink: `https://${state.identity.teamDomain}.slack.com/archives/${channel}/p${ts.replace('.', '')}`,
    };
  },

  'usergroups.users.list': (params, state) => {
    const group = str(params, 'usergroup');
    const members = group === undefined ? undefined : state.groups.get(group);
    if (members === undefined) return { ok: false, error: 'no_such_subteam' };
    return { ok: true, users: [...members] };
  },

  // Slack's name rules: lowercase letters, numbers, hyphens and underscores, at most 80 characters
  // (https://docs.slack.dev/reference/methods/conversations.create#errors: invalid_name_specials,
  // invalid_name_maxlength, invalid_name_required, name_taken).
  'conversations.create': (params, state) => {
    const name = str(params, 'name');
    if (name === undefined) return { ok: false, error: 'invalid_name_required' };
    if (name.length > 80) return { ok: false, error: 'invalid_name_maxlength' };
    if (!/^[a-z0-9_-]+$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
    if ([...state.channels.values()].some((c) => c.name === name)) return { ok: false, error: 'name_taken' };
    state.nextChannel += 1;
    const id = `C9FAKE${String(state.nextChannel).padStart(4, '0')}`;
    state.channels.set(id, {
      name,
      members: new Set([state.identity.botUserId]),
      topic: '',
      purpose: '',
      pins: new Set(),
      bookmarks: [],
      archived: false,
      creator: state.identity.botUserId,
    });
    return {
      ok: true,
      channel: { id, name, is_channel: true, is_private: params.is_private === 'true', created: 1767607200 },
    };
  },

  // https://docs.slack.dev/reference/methods/conversations.invite#errors: cant_invite_self,
  // already_in_channel (every user already a member), no_user; at most 1000 ids a call.
  'conversations.invite': (params, state) => {
    const id = str(params, 'channel');
    const channel = id === undefined ? undefined : state.channels.get(id);
    if (id === undefined || channel === undefined) return { ok: false, error: 'channel_not_found' };
    const users = (str(params, 'users') ?? '').split(',').filter((u) => u !== '');
    if (users.length === 0) return { ok: false, error: 'no_user' };
    if (users.length > 1000) return { ok: false, error: 'too_many_users' };
    if (users.includes(state.identity.botUserId)) return { ok: false, error: 'cant_invite_self' };
    if (users.some((u) => !/^[UW][A-Z0-9]+$/.test(u))) return { ok: false, error: 'user_not_found' };
    if (users.every((u) => channel.members.has(u))) return { ok: false, error: 'already_in_channel' };
    for (const u of users) channel.members.add(u);
    return { ok: true, channel: { id, name: channel.name, is_channel: true } };
  },

  // Topic and purpose: at most 250 characters (too_long), https://docs.slack.dev/reference/methods/conversations.setTopic
  'conversations.setTopic': (params, state) => setText(params, state, 'topic'),
  'conversations.setPurpose': (params, state) => setText(params, state, 'purpose'),

  'pins.add': (params, state) => {
    const channel = str(params, 'channel');
    const ts = str(params, 'timestamp');
    if (channel === undefined || !knownChannel(state, channel))
      return { ok: false, error: 'channel_not_found' };
    if (ts === undefined || !state.messages.has(ts)) return { ok: false, error: 'message_not_found' };
    const created = state.channels.get(channel);
    if (created !== undefined) {
      if (created.pins.has(ts)) return { ok: false, error: 'already_pinned' };
      created.pins.add(ts);
    }
    return { ok: true };
  },
};

function setText(
  params: Params,
  state: FakeSlackState,
  field: 'topic' | 'purpose',
): Answer | { ok: false; error: string } {
  const id = str(params, 'channel');
  const channel = id === undefined ? undefined : state.channels.get(id);
  if (id === undefined || channel === undefined) return { ok: false, error: 'channel_not_found' };
  const text = typeof params[field] === 'string' ? params[field] : '';
  if (text.length > 250) return { ok: false, error: 'too_long' };
  channel[field] = text;
  return { ok: true, [field]: text };
}
