import { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { CALL_TIMEOUTS, type CallTimeouts } from '../../config/timing.ts';
import { DeckhandError } from '../../core/errors.ts';
import type { ApiCallRecorder } from '../../metrics/api-calls.ts';
import { boltLogger } from './bolt-logger.ts';
import { observedFetch } from './observed-fetch.ts';

/** How to reach Slack and who Deckhand is there; read from the environment by the config loader. */
export interface SlackConnection {
  /** The bot token, `xoxb-…`. */
  botToken: string;
  /** Another Web API base URL (a proxy, or a test server); default https://slack.com/api/. */
  apiUrl?: string | undefined;
  /** Verifies HTTP requests from Slack (HTTP mode). */
  signingSecret?: string | undefined;
  /** An app-level token, `xapp-…`: Socket Mode instead of HTTP. */
  appToken?: string | undefined;
  /** With both set, Bolt skips its `auth.test` call at start. */
  botId?: string | undefined;
  botUserId?: string | undefined;
}

/** The Web API clients Deckhand's Slack surface uses, built once with the settings production uses. */
export interface SlackClients {
  /**
   * For lookups in the policy path (user group members): one retry within `slackLookupMs` (5 s) in all. A short 429 is
   * waited out (Retry-After) and tried once more, so a rate-limited Slack delays an answer (it then
   * comes through response_url) instead of denying someone their roles; a longer one fails, and the
   * directory keeps its cached answer. Only lookups share this client's queue.
   */
  lookups: webApi.WebClient;
  /**
   * For posting and editing cards: a `slackChatMs` (10 s) timeout, no retries of its own, 429s reported with their
   * Retry-After. The card sink retries with the newest state, so Slack never receives a stale edit
   * late, and a Slack that was down gets one edit when it is back.
   */
  chat: webApi.WebClient;
}

/** Which deadlines the Slack clients use; production's are `CALL_TIMEOUTS`. */
export type SlackTimeouts = Pick<CallTimeouts, 'slackLookupMs' | 'slackChatMs' | 'slackReplyMs'>;

/**
 * Builds both clients. `calls`: told of every request (Web API method, status class) and 429 (with
 * the Retry-After the lookups client waits out; the chat client waits none, its sink pauses), for
 * metrics.
 */
export function createSlackClients(
  connection: SlackConnection,
  logger: Logger,
  timeouts: SlackTimeouts = CALL_TIMEOUTS,
  calls?: ApiCallRecorder,
): SlackClients {
  const base = {
    ...(connection.apiUrl === undefined ? {} : { slackApiUrl: withSlash(connection.apiUrl) }),
    logger: boltLogger(logger),
    ...(calls === undefined ? {} : { fetch: observedFetch(globalThis.fetch, calls) }),
  };
  const lookups = new webApi.WebClient(connection.botToken, {
    ...base,
    timeout: timeouts.slackLookupMs,
    retryConfig: { retries: 1 },
  });
  const chat = new webApi.WebClient(connection.botToken, {
    ...base,
    timeout: timeouts.slackChatMs,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
  });
  if (calls !== undefined) {
    lookups.on(webApi.WebClientEvent.RATE_LIMITED, (seconds: number) => calls.rateLimited('slack', seconds));
    chat.on(webApi.WebClientEvent.RATE_LIMITED, () => calls.rateLimited('slack', 0));
  }
  return { lookups, chat };
}

/**
 * The options of the Web API client Bolt builds for itself (`app.client`: ephemeral answers to clicks,
 * `auth.test` at start without a bot id) and of its `respond` (replies through `response_url`, which
 * goes through `fetch`). WebClient's default is no timeout and ten retries over half an hour; here
 * every request ends within `slackReplyMs` and is retried once.
 */
export function boltClientOptions(
  apiUrl: string | undefined,
  timeouts: SlackTimeouts = CALL_TIMEOUTS,
  calls?: ApiCallRecorder,
): webApi.WebClientOptions {
  const ms = timeouts.slackReplyMs;
  const deadlined: typeof fetch = (input, init) => {
    const deadline = AbortSignal.timeout(ms);
    return fetch(input, {
      ...init,
      signal: init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline,
    });
  };
  const timedFetch = calls === undefined ? deadlined : observedFetch(deadlined, calls);
  return {
    ...(apiUrl === undefined ? {} : { slackApiUrl: withSlash(apiUrl) }),
    timeout: ms,
    retryConfig: { retries: 1 },
    fetch: timedFetch,
  };
}

/**
 * Asks Slack who the token belongs to, so a wrong token fails at start instead of showing as silence.
 *
 * @throws DeckhandError `slack_failed`: Slack unreachable (check the network or SLACK_API_URL) or the
 *   token refused (check SLACK_BOT_TOKEN).
 */
export async function checkSlackToken(clients: SlackClients, connection: SlackConnection): Promise<void> {
  try {
    await clients.lookups.auth.test();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The Web API client marks transport failures with this code; anything else is Slack's answer.
    const unreachable = (error as { code?: unknown }).code === 'slack_webapi_request_error';
    throw new DeckhandError(
      'slack_failed',
      unreachable
        ? `Deckhand cannot reach Slack at ${connection.apiUrl ?? 'https://slack.com/api/'} (${message}). Check the network, or SLACK_API_URL.`
        : `Slack refused the bot token (${message}). Check SLACK_BOT_TOKEN.`,
      { cause: error },
    );
  }
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
