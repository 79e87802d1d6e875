/** The Web API methods the fake answers, shaped like Slack's own answers (only the fields we read). */

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
  channels: Map<string, { name: string; members: Set<string> }>;
  /** Message timestamps handed out so far; chat.update and pins.add only accept these. */
  messages: Set<string>;
  nextTs: number;
  nextChannel: number;
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
    if (channel === undefined || !knownChannel(state, channel))
      return { ok: false, error: 'channel_not_found' };
    if (!hasContent(params)) return { ok: false, error: 'no_text' };
    const ts = newTs(state);
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
    if (channel === undefined || !knownChannel(state, channel))
      return { ok: false, error: 'channel_not_found' };
    if (ts === undefined || !state.messages.has(ts)) return { ok: false, error: 'message_not_found' };
    if (!hasContent(params)) return { ok: false, error: 'no_text' };
    return { ok: true, channel, ts, text: str(params, 'text') ?? '' };
  },

  'chat.postEphemeral': (params, state) => {
    const channel = str(params, 'channel');
    if (channel === undefined || !knownChannel(state, channel))
      return { ok: false, error: 'channel_not_found' };
    if (str(params, 'user') === undefined) return { ok: false, error: 'user_not_in_channel' };
    if (!hasContent(params)) return { ok: false, error: 'no_text' };
    return { ok: true, message_ts: newTs(state) };
  },

  'usergroups.users.list': (params, state) => {
    const group = str(params, 'usergroup');
    const members = group === undefined ? undefined : state.groups.get(group);
    if (members === undefined) return { ok: false, error: 'no_such_subteam' };
    return { ok: true, users: [...members] };
  },

  'conversations.create': (params, state) => {
    const name = str(params, 'name');
    if (name === undefined || !/^[a-z0-9_-]{1,80}$/.test(name)) return { ok: false, error: 'invalid_name' };
    if ([...state.channels.values()].some((c) => c.name === name)) return { ok: false, error: 'name_taken' };
    state.nextChannel += 1;
    const id = `C9FAKE${String(state.nextChannel).padStart(4, '0')}`;
    state.channels.set(id, { name, members: new Set([state.identity.botUserId]) });
    return {
      ok: true,
      channel: { id, name, is_channel: true, is_private: params.is_private === 'true', created: 1767607200 },
    };
  },

  'conversations.invite': (params, state) => {
    const id = str(params, 'channel');
    const channel = id === undefined ? undefined : state.channels.get(id);
    if (id === undefined || channel === undefined) return { ok: false, error: 'channel_not_found' };
    const users = (str(params, 'users') ?? '').split(',').filter((u) => u !== '');
    if (users.length === 0) return { ok: false, error: 'no_user' };
    if (users.every((u) => channel.members.has(u))) return { ok: false, error: 'already_in_channel' };
    for (const u of users) channel.members.add(u);
    return { ok: true, channel: { id, name: channel.name, is_channel: true } };
  },

  'pins.add': (params, state) => {
    const channel = str(params, 'channel');
    const ts = str(params, 'timestamp');
    if (channel === undefined || !knownChannel(state, channel))
      return { ok: false, error: 'channel_not_found' };
    if (ts === undefined || !state.messages.has(ts)) return { ok: false, error: 'message_not_found' };
    return { ok: true };
  },
};
