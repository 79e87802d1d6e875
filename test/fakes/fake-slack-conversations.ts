/**
 * The fake Web API's reading of conversations, as Slack answers it:
 * - conversations.history (https://docs.slack.dev/reference/methods/conversations.history): a
 *   channel's top-level messages, newest first, between `oldest` and `latest` (exclusive unless
 *   `inclusive`), at most `limit` (default 100, at most 999), paginated with `cursor`; thread replies
 *   are not in it. `channel_not_found` for an unknown channel, `not_in_channel` where the bot is not a member.
 * - conversations.replies (…/conversations.replies): a thread, parent first then its replies oldest
 *   first, given the parent's `ts` or a reply's (Slack answers the whole thread either way), with the
 *   same `oldest`, `latest`, `inclusive`, `limit` and `cursor`; `thread_not_found` for a ts it does not know.
 * - conversations.list (…/conversations.list): channels of `types` (default public_channel), without
 *   archived ones when `exclude_archived`, at most `limit` a page (default 100, at most 1000), with
 *   `response_metadata.next_cursor` while more remain.
 * Also bookmarks.add, conversations.archive and conversations.unarchive.
 */
import type { FakeMessage, FakeSlackState, MethodHandler, Params } from './fake-slack-methods.ts';

type Failure = { ok: false; error: string };

