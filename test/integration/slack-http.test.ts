/**
 * Deckhand's Slack surface in HTTP mode, end to end: signed slash commands into our node:http server,
 * through Bolt's HTTPReceiver and the dispatcher, into a real SQLite file; Slack's Web API is a loopback fake.
 *
 * Clocks: the HTTP server's future-timestamp check runs on the real clock, because Bolt checks the
 * other side of the same window (staleness) against Date.now() and signed timestamps must satisfy both.
 * Everything that decides policy (freezes, lock times, the user group cache) runs on a ManualClock pinned
 * to a weekday outside deckhand.yml's freezes, so answers do not depend on the day the suite runs, and
 * the group cache's TTL can be stepped past without sleeping.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { LIMITS } from '../../src/surfaces/slack/render-blocks.ts';
import {
  startDeckhandStack,
  type DeckhandStack,
  type DeckhandStackOptions,
} from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import {
  newTriggerId,
  sendSlashCommand,
  type SignedResponse,
  type SigningOptions,
  type SlashCommand,
} from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const SIGNING_SECRET = 'test-signing-secret-0b7e4c';
/** A Tuesday morning, outside the weekend freeze and the end-of-year freeze. */
const WEEKDAY = '2026-03-03T10:00:00Z';
const GROUPS = { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] };

let slack: FakeSlackApi;
let clock: ManualClock;
let stack: DeckhandStack;
/** Closed after each test, newest first: stacks a test starts besides the default one, and their fakes. */
const cleanups: (() => Promise<void>)[] = [];

async function startStack(overrides: Partial<DeckhandStackOptions> = {}): Promise<DeckhandStack> {
  const started = await startDeckhandStack({ slack, clock, signingSecret: SIGNING_SECRET, ...overrides });
  cleanups.push(() => started.close());
  return started;
}

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: GROUPS });
  clock = new ManualClock(WEEKDAY);
  // botId and botUserId unset: Bolt learns who it is from auth.test, as most installs do.
  stack = await startDeckhandStack({ slack, clock, signingSecret: SIGNING_SECRET });
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await stack.close();
  await slack.close();
});

function ops(
  text: string,
  userId: string,
  extra: Partial<SlashCommand> = {},
  signing: Partial<SigningOptions> = {},
  target: DeckhandStack = stack,
): Promise<SignedResponse> {
  return sendSlashCommand(
    target.baseUrl,
    { text, userId, responseUrl: slack.responseUrl(), ...extra },
    { signingSecret: SIGNING_SECRET, ...signing },
  );
}

/** Signatures are dated on the real clock, the one Bolt and our server judge them by. */
const realNowSeconds = (): number => Math.floor(Date.now() / 1000);
const audit = () => stack.deckhand.store.audit.recent({});

