/**
 * Slack messages joining an incident's timeline, through signed events and shortcuts against the
 * fake Slack Web API: the timeline reaction or the "Add to incident timeline" shortcut in an incident
 * channel adds a message once, at the time it was posted, read from Slack (conversations.history, or
 * conversations.replies for a thread reply); "Declare an incident" on any message opens the declare
 * modal with the message as its title and quotes the message on the new timeline. Each goes through
 * the dispatcher (policy, audit); text stays text.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_TITLE } from '../../src/incidents/incident-declaration.ts';
import { QUOTE_MAX } from '../../src/incidents/incident-quote.ts';
import { messageActionPayload, sendMessageAction, sendReaction } from '../fakes/event-request.ts';
import { sendSignedBody } from '../fakes/signed-request.ts';
import { sendInteraction, viewSubmissionPayload } from '../fakes/interaction-request.ts';
import {
  caughtUp,
  SIGNING_SECRET,
  slash,
  startIncidentStack,
  type IncidentStack,
} from '../support/slack-incident-stack.ts';

let h: IncidentStack | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const AT_10_03 = new Date('2026-11-30T10:03:00Z');

/** A stack with INC-1 declared on api and its channel opened; the clock at 10:10. */
async function withIncident(): Promise<{ s: IncidentStack; channel: string }> {
  const s = await startIncidentStack();
  await slash(s, 'incident declare "api down" sev1 api');
  s.clock.advance(10 * 60_000);
  const channel = (await s.stack.deckhand.store.incidents.byNumber(1))?.channelId ?? '';
  expect(channel).not.toBe('');
  return { s, channel };
}

async function timeline(s: IncidentStack) {
  const incident = await s.stack.deckhand.store.incidents.byNumber(1);
  return s.stack.deckhand.store.incidents.timeline(incident?.id ?? '');
}

/** Until the timeline holds `count` message entries, then until the sinks caught up. */
async function messageEntries(s: IncidentStack, count: number) {
  await vi.waitFor(
    async () =>
      expect((await timeline(s)).filter((e) => e.source.startsWith('message:'))).toHaveLength(count),
    { timeout: 5000 },
  );
  await caughtUp(s.stack);
  return (await timeline(s)).filter((e) => e.source.startsWith('message:'));
}

const linesIn = (s: IncidentStack, channel: string) =>
  s.slack
    .callsTo('chat.postMessage')
    .filter((c) => c.params.channel === channel)
    .map((c) => JSON.stringify(c.params.blocks ?? ''));

const react = (s: IncidentStack, userId: string, channelId: string, ts: string, name = 'pushpin') =>
  sendReaction(s.stack.baseUrl, SIGNING_SECRET, { userId, channelId, ts, name });

