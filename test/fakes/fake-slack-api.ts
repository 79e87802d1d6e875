import { FakeOpenId } from './fake-slack-openid.ts';
import type {
  FakeSlackApi,
  FakeSlackCall,
  FakeSlackOptions,
  FakeSlackResponse,
} from './fake-slack-api-types.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkMessage } from './fake-block-kit.ts';
import {
  type FakeMessage,
  METHODS,
  type FakeSlackIdentity,
  type FakeSlackState,
} from './fake-slack-methods.ts';
import { decodeBody, readText, tokenOf } from './read-body.ts';
import { CONVERSATION_METHODS } from './fake-slack-conversations.ts';
import { viewsOpen, viewsPublish, type FakeViewsState, type PublishedHomes } from './fake-slack-views.ts';

export type {
  FakeSlackApi,
  FakeSlackCall,
  FakeSlackOptions,
  FakeSlackResponse,
  HeldCall,
} from './fake-slack-api-types.ts';

const DEFAULT_IDENTITY: FakeSlackIdentity = {
  teamId: 'T000DECK',
  teamDomain: 'deckhand-test',
  botUserId: 'U000BOT',
  botId: 'B000BOT',
  appId: 'A000DECK',
};

/** A loopback Slack Web API: POST /api/<method>, Bearer token, form or JSON bodies, Slack-shaped answers. */
export async function startFakeSlackApi(options: FakeSlackOptions = {}): Promise<FakeSlackApi> {
  const state: FakeSlackState = {
    identity: { ...DEFAULT_IDENTITY, ...options.identity },
    groups: new Map(Object.entries(options.groups ?? {})),
    channels: new Map(),
    messages: new Set(),
    nextTs: 0,
    nextChannel: 0,
    refusals: new Map(),
    history: new Map(),
  };
  const views: FakeViewsState = { views: [], exchanged: new Set(), now: options.now ?? Date.now };
  const calls: FakeSlackCall[] = [];
  const homes: PublishedHomes = new Map();
  const responses: FakeSlackResponse[] = [];
  const limits = new Map<string, { retryAfter: number; left: number }>();
  const holds = new Map<string, { arrived: (call: FakeSlackCall) => void; gate: Promise<void> }[]>();
  const waiters: { id: string | undefined; resolve: (r: FakeSlackResponse) => void }[] = [];
  const releases: (() => void)[] = [];
  let down = false;
  let refused = 0;
  let socketModeUrl: string | null = null;
  const cuts = new Set<string>();
  let userTs = 0;
  const openId = new FakeOpenId();

  const accepts = (token: string | null): boolean =>
    token !== null &&
    (options.tokens === undefined ? /^xox[bp]-/.test(token) : options.tokens.includes(token));

  async function api(method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readText(req);
    const query = Object.fromEntries(new URL(req.url ?? '/', 'http://fake').searchParams);
    const body = decodeBody(text, req.headers['content-type']);
    const params = { ...query, ...body.params };
    const token = tokenOf(req, body);
    const limit = limits.get(method);
    const call: FakeSlackCall = {
      method,
      params,
      token,
      contentType: body.contentType,
      status: limit !== undefined && limit.left > 0 ? 429 : 200,
    };
    calls.push(call);

    const held = holds.get(method)?.shift();
    if (held !== undefined) {
      held.arrived(call);
      await held.gate;
    }
    if (limit !== undefined && limit.left > 0) {
      limit.left -= 1;
      return json(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limit.retryAfter) });
    }
    // Authenticated by the app's client id and secret in the body, not a token.
    if (method === 'openid.connect.token') return json(res, 200, openId.token(params, state.identity.teamId));
    if (token === null) return json(res, 200, { ok: false, error: 'not_authed' });
    // Only an app-level token (xapp-, scope connections:write) opens a Socket Mode connection:
    // https://api.slack.com/methods/apps.connections.open
    if (method === 'apps.connections.open') {
      if (!token.startsWith('xapp-')) return json(res, 200, { ok: false, error: 'not_allowed_token_type' });
      if (socketModeUrl === null) return json(res, 200, { ok: false, error: 'socket_mode_not_enabled' });
      return json(res, 200, { ok: true, url: socketModeUrl });
    }
    if (!accepts(token)) return json(res, 200, { ok: false, error: 'invalid_auth' });
    if (method === 'views.publish') {
      return json(res, 200, { response_metadata: { warnings: [] }, ...viewsPublish(params, homes) });
    }
    if (method === 'views.open') {
      return json(res, 200, { response_metadata: { warnings: [] }, ...viewsOpen(params, views) });
    }
    const handler = METHODS[method] ?? CONVERSATION_METHODS[method];
    if (handler === undefined) return json(res, 200, { ok: false, error: 'unknown_method' });
    const answer = handler(params, state);
    // Slack did it, but its answer never arrives: the caller is cut off (or crashed) before reading it.
    if (cuts.delete(method)) {
      req.socket.destroy();
      return;
    }
    json(res, 200, { response_metadata: { warnings: [] }, ...answer });
  }

  /**
   * A response_url takes up to 5 messages (https://api.slack.com/interactivity/handling#message_responses),
   * each checked like a Web API post: blocks Slack would refuse are answered 400 `invalid_blocks`.
   */
  async function responseUrl(id: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = decodeBody(await readText(req), req.headers['content-type']);
    const used = responses.filter((r) => r.id === id && r.status === 200).length;
    const refused = checkMessage(body.params);
    const status = used >= 5 ? 404 : refused !== null ? 400 : 200;
    const response = { id, body: body.params, status };
    responses.push(response);
    if (status === 404) return json(res, 404, { ok: false, error: 'used_url' });
    if (refused !== null) {
      return json(res, 400, {
        ok: false,
        error: refused.error,
        response_metadata: { messages: refused.messages },
      });
    }
    for (const waiter of waiters.filter((w) => w.id === undefined || w.id === id)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(response);
    }
    json(res, 200, { ok: true });
  }

  const server = createServer((req, res) => {
    if (down) {
      refused += 1;
      req.socket.destroy();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (path === '/openid/connect/authorize')
      return openId.authorize(new URL(req.url ?? '/', 'http://fake'), res);
    const apiMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(path);
    const responseMatch = /^\/response\/([A-Za-z0-9_-]+)$/.exec(path);
    const handle =
      apiMatch?.[1] !== undefined && (req.method === 'POST' || req.method === 'GET')
        ? api(apiMatch[1], req, res)
        : responseMatch?.[1] !== undefined && req.method === 'POST'
          ? responseUrl(responseMatch[1], req, res)
          : Promise.resolve(json(res, 404, { ok: false, error: 'not_found' }));
    handle.catch((error: unknown) => {
      // A malformed body is the caller's fault; Slack answers such requests with invalid_form_data.
      if (!res.headersSent) json(res, 200, { ok: false, error: 'invalid_form_data', detail: String(error) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  return {
    url: `${base}api/`,
    calls,
    responses,
    callsTo: (method) => calls.filter((c) => c.method === method),
    responseUrl: (id = randomUUID()) => `${base}response/${id}`,
    waitForResponse: (id) => {
      const seen = responses.find((r) => r.status === 200 && (id === undefined || r.id === id));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ id, resolve }));
    },
    rateLimit: (method, retryAfterSeconds, times = 1) => {
      limits.set(method, { retryAfter: retryAfterSeconds, left: times });
    },
    hold: (method) => {
      let release = (): void => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      releases.push(release);
      let arrived = (_call: FakeSlackCall): void => undefined;
      const reached = new Promise<FakeSlackCall>((resolve) => (arrived = resolve));
      const queue = holds.get(method) ?? [];
      queue.push({ arrived, gate });
      holds.set(method, queue);
      return { reached, release };
    },
    setDown: (value) => {
      down = value;
    },
    get refused() {
      return refused;
    },
    channels: state.channels,
    views: views.views,
    homes,
    takeChannelName: (name) => {
      state.nextChannel += 1;
      state.channels.set(`C9TAKEN${String(state.nextChannel)}`, {
        name,
        members: new Set(),
        topic: '',
        purpose: '',
        pins: new Set(),
        bookmarks: [],
        archived: false,
        creator: 'U000SOMEONE',
      });
    },
    cutAfter: (method) => {
      cuts.add(method);
    },
    postUserMessage: (channel, user, text, options = {}) => {
      userTs += 1;
      const seconds = Math.floor((options.at ?? new Date(1767607200_000)).getTime() / 1000);
      const ts = `${String(seconds)}.${String(userTs).padStart(6, '0')}`;
      state.messages.add(ts);
      const message: FakeMessage = {
        type: 'message',
        ts,
        text,
        user,
        ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
      };
      const kept = state.history.get(channel) ?? [];
      const parent = kept.find((m) => m.ts === options.threadTs);
      if (parent !== undefined) parent.thread_ts = parent.ts;
      state.history.set(channel, [...kept, message]);
      return ts;
    },
    setGroup: (group, members) => {
      state.groups.set(group, [...members]);
    },
    openId,
    refuseChannel: (channel, error) => {
      if (error === null) state.refusals.delete(channel);
      else state.refusals.set(channel, error);
    },
    setSocketModeUrl: (url) => {
      socketModeUrl = url;
    },
    close: async () => {
      for (const release of releases) release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'x-slack-req-id': randomUUID(),
    ...headers,
  });
  res.end(JSON.stringify(body));
}