describe('Slack slash commands over HTTP', () => {
  it('answers /ops help in the acknowledgement: ephemeral, every command, within Block Kit limits', async () => {
    const res = await ops('help', 'U000MALLORY');

    expect(res.status).toBe(200);
    // Slack gives up after 3 s; an answer that needs no API call should be nowhere near that.
    expect(res.elapsedMs).toBeLessThan(1000);
    const reply = asReply(res.body);
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^Deckhand commands/);
    const shown = visibleText(reply);
    for (const command of commands) expect(shown).toContain(`/ops ${command.name}`);
    expect(reply.blocks.length).toBeGreaterThan(1);
    expect(reply.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
    for (const block of reply.blocks) {
      if (block.type === 'section' && block.text !== undefined) {
        expect(block.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      }
      for (const field of block.fields ?? []) expect(field.text.length).toBeLessThanOrEqual(LIMITS.fieldText);
    }
    // Nobody told Bolt the bot's ids, so it asked Slack, with the bot token.
    expect(slack.callsTo('auth.test').map((c) => c.token)).toEqual(['xoxb-test']);
    const [row] = await audit();
    expect(row).toMatchObject({
      actor: 'U000MALLORY',
      command: 'help',
      decision: 'allowed',
      surface: 'slack',
    });
  });

  it('does not call auth.test when the bot ids are configured', async () => {
    // A Slack of its own, so the default stack's start-up auth.test cannot be counted here.
    const ownSlack = await startFakeSlackApi({ groups: GROUPS });
    cleanups.push(() => ownSlack.close());
    const configured = await startStack({ slack: ownSlack, botId: 'B000BOT', botUserId: 'U000BOT' });

    const res = await ops('help', 'U000ADMIN', {}, {}, configured);

    expect(res.status).toBe(200);
    expect(asReply(res.body).response_type).toBe('ephemeral');
    expect(ownSlack.callsTo('auth.test')).toEqual([]);
  });

  it('locks a target for an admin, in the channel for everyone to see', async () => {
    const res = await ops('lock api staging "load test"', 'U000ADMIN');

    expect(res.status).toBe(200);
    const reply = asReply(res.body);
    expect(reply.response_type).toBe('in_channel');
    expect(visibleText(reply)).toContain('api in staging is locked');
    expect(visibleText(reply)).toContain('<@U000ADMIN> locked it until someone unlocks it: “load test”');
    const lock = await stack.deckhand.store.locks.get('api', 'staging', clock.now());
    expect(lock).toMatchObject({ holder: 'U000ADMIN', reason: 'load test', expiresAt: null });
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: 'U000ADMIN',
      channel: 'C0DEPLOYS',
      text: 'lock api staging "load test"',
      command: 'lock',
      service: 'api',
      environment: 'staging',
      decision: 'allowed',
    });
  });

  it('denies a user with no role, says why and who can help, and audits the refusal', async () => {
    const res = await ops('lock api staging "load test"', 'U000MALLORY');

    const reply = asReply(res.body);
    expect(reply.response_type).toBe('ephemeral');
    const shown = visibleText(reply);
    expect(shown).toContain('Not allowed: lock');
    expect(shown).toContain('None of your roles grants lock:staging');
    expect(shown).toMatch(/Who can help: .*<@U000ADMIN>/);
    expect(await stack.deckhand.store.locks.get('api', 'staging', clock.now())).toBeNull();
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      actor: 'U000MALLORY',
      command: 'lock',
      decision: 'denied',
      reason: 'none of your roles grants lock:staging',
    });
  });

  it('suggests the command meant by a typo and audits it as invalid', async () => {
    const res = await ops('lokc api staging "load test"', 'U000ADMIN');

    const reply = asReply(res.body);
    expect(reply.response_type).toBe('ephemeral');
    expect(visibleText(reply)).toMatch(/Did you mean \*lock\*( or|\?)/);
    expect(await stack.deckhand.store.locks.list(clock.now())).toEqual([]);
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: 'U000ADMIN', command: null, decision: 'invalid' });
  });

  it('gives a member of a Slack user group its role, and caches the membership for the TTL', async () => {
    const groupCalls = () =>
      slack.callsTo('usergroups.users.list').filter((c) => c.params.usergroup === 'S000SRE');

    const first = asReply((await ops('whoami', 'U000ALICE')).body);
    expect(visibleText(first)).toMatch(/\*Roles\*\nsre/);
    expect(groupCalls().length).toBeGreaterThan(0);
    expect(groupCalls().every((c) => c.token === 'xoxb-test')).toBe(true);
    const seen = groupCalls().length;

    // Slack says Alice left the group, but within the TTL Deckhand neither asks nor notices.
    slack.setGroup('S000SRE', ['U000BOB']);
    clock.advance(4 * 60_000);
    const second = asReply((await ops('lock api production "db migration"', 'U000ALICE')).body);
    expect(second.response_type).toBe('in_channel');
    expect(groupCalls()).toHaveLength(seen);

    // Past the 5m TTL it asks again, and Alice no longer holds the role.
    clock.advance(60_000 + 1);
    const third = asReply((await ops('whoami', 'U000ALICE')).body);
    expect(groupCalls().length).toBeGreaterThan(seen);
    expect(visibleText(third)).toMatch(/\*Roles\*\nnone/);
  });

  it('refuses a request with a bad signature: 401 and nothing recorded', async () => {
    const res = await ops('lock api staging "forged"', 'U000ADMIN', {}, { breakSignature: true });

    expect(res.status).toBe(401);
    expect(await audit()).toEqual([]);
    expect(await stack.deckhand.store.locks.list(clock.now())).toEqual([]);
  });

  it('refuses a replay of a request signed 10 minutes ago', async () => {
    const res = await ops(
      'lock api staging "replayed"',
      'U000ADMIN',
      {},
      { timestamp: realNowSeconds() - 600 },
    );

    expect(res.status).toBe(401);
    expect(await audit()).toEqual([]);
  });

  it('refuses a request dated 10 minutes in the future', async () => {
    const res = await ops(
      'lock api staging "from the future"',
      'U000ADMIN',
      {},
      { timestamp: realNowSeconds() + 600 },
    );

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_timestamp' });
    expect(await audit()).toEqual([]);
  });

  it('runs a retried delivery (same trigger_id, X-Slack-Retry-Num) once', async () => {
    const triggerId = newTriggerId();
    const first = await ops('lock api staging "load test"', 'U000ADMIN', { triggerId });
    const retry = await ops(
      'lock api staging "load test"',
      'U000ADMIN',
      { triggerId },
      { retryNum: 1, retryReason: 'http_timeout' },
    );

    expect(asReply(first.body).response_type).toBe('in_channel');
    // The retry is acknowledged with an empty body, so the channel does not see the answer twice.
    expect(retry.status).toBe(200);
    expect(retry.text).toBe('');
    expect(await audit()).toHaveLength(1);
    expect(await stack.deckhand.store.locks.list(clock.now())).toHaveLength(1);
  });

  it('answers GET /healthz (alive) and GET /readyz (its store can write)', async () => {
    const live = await fetch(new URL('/healthz', stack.baseUrl));
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });

    const ready = await fetch(new URL('/readyz', stack.baseUrl));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', store: 'sqlite', slack: 'http' });
  });
});

