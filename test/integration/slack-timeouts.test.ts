import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DeckhandError } from '../../src/core/errors.ts';
import { createSlackApp } from '../../src/surfaces/slack/slack-app.ts';
import {
  boltClientOptions,
  checkSlackToken,
  createSlackClients,
  type SlackTimeouts,
} from '../../src/surfaces/slack/slack-clients.ts';
import { startHarness } from '../support/deckhand-harness.ts';
import { startStallingServer, type StallingServer } from '../support/stalling-server.ts';

// Small real deadlines: these tests only wait for answers that never come.
const TIMEOUTS: SlackTimeouts = { slackLookupMs: 50, slackChatMs: 50, slackReplyMs: 50 };
const logger = pino({ level: 'silent' });

let stall: StallingServer | undefined;
afterEach(async () => {
  await stall?.close();
  stall = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('every Slack client gives up on a Slack that never answers', () => {
  it("Deckhand's card and lookup clients", async () => {
    stall = await startStallingServer({ mode: 'silent' });
    const connection = { botToken: 'xoxb-test', apiUrl: stall.url };
    const clients = createSlackClients(connection, logger, TIMEOUTS);
    const posted = await rejection(clients.chat.chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(posted).toMatchObject({ code: 'slack_webapi_request_error' });
    const looked = await rejection(clients.lookups.usergroups.users.list({ usergroup: 'S1' }));
    expect(looked).toMatchObject({ code: 'slack_webapi_request_error' });
    const checked = await rejection(checkSlackToken(clients, connection));
    expect(checked).toBeInstanceOf(DeckhandError);
    expect((checked as DeckhandError).userMessage).toMatch(
      /^Deckhand cannot reach Slack at http:\/\/127\.0\.0\.1:\d+/,
    );
  });

  it("Bolt's own client (answers to clicks) and its response_url replies", async () => {
    stall = await startStallingServer({ mode: 'stalled-body' });
    const h = await startHarness();
    const slack = createSlackApp({
      dispatcher: h.deckhand.dispatcher,
      clock: h.clock,
      newId: () => 'x',
      logger,
      botToken: 'xoxb-test',
      signingSecret: 'secret',
      apiUrl: stall.url,
      botId: 'B1',
      botUserId: 'U1',
      timeouts: TIMEOUTS,
    });
    // Headers came and the body stalls: the client ends with the deadline's TimeoutError.
    const answered = await rejection(
      slack.app.client.chat.postEphemeral({ channel: 'C1', user: 'U1', text: 'x' }),
    );
    expect((answered as Error).name).toBe('TimeoutError');
    // Bolt's respond() posts to response_url with the client options' fetch.
    const reply = await rejection(
      (boltClientOptions(stall.url, TIMEOUTS).fetch ?? fetch)(`${stall.url}/respond`, {
        method: 'POST',
      }).then((response) => response.text()),
    );
    expect((reply as Error).name).toBe('TimeoutError');
    await h.deckhand.stop();
  });
});
