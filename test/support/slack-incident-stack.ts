/**
 * A Deckhand behind the fake Slack Web API for incident tests: signed slash commands from any channel,
 * and a wait until every sink (the incident channels among them) has caught up.
 */
import { expect } from 'vitest';
import type { ConfigFile } from '../../src/config/schema.ts';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';

export const SIGNING_SECRET = 'test-signing-secret-inc-4411';
export const WEEKDAY = '2026-11-30T10:00:00Z';

export interface IncidentStack {
  slack: FakeSlackApi;
  stack: DeckhandStack;
  clock: ManualClock;
  close(): Promise<void>;
}

/** The example config with api's responders set, and `edit` applied, behind a fresh fake Slack. */
export async function startIncidentStack(
  edit: (config: ConfigFile) => void = () => undefined,
): Promise<IncidentStack> {
  const slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE', 'U000BOB'] } });
  const config = await loadConfigFile(EXAMPLE_CONFIG);
  config.incidents.responders = { api: ['U000RESP', 'S000SRE'] };
  edit(config);
  const clock = new ManualClock(WEEKDAY);
  const stack = await startDeckhandStack({
    slack,
    clock,
    config,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
  });
  return {
    slack,
    stack,
    clock,
    close: async () => {
      await stack.close();
      await slack.close();
    },
  };
}

/** Sends `/ops <text>` as `userId` from `channelId`, signed, and waits for the sinks. */
export async function slash(
  h: Pick<IncidentStack, 'slack' | 'stack'>,
  text: string,
  options: { userId?: string; channelId?: string; retry?: { triggerId: string; retryNum?: number } } = {},
): Promise<void> {
  const { retry } = options;
  const res = await sendSlashCommand(
    h.stack.baseUrl,
    {
      text,
      userId: options.userId ?? 'U000ADMIN',
      channelId: options.channelId ?? 'C0DEPLOYS',
      responseUrl: h.slack.responseUrl(),
      triggerId: retry?.triggerId,
    },
    {
      signingSecret: SIGNING_SECRET,
      retryNum: retry?.retryNum,
      retryReason: retry?.retryNum === undefined ? undefined : 'http_timeout',
    },
  );
  expect(res.status).toBe(200);
  await caughtUp(h.stack);
}

/** Until every sink has handled every event (a sink that fails is retried by its follower). */
export async function caughtUp(s: DeckhandStack): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await s.deckhand.sinks.settled();
    if (await s.deckhand.sinks.caughtUp()) return;
  }
  throw new Error('the sinks did not catch up');
}