describe('Slack replies that are not ready within the acknowledgement deadline', () => {
  it('acknowledges at once and answers through response_url when the work finishes', async () => {
    const slow = await startStack({ ackDeadlineMs: 1 });
    // Slack's user group API stalls, so the policy check cannot finish before the deadline.
    const held = slack.hold('usergroups.users.list');
    const responseId = 'slow-lock';

    const ack = await ops(
      'lock api staging "slow path"',
      'U000ALICE',
      { responseUrl: slack.responseUrl(responseId) },
      {},
      slow,
    );

    expect(ack.status).toBe(200);
    expect(ack.text).toBe('');
    expect(slack.responses).toEqual([]);
    await held.reached;
    held.release();
    const late = await slack.waitForResponse(responseId);
    const reply = asReply(late.body);
    expect(reply.response_type).toBe('in_channel');
    expect(reply.replace_original).toBe(false);
    expect(visibleText(reply)).toContain('api in staging is locked');
    expect(await slow.deckhand.store.locks.get('api', 'staging', clock.now())).toMatchObject({
      holder: 'U000ALICE',
    });
  });

  it('still acknowledges within 3 s when Slack rate-limits the user group lookup (429, Retry-After)', async () => {
    slack.rateLimit('usergroups.users.list', 2);
    const responseId = 'rate-limited';

    const ack = await ops('whoami', 'U000ALICE', { responseUrl: slack.responseUrl(responseId) });

    expect(ack.status).toBe(200);
    expect(ack.elapsedMs).toBeLessThan(3000);
    // WebClient waited out Retry-After (2 s) before retrying: past the 2 s deadline, so the answer comes later.
    expect(ack.text).toBe('');
    const reply = asReply((await slack.waitForResponse(responseId)).body);
    expect(visibleText(reply)).toMatch(/\*Roles\*\nsre/);
    const attempts = slack.callsTo('usergroups.users.list').map((c) => c.status);
    expect(attempts[0]).toBe(429);
    expect(attempts).toContain(200);
  });
});

describe('the signed-request driver', () => {
  it('is accepted by Bolt only with the right secret', async () => {
    const good = await ops('help', 'U000ADMIN', { triggerId: newTriggerId() });
    const wrong = await sendSlashCommand(
      stack.baseUrl,
      { text: 'help', userId: 'U000ADMIN' },
      { signingSecret: 'not-the-secret' },
    );

    expect(good.status).toBe(200);
    expect(wrong.status).toBe(401);
  });
});
