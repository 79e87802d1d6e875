/**
 * Incidents in Slack, through signed slash commands against the strict fake Slack Web API: declaring
 * opens a channel named by Slack's rules (another name on name_taken), invites the declarer and the
 * services' responders (user groups expanded), sets topic and purpose, posts and pins the situation
 * card; timeline entries become lines in the channel, once each; typed text stays text.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { incidentChannelName } from '../../src/surfaces/slack/incident-channel-name.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { sendButtonClick } from '../fakes/interaction-request.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const SIGNING_SECRET = 'test-signing-secret-inc-4411';
const WEEKDAY = '2026-11-30T10:00:00Z';

let slack: FakeSlackApi | undefined;
let stack: DeckhandStack | undefined;
afterEach(async () => {
  await stack?.close();
  await slack?.close();
  stack = undefined;
  slack = undefined;
});

async function start(): Promise<{ slack: FakeSlackApi; stack: DeckhandStack }> {
  slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE', 'U000BOB'] } });
  const config = await loadConfigFile(EXAMPLE_CONFIG);
  config.incidents.responders = { api: ['U000RESP', 'S000SRE'] };
  stack = await startDeckhandStack({
    slack,
    clock: new ManualClock(WEEKDAY),
    config,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
  });
  return { slack, stack };
}

async function slash(
  s: DeckhandStack,
  text: string,
  userId = 'U000ADMIN',
  retry?: { triggerId: string; retryNum?: number },
): Promise<void> {
  const res = await sendSlashCommand(
    s.baseUrl,
    { text, userId, channelId: 'C0DEPLOYS', responseUrl: slack?.responseUrl(), triggerId: retry?.triggerId },
    {
      signingSecret: SIGNING_SECRET,
      retryNum: retry?.retryNum,
      retryReason: retry?.retryNum === undefined ? undefined : 'http_timeout',
    },
  );
  expect(res.status).toBe(200);
  await caughtUp(s);
}

async function caughtUp(s: DeckhandStack): Promise<void> {
  for (let i = 0; i < 50; i++) {
    await s.deckhand.sinks.settled();
    if (await s.deckhand.sinks.caughtUp()) return;
  }
  throw new Error('the sinks did not catch up');
}

describe('incident channels in Slack', () => {
  it('creates the channel, invites, sets topic and purpose, and posts and pins the situation card, in that order', async () => {
    const { slack: api, stack: s } = await start();
    await slash(s, 'incident declare "Checkout 500s!" sev1 api');

    const methods = api.calls
      .map((c) => c.method)
      .filter((m) => m.startsWith('conversations.') || m === 'pins.add' || m === 'chat.postMessage');
    expect(methods.slice(0, 6)).toEqual([
      'conversations.create',
      'conversations.invite',
      'conversations.setTopic',
      'conversations.setPurpose',
      'chat.postMessage',
      'pins.add',
    ]);
    const [channel] = [...api.channels.values()];
    expect(channel?.name).toBe('inc-1-2026-11-30-checkout-500s');
    expect([...(channel?.members ?? [])].sort()).toEqual([
      'U000ADMIN',
      'U000ALICE',
      'U000BOB',
      'U000BOT',
      'U000RESP',
    ]);
    expect(channel?.topic).toBe('INC-1 sev1: Checkout 500s!');
    expect(channel?.pins.size).toBe(1);
    const incident = await s.deckhand.store.incidents.byNumber(1);
    expect(incident?.channelName).toBe('inc-1-2026-11-30-checkout-500s');
  });

  it('takes another name when Slack says name_taken', async () => {
    const { slack: api, stack: s } = await start();
    const first = incidentChannelName({ number: 1, title: 'api down', declaredAt: new Date(WEEKDAY) });
    api.takeChannelName(first);
    await slash(s, 'incident declare "api down" sev2 api');
    const created = api.callsTo('conversations.create');
    expect(created.map((c) => c.params.name)).toEqual([first, `${first}-2`]);
    expect((await s.deckhand.store.incidents.byNumber(1))?.channelName).toBe(`${first}-2`);
  });

  it.each([
    ['a long title', 'x'.repeat(200)],
    ['spaces, periods and capitals', 'API v1.4.2 Is Down. Really.'],
    ['accents and emoji', 'Café façade 🔥 déjà vu'],
    ['nothing usable', '!!! ... ???'],
  ])('names the channel by Slack’s rules for %s', (_what, title) => {
    for (const attempt of [1, 2, 12]) {
      const name = incidentChannelName({ number: 123456, title, declaredAt: new Date(WEEKDAY) }, attempt);
      expect(name).toMatch(/^[a-z0-9_-]{1,80}$/);
      expect(name.startsWith('inc-123456-2026-11-30')).toBe(true);
      expect(name.endsWith('-')).toBe(false);
      if (attempt > 1) expect(name.endsWith(`-${String(attempt)}`)).toBe(true);
    }
  });

  it('posts each timeline entry in the channel once, and never as live markup', async () => {
    const { slack: api, stack: s } = await start();
    await slash(s, 'incident declare "api down" sev1 api');
    const channelId = (await s.deckhand.store.incidents.byNumber(1))?.channelId;
    await slash(s, 'incident update 1 "<!channel> see <https://evil.example|here>"');
    await slash(s, 'lock api production "INC-1"');
    const lines = api
      .callsTo('chat.postMessage')
      .filter((c) => c.params.channel === channelId)
      .map((c) => JSON.stringify(c.params.blocks ?? ''));
    const posted = lines.join('\n');
    expect(posted).toContain('locked api in production');
    // Slack's own wrapping of a link is read as what was typed (its label); a typed <!channel> stays text.
    expect(posted).toContain('&lt;!channel&gt; see here');
    expect(posted).not.toContain('<!channel>');
    expect(posted).not.toContain('<https://evil');
    const noteLines = lines.filter((l) => l.includes('see here'));
    expect(noteLines).toHaveLength(1);
    // The pinned card was edited to show the newest state.
    expect(api.callsTo('chat.update').length).toBeGreaterThan(0);
  });

  it('opens one channel for a declaration Slack delivered twice', async () => {
    const { slack: api, stack: s } = await start();
    await slash(s, 'incident declare "api down" sev1 api', 'U000ADMIN', { triggerId: 'trig-1' });
    await slash(s, 'incident declare "api down" sev1 api', 'U000ADMIN', { triggerId: 'trig-1', retryNum: 1 });
    expect(api.callsTo('conversations.create')).toHaveLength(1);
    expect(await s.deckhand.store.incidents.listOpen()).toHaveLength(1);
  });

  it('pins a card whose suspect Roll back button runs the ordinary rollback, refused to someone not allowed', async () => {
    const { slack: api, stack: s } = await start();
    const before = new Date(new Date(WEEKDAY).getTime() - 3600_000);
    await s.deckhand.store.operations.create(
      operationFixture(before, {
        id: 'op-suspect-1',
        service: 'api',
        state: 'succeeded',
        stateChangedAt: before,
      }),
    );
    await slash(s, 'incident declare "api down" sev1 api');
    const channelId = (await s.deckhand.store.incidents.byNumber(1))?.channelId ?? '';
    const card = api.callsTo('chat.postMessage').find((c) => c.params.channel === channelId);
    const blocks = JSON.parse(String(card?.params.blocks)) as {
      elements?: { action_id: string; value: string }[];
    }[];
    const button = blocks
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id.startsWith('op_incident_rollback'));
    expect(button?.value).toBe('rollback api staging after=op-suspect-1');

    const click = (userId: string, actionTs: string) =>
      sendButtonClick(
        s.baseUrl,
        { userId, channelId, actionId: button?.action_id ?? '', value: button?.value ?? '', actionTs },
        SIGNING_SECRET,
      );
    const refusal = api.hold('chat.postEphemeral');
    expect(await click('U000NOBODY', '1767607300.000001')).toBe(200);
    const ephemeral = await refusal.reached;
    refusal.release();
    expect(ephemeral.params).toMatchObject({ channel: channelId, user: 'U000NOBODY' });
    expect(String(ephemeral.params.text)).toContain('Not allowed: rollback');
    const [refused] = await s.deckhand.store.audit.recent({ limit: 1, actor: 'U000NOBODY' });
    expect(refused).toMatchObject({
      command: 'rollback',
      decision: 'denied',
      service: 'api',
      environment: 'staging',
      text: 'rollback api staging after=op-suspect-1',
    });
  });

  it('refuses someone without incident:declare and opens no channel', async () => {
    const { slack: api, stack: s } = await start();
    await slash(s, 'incident declare "api down" sev1 api', 'U000MALLORY');
    expect(api.callsTo('conversations.create')).toHaveLength(0);
    expect(await s.deckhand.store.incidents.listOpen()).toEqual([]);
  });
});
