/** The fake Slack Web API's interface (see fake-slack-api.ts): what tests read and steer. */
import type { FakeOpenId } from './fake-slack-openid.ts';
import type { ChannelRefusal, FakeChannel, FakeSlackIdentity, Params } from './fake-slack-methods.ts';
import type { OpenedView } from './fake-slack-views.ts';

/** One Web API call as the fake received it. Form-encoded values stay strings, as Slack sees them. */
export interface FakeSlackCall {
  method: string;
  params: Params;
  token: string | null;
  contentType: 'form' | 'json' | 'none';
  /** 429 when the fake rate-limited this attempt, 200 otherwise (Slack reports errors in the body). */
  status: number;
}

/** What Bolt's respond() (or anyone) posted to a response_url, and whether the fake took it. */
export interface FakeSlackResponse {
  id: string;
  body: Record<string, unknown>;
  /** 200 when taken; 400 for blocks Slack would refuse; 404 once the URL has been used 5 times. */
  status: number;
}

export interface FakeSlackOptions {
  identity?: Partial<FakeSlackIdentity>;
  /** User group id → members, for usergroups.users.list. Unknown groups answer no_such_subteam. */
  groups?: Record<string, string[]>;
  /** Tokens Slack would accept; by default any bot or user token (xoxb-/xoxp-) passes. */
  tokens?: string[];
  /** Slack's clock, in ms since the epoch, for a trigger_id's 3 s; default the real one. */
  now?: () => number;
}

/** A call held open until the test lets it go: a slow Slack without sleeping. */
export interface HeldCall {
  /** Resolves when the held call has arrived. */
  reached: Promise<FakeSlackCall>;
  release(): void;
}

export interface FakeSlackApi {
  /** The Web API base, with the trailing slash WebClient's slackApiUrl expects: http://127.0.0.1:N/api/ */
  url: string;
  calls: FakeSlackCall[];
  responses: FakeSlackResponse[];
  callsTo(method: string): FakeSlackCall[];
  /** A fresh response_url on the fake: POST /response/<id>. */
  responseUrl(id?: string): string;
  /** Resolves with the first response posted to that id (or to any id), including one already received. */
  waitForResponse(id?: string): Promise<FakeSlackResponse>;
  /** The next `times` calls of `method` get HTTP 429 with Retry-After: retryAfterSeconds. */
  rateLimit(method: string, retryAfterSeconds: number, times?: number): void;
  /** The next call of `method` waits until released. */
  hold(method: string): HeldCall;
  /**
   * Slack is down (true) or back (false): while down, every connection is cut before an answer, as
   * when Slack or the network between is gone. Cut attempts are counted, not recorded as calls.
   */
  setDown(down: boolean): void;
  /** Requests cut while Slack was down. */
  readonly refused: number;
  setGroup(group: string, members: string[]): void;
  /** The channels the fake holds (created through conversations.create, or taken with takeChannelName). */
  readonly channels: ReadonlyMap<string, FakeChannel>;
  /**
   * The next call of `method` is carried out, but its answer never arrives: the connection is cut, as
   * when Deckhand crashes (or the network fails) between Slack acting and Deckhand hearing of it.
   */
  cutAfter(method: string): void;
  /**
   * Someone posts a message (in a thread with `threadTs`) at `at` (default the fake's first ts):
   * conversations.history and .replies return it. Returns its ts.
   */
  postUserMessage(
    channel: string,
    user: string,
    text: string,
    options?: { at?: Date; threadTs?: string },
  ): string;
  /** A channel of this name exists already: conversations.create answers name_taken for it. */
  takeChannelName(name: string): void;
  /** From now on the bot may not post in `channel`, and Slack says why; null lets it post again. */
  refuseChannel(channel: string, error: ChannelRefusal | null): void;
  /** Each user's Home tab as views.publish last set it, with its hash. */
  readonly homes: ReadonlyMap<string, { view: Record<string, unknown>; hash: string }>;
  /** The modals views.open opened, in order, with the ids Slack gave them. */
  readonly views: readonly OpenedView[];
  /**
   * Where `apps.connections.open` sends Socket Mode clients (a `ws://` URL of a test's WebSocket
   * server, see fake-socket-mode.ts). Unset, the method answers as for an app without Socket Mode.
   */
  setSocketModeUrl(url: string): void;
  /** Sign in with Slack: who the authorize page signs in, and the app's client credentials. */
  readonly openId: FakeOpenId;
  close(): Promise<void>;
}