function str(params: Params, key: string): string | undefined {
  const value = params[key];
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** Slack sends booleans in forms as `true`/`1`. */
function bool(params: Params, key: string): boolean {
  const value = params[key];
  return value === true || value === 'true' || value === '1' || value === 1;
}

/** A cursor is opaque to callers; the fake's is the offset of the next page. */
function page<T>(items: T[], params: Params, max: number): { items: T[]; next: string } | Failure {
  const limit = Number(str(params, 'limit') ?? 100);
  if (!Number.isInteger(limit) || limit < 1) return { ok: false, error: 'invalid_limit' };
  const cursor = str(params, 'cursor');
  const offset = cursor === undefined ? 0 : Number(/^offset:(\d+)$/.exec(atob(cursor))?.[1] ?? NaN);
  if (!Number.isInteger(offset)) return { ok: false, error: 'invalid_cursor' };
  const size = Math.min(limit, max);
  const slice = items.slice(offset, offset + size);
  return { items: slice, next: offset + size < items.length ? btoa(`offset:${String(offset + size)}`) : '' };
}

/** The messages between `oldest` and `latest`, as conversations.history and .replies read them. */
function within(messages: FakeMessage[], params: Params): FakeMessage[] {
  const inclusive = bool(params, 'inclusive');
  const latest = str(params, 'latest');
  const oldest = str(params, 'oldest');
  return messages.filter((m) => {
    const t = Number(m.ts);
    if (latest !== undefined && (inclusive ? t > Number(latest) : t >= Number(latest))) return false;
    if (oldest !== undefined && (inclusive ? t < Number(oldest) : t <= Number(oldest))) return false;
    return true;
  });
}

function readable(state: FakeSlackState, channel: string | undefined): Failure | null {
  if (channel === undefined) return { ok: false, error: 'channel_not_found' };
  const known = state.channels.get(channel);
  if (known === undefined)
    return state.history.has(channel) ? null : { ok: false, error: 'channel_not_found' };
  return known.members.has(state.identity.botUserId) ? null : { ok: false, error: 'not_in_channel' };
}

function paged(messages: FakeMessage[], params: Params): object {
  const got = page(messages, params, 999);
  if ('ok' in got) return got;
  return {
    ok: true,
    messages: got.items,
    has_more: got.next !== '',
    response_metadata: { next_cursor: got.next },
  };
}

export const CONVERSATION_METHODS: Record<string, MethodHandler> = {
  'conversations.history': (params, state) => {
    const channel = str(params, 'channel');
    const refused = readable(state, channel);
    if (refused !== null || channel === undefined)
      return refused ?? { ok: false, error: 'channel_not_found' };
    const top = (state.history.get(channel) ?? []).filter(
      (m) => m.thread_ts === undefined || m.thread_ts === m.ts,
    );
    const newestFirst = [...within(top, params)].sort((a, b) => Number(b.ts) - Number(a.ts));
    return paged(newestFirst, params) as ReturnType<MethodHandler>;
  },

  'conversations.replies': (params, state) => {
    const channel = str(params, 'channel');
    const refused = readable(state, channel);
    if (refused !== null || channel === undefined)
      return refused ?? { ok: false, error: 'channel_not_found' };
    const ts = str(params, 'ts');
    const all = state.history.get(channel) ?? [];
    const found = all.find((m) => m.ts === ts);
    if (ts === undefined || found === undefined) return { ok: false, error: 'thread_not_found' };
    const parent = found.thread_ts ?? found.ts;
    const thread = all
      .filter((m) => m.ts === parent || m.thread_ts === parent)
      .sort((a, b) => Number(a.ts) - Number(b.ts));
    return paged(within(thread, params), params) as ReturnType<MethodHandler>;
  },

  'conversations.list': (params, state) => {
    const types = (str(params, 'types') ?? 'public_channel').split(',');
    if (!types.includes('public_channel'))
      return { ok: true, channels: [], response_metadata: { next_cursor: '' } };
    const channels = [...state.channels.entries()]
      .filter(([, c]) => !(bool(params, 'exclude_archived') && c.archived))
      .map(([id, c]) => ({
        id,
        name: c.name,
        is_channel: true,
        is_private: false,
        is_archived: c.archived,
        created: 1767607200,
        creator: c.creator,
        is_member: c.members.has(state.identity.botUserId),
        num_members: c.members.size,
        topic: { value: c.topic },
        purpose: { value: c.purpose },
      }));
    const got = page(channels, params, 1000);
    if ('ok' in got) return got;
    return { ok: true, channels: got.items, response_metadata: { next_cursor: got.next } };
  },

  // https://docs.slack.dev/reference/methods/bookmarks.add: channel_id, title, type (only `link`) and
  // link; a conversation holds at most 100 bookmarks.
  'bookmarks.add': (params, state) => {
    const id = str(params, 'channel_id');
    const channel = id === undefined ? undefined : state.channels.get(id);
    if (id === undefined || channel === undefined) return { ok: false, error: 'channel_not_found' };
    if (channel.archived) return { ok: false, error: 'is_archived' };
    const title = str(params, 'title');
    const link = str(params, 'link');
    if (title === undefined || str(params, 'type') !== 'link' || link === undefined)
      return { ok: false, error: 'invalid_arguments' };
    if (!/^https?:\/\//.test(link)) return { ok: false, error: 'invalid_link' };
    if (channel.bookmarks.length >= 100) return { ok: false, error: 'too_many_bookmarks' };
    channel.bookmarks.push({ title, link });
    return {
      ok: true,
      bookmark: { id: `Bk${String(channel.bookmarks.length)}`, channel_id: id, title, link, type: 'link' },
    };
  },

  // https://docs.slack.dev/reference/methods/conversations.archive (already_archived) and
  // conversations.unarchive (not_archived). Nothing can be posted in an archived channel.
  'conversations.archive': (params, state) => {
    const id = str(params, 'channel');
    const channel = id === undefined ? undefined : state.channels.get(id);
    if (id === undefined || channel === undefined) return { ok: false, error: 'channel_not_found' };
    if (channel.archived) return { ok: false, error: 'already_archived' };
    channel.archived = true;
    state.refusals.set(id, 'is_archived');
    return { ok: true };
  },
  'conversations.unarchive': (params, state) => {
    const id = str(params, 'channel');
    const channel = id === undefined ? undefined : state.channels.get(id);
    if (id === undefined || channel === undefined) return { ok: false, error: 'channel_not_found' };
    if (!channel.archived) return { ok: false, error: 'not_archived' };
    channel.archived = false;
    state.refusals.delete(id);
    return { ok: true };
  },
};
