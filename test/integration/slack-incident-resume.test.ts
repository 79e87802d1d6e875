/**
 * Declaring is resumable: the channel's name is recorded before conversations.create, so a create
 * whose answer is lost (the fake Slack does it, then cuts the connection, as a crash would) is found
 * again with conversations.list and adopted; each later step is recorded and done once. A retried
 * request or a double click makes one channel. Through signed Slack requests against the fake.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { incidentChannelName } from '../../src/surfaces/slack/incident-channel-name.ts';
import { sendInteraction, viewSubmissionPayload } from '../fakes/interaction-request.ts';
import {
  caughtUp,
  SIGNING_SECRET,
  slash,
  startIncidentStack,
  WEEKDAY,
  type IncidentStack,
} from '../support/slack-incident-stack.ts';

let h: IncidentStack | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const NAME = incidentChannelName({ number: 1, title: 'api down', declaredAt: new Date(WEEKDAY) });

/** Until INC-1's channel is recorded and its card pinned (the sink retries after its backoff). */
async function opened(s: IncidentStack): Promise<string> {
  await vi.waitFor(
    async () => {
      const incident = await s.stack.deckhand.store.incidents.byNumber(1);
      expect(incident?.channelId).toBeTruthy();
      expect(s.slack.channels.get(incident?.channelId ?? '')?.pins.size).toBe(1);
    },
    { timeout: 15_000, interval: 100 },
  );
  await caughtUp(s.stack);
  return (await s.stack.deckhand.store.incidents.byNumber(1))?.channelId ?? '';
}

const count = (s: IncidentStack, method: string) => s.slack.callsTo(method).length;
const incidentChannels = (s: IncidentStack) =>
  [...s.slack.channels.values()].filter((c) => c.name.startsWith('inc-1-'));
const cardsPosted = (s: IncidentStack, channel: string) =>
  s.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.params.channel === channel && String(c.params.blocks).includes('Next update due'));

describe('a resumable declaration', () => {
  it('adopts the channel a create cut short made: one channel, every step done once', async () => {
    h = await startIncidentStack();
    h.slack.cutAfter('conversations.create');
    await slash(h, 'incident declare "api down" sev1 api').catch(() => undefined);
    const channel = await opened(h);

    expect(incidentChannels(h).map((c) => c.name)).toEqual([NAME]);
    // Slack was asked twice for the same name; the second answer, name_taken, led to the lookup.
    expect(h.slack.callsTo('conversations.create').map((c) => c.params.name)).toEqual([NAME, NAME]);
    expect(h.slack.callsTo('conversations.list')[0]?.params).toMatchObject({ types: 'public_channel' });
    expect((await h.stack.deckhand.store.incidents.byNumber(1))?.channelName).toBe(NAME);
    for (const method of [
      'conversations.invite',
      'conversations.setTopic',
      'conversations.setPurpose',
      'pins.add',
    ])
      expect(count(h, method), method).toBe(1);
    expect(cardsPosted(h, channel)).toHaveLength(1);
    expect(h.slack.channels.get(channel)?.bookmarks).toHaveLength(2);
  });

  it('resumes after the step it stopped at, without doing the earlier ones again', async () => {
    h = await startIncidentStack();
    h.slack.cutAfter('conversations.setPurpose');
    await slash(h, 'incident declare "api down" sev1 api').catch(() => undefined);
    const channel = await opened(h);
    expect(count(h, 'conversations.create')).toBe(1);
    expect(count(h, 'conversations.invite')).toBe(1);
    expect(count(h, 'conversations.setTopic')).toBe(1);
    // The purpose was set, but its answer was lost: set again, as nothing says it was done.
    expect(count(h, 'conversations.setPurpose')).toBe(2);
    expect(count(h, 'pins.add')).toBe(1);
    expect(cardsPosted(h, channel)).toHaveLength(1);
    expect(h.slack.channels.get(channel)?.purpose).toContain('INC-1');
  });

  it('takes the next name when the channel under the recorded name is someone else’s', async () => {
    h = await startIncidentStack();
    h.slack.takeChannelName(NAME);
    await slash(h, 'incident declare "api down" sev1 api');
    await opened(h);
    expect(h.slack.callsTo('conversations.create').map((c) => c.params.name)).toEqual([NAME, `${NAME}-2`]);
    expect((await h.stack.deckhand.store.incidents.byNumber(1))?.channelName).toBe(`${NAME}-2`);
  });

  it('makes one channel for a retried request and for a double click on Declare', async () => {
    h = await startIncidentStack();
    await slash(h, 'incident declare "api down" sev1 api', { retry: { triggerId: '1767607200.1.retried' } });
    await slash(h, 'incident declare "api down" sev1 api', {
      retry: { triggerId: '1767607200.1.retried', retryNum: 1 },
    });
    await opened(h);
    expect(count(h, 'conversations.create')).toBe(1);

    await slash(h, 'incident declare');
    await vi.waitFor(() => expect(h?.slack.views).toHaveLength(1), { timeout: 5000 });
    const view = h.slack.views[0] ?? { id: '', view: {} };
    const values = {
      'incident:title': { value: { type: 'plain_text_input' as const, value: 'web down' } },
      'incident:severity': { value: { type: 'static_select' as const, selected_option: { value: 'sev2' } } },
      'incident:services': {
        value: { type: 'multi_static_select' as const, selected_options: [{ value: 'web' }] },
      },
    };
    const click = () =>
      sendInteraction(
        h?.stack.baseUrl ?? '',
        viewSubmissionPayload({ userId: 'U000ADMIN', view, values }),
        SIGNING_SECRET,
      );
    await Promise.all([click(), click()]);
    await vi.waitFor(
      async () => expect((await h?.stack.deckhand.store.incidents.byNumber(2))?.channelId).toBeTruthy(),
      { timeout: 5000 },
    );
    await caughtUp(h.stack);
    expect(await h.stack.deckhand.store.incidents.listOpen()).toHaveLength(2);
    expect(count(h, 'conversations.create')).toBe(2);
  });
});