describe('messages on an incident timeline', () => {
  it('adds a message marked with the timeline reaction once, at the time it was posted, whoever reacts and however often', async () => {
    const { s, channel } = await withIncident();
    h = s;
    const ts = s.slack.postUserMessage(channel, 'U000ALICE', 'error rate back to 0.1% after the restart', {
      at: AT_10_03,
    });
    expect(await react(s, 'U000ADMIN', channel, ts)).toBe(200);
    const [entry] = await messageEntries(s, 1);
    expect(entry).toMatchObject({
      source: `message:${channel}:${ts}`,
      at: AT_10_03,
      kind: 'incident.changed',
    });
    expect(entry?.text).toContain('error rate back to 0.1% after the restart');
    expect(s.slack.callsTo('conversations.history')[0]?.params).toMatchObject({
      channel,
      latest: ts,
      inclusive: 'true',
      limit: '1',
    });
    // The line in the channel carries the message's own time.
    const line = linesIn(s, channel).find((l) => l.includes('error rate back'));
    expect(line).toContain('10:03 UTC');

    expect(await react(s, 'U000ADMIN', channel, ts)).toBe(200);
    expect(await react(s, 'U000ALICE', channel, ts)).toBe(200);
    await caughtUp(s.stack);
    expect(await messageEntries(s, 1)).toHaveLength(1);
    expect(linesIn(s, channel).filter((l) => l.includes('error rate back'))).toHaveLength(1);
    // It is an audit entry, like every timeline entry.
    const quoted = (await s.stack.deckhand.store.audit.recent({ limit: 20, command: 'incident' })).filter(
      (e) => e.text.startsWith('incident quote'),
    );
    expect(quoted).toHaveLength(1);
    expect(quoted[0]).toMatchObject({ actor: 'U000ADMIN', decision: 'allowed', channel });
    expect(quoted[0]?.invocationId).toBe(entry?.invocationId);
  });

  it('ignores other reactions and channels that are not an incident’s', async () => {
    const { s, channel } = await withIncident();
    h = s;
    const ts = s.slack.postUserMessage(channel, 'U000ALICE', 'looking at the dashboards', { at: AT_10_03 });
    const elsewhere = s.slack.postUserMessage('C0DEPLOYS', 'U000ALICE', 'unrelated', { at: AT_10_03 });
    expect(await react(s, 'U000ADMIN', channel, ts, 'eyes')).toBe(200);
    expect(await react(s, 'U000ADMIN', 'C0DEPLOYS', elsewhere)).toBe(200);
    await caughtUp(s.stack);
    expect(await timeline(s)).not.toContainEqual(expect.objectContaining({ kind: 'incident.changed' }));
    expect(s.slack.callsTo('conversations.history')).toHaveLength(0);
  });

  it('reads a thread reply picked with the shortcut through conversations.replies', async () => {
    const { s, channel } = await withIncident();
    h = s;
    const parent = s.slack.postUserMessage(channel, 'U000ALICE', 'what changed at 10:00?', { at: AT_10_03 });
    const replyTs = s.slack.postUserMessage(channel, 'U000BOB', 'the 9:58 api deploy', {
      at: new Date('2026-11-30T10:05:00Z'),
      threadTs: parent,
    });
    const status = await sendMessageAction(s.stack.baseUrl, SIGNING_SECRET, {
      userId: 'U000ADMIN',
      channelId: channel,
      callbackId: 'add_to_incident_timeline',
      message: { ts: replyTs, text: 'the 9:58 api deploy', user: 'U000BOB', thread_ts: parent },
    });
    expect(status).toBe(200);
    const [entry] = await messageEntries(s, 1);
    expect(entry).toMatchObject({ at: new Date('2026-11-30T10:05:00Z') });
    expect(entry?.text).toContain('the 9:58 api deploy');
    expect(s.slack.callsTo('conversations.replies')[0]?.params).toMatchObject({ channel, ts: replyTs });
  });

  it('shows the text as typed, never as markup, cut to Slack’s limits', async () => {
    const { s, channel } = await withIncident();
    h = s;
    const shouted = s.slack.postUserMessage(
      channel,
      'U000ALICE',
      '<!channel> see <https://evil.example|here> "now" it\'s &lt;b&gt;',
      { at: AT_10_03 },
    );
    const long = s.slack.postUserMessage(channel, 'U000ALICE', `log: ${'x'.repeat(6000)}`, {
      at: new Date('2026-11-30T10:04:00Z'),
    });
    await react(s, 'U000ADMIN', channel, shouted);
    await react(s, 'U000ADMIN', channel, long);
    const entries = await messageEntries(s, 2);
    const posted = linesIn(s, channel).join('\n');
    expect(posted).toContain('&lt;!channel&gt; see here');
    expect(posted).not.toContain('<!channel>');
    expect(posted).not.toContain('<https://evil');
    // Stored as typed (Slack's &lt; read back as <), shown escaped.
    expect(entries[0]?.text).toContain('"now" it\'s <b>');
    expect(posted).toContain("it's &lt;b&gt;");
    const cut = entries.find((e) => e.text.includes('log: x'));
    expect(cut?.text.length).toBeLessThan(QUOTE_MAX + 200);
  });

  it('refuses someone without incident:manage, tells them, and lets an allowed person add it after', async () => {
    const { s, channel } = await withIncident();
    h = s;
    const ts = s.slack.postUserMessage(channel, 'U000ALICE', 'rollback started', { at: AT_10_03 });
    await react(s, 'U000DEV', channel, ts);
    await vi.waitFor(
      () => expect(s.slack.callsTo('chat.postEphemeral').some((c) => c.params.user === 'U000DEV')).toBe(true),
      { timeout: 5000 },
    );
    const [refused] = await s.stack.deckhand.store.audit.recent({ limit: 1, actor: 'U000DEV' });
    expect(refused).toMatchObject({ command: 'incident', decision: 'denied' });
    await react(s, 'U000ADMIN', channel, ts);
    expect(await messageEntries(s, 1)).toHaveLength(1);
  });

  it('declares an incident from a message: the modal titled with it, and the message quoted on the timeline at its time', async () => {
    h = await startIncidentStack();
    const s = h;
    const said = `checkout throws 500s for everyone & <https://status.example|status> ${'y'.repeat(200)}`;
    const at = new Date('2026-11-30T09:55:00Z');
    const ts = s.slack.postUserMessage('C0DEPLOYS', 'U000CAROL', said, { at });
    const status = await sendMessageAction(s.stack.baseUrl, SIGNING_SECRET, {
      userId: 'U000ADMIN',
      channelId: 'C0DEPLOYS',
      callbackId: 'declare_incident',
      message: { ts, text: said, user: 'U000CAROL' },
    });
    expect(status).toBe(200);
    await vi.waitFor(() => expect(s.slack.views).toHaveLength(1), { timeout: 5000 });
    const view = s.slack.views[0];
    const title = (view?.view.blocks as { block_id: string; element: { initial_value?: string } }[]).find(
      (b) => b.block_id === 'incident:title',
    )?.element.initial_value;
    // As typed (Slack's link shown as its label, & not &amp;), cut to the limit.
    expect(title).toBe('checkout throws 500s for everyone & status yyyy'.concat('y'.repeat(MAX_TITLE - 47)));
    expect(title).toHaveLength(MAX_TITLE);

    const values = {
      'incident:title': { value: { type: 'plain_text_input' as const, value: title ?? '' } },
      'incident:severity': { value: { type: 'static_select' as const, selected_option: { value: 'sev2' } } },
      'incident:services': {
        value: { type: 'multi_static_select' as const, selected_options: [{ value: 'api' }] },
      },
    };
    const res = await sendInteraction(
      s.stack.baseUrl,
      viewSubmissionPayload({ userId: 'U000ADMIN', view: view ?? { id: '', view: {} }, values }),
      SIGNING_SECRET,
    );
    expect(res.status).toBe(200);
    const [entry] = await messageEntries(s, 1);
    expect(entry).toMatchObject({ source: `message:C0DEPLOYS:${ts}`, at });
    expect(entry?.text).toContain('checkout throws 500s for everyone & status');
    const incident = await s.stack.deckhand.store.incidents.byNumber(1);
    expect(incident?.title).toBe(title);
    // The original message is linked from the incident channel, at its own time.
    const lines = linesIn(s, incident?.channelId ?? '').filter(
      (l) => l.includes('09:55 UTC') && l.includes('checkout throws'),
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('<#C0DEPLOYS>');
  });

  it('refuses shortcuts and events that are not Deckhand’s before Bolt sees them', async () => {
    h = await startIncidentStack();
    const other = await sendInteraction(
      h.stack.baseUrl,
      messageActionPayload({
        userId: 'U000ADMIN',
        channelId: 'C0DEPLOYS',
        callbackId: 'someone_elses',
        message: { ts: '1767607200.000001', text: 'hi' },
      }),
      SIGNING_SECRET,
    );
    expect(other.status).toBe(400);
    const event = await sendSignedBody(
      h.stack.baseUrl,
      JSON.stringify({
        type: 'event_callback',
        event: { type: 'message', text: 'hi', channel: 'C0DEPLOYS' },
      }),
      { signingSecret: SIGNING_SECRET, contentType: 'application/json' },
    );
    expect(event.status).toBe(400);
    expect(h.slack.views).toHaveLength(0);
  });
});
