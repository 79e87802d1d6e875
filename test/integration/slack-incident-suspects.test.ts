/**
 * A suspect's buttons in the incident channel, through signed Slack requests: Roll back is the
 * ordinary rollback run as the clicker in the incident channel (its card goes there, it is recorded as
 * the incident's fix), refused to a developer in production; Not it rules the suspect out on the card.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sendButtonClick } from '../fakes/interaction-request.ts';
import { operationFixture } from '../support/operation-fixture.ts';
import { pollUntil } from '../support/poll.ts';
import {
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

interface BlockButton {
  action_id: string;
  value: string;
}

function buttonsOf(params: Record<string, unknown>): BlockButton[] {
  const blocks = JSON.parse(String(params.blocks)) as { elements?: BlockButton[] }[];
  return blocks.flatMap((b) => b.elements ?? []).filter((e) => typeof e.action_id === 'string');
}

describe('suspect buttons in the incident channel', () => {
  it('rolls back for someone allowed, as a fix from the channel, refuses a developer, and rules out with Not it', async () => {
    h = await startIncidentStack((config) => {
      // A workflow rollback: no cluster is needed to choose where to go back to.
      const api = config.services.api;
      if (api !== undefined) api.rollback = 'workflow';
    });
    const { slack, stack } = h;
    const now = h.clock.now().getTime();
    const at = (minutesBefore: number) => new Date(now - minutesBefore * 60_000);
    for (const [id, ref, minutes] of [
      ['good0001-0000-4000-8000-000000000000', 'v1.2.2', 300],
      ['susp0001-0000-4000-8000-000000000000', 'v1.2.3', 20],
    ] as const) {
      await stack.deckhand.store.operations.create(
        operationFixture(at(minutes), {
          id,
          service: 'api',
          environment: 'production',
          ref,
          inputs: { version: ref, environment: 'production' },
          state: 'succeeded',
          approver: 'U000BOB',
          dispatchedAt: at(minutes),
          stateChangedAt: at(minutes),
        }),
      );
    }
    await slash(h, 'incident declare "api down" sev1 api');
    const incident = await stack.deckhand.store.incidents.byNumber(1);
    const channelId = incident?.channelId ?? '';
    const card = slack.callsTo('chat.postMessage').find((c) => c.params.channel === channelId);
    const buttons = buttonsOf(card?.params ?? {});
    expect(buttons.map((b) => b.value)).toEqual([
      'rollback api production after=susp0001-0000-4000-8000-000000000000',
      'incident not-it 1 susp0001-0000-4000-8000-000000000000',
      'rollback api production after=good0001-0000-4000-8000-000000000000',
      'incident not-it 1 good0001-0000-4000-8000-000000000000',
    ]);
    const [rollBack, notIt] = buttons;
    // Slack's pacing counts on the manual clock (a second per message in a channel), and a paced sink
    // retries on real time: move the clock a second per look until what a person would see is there.
    const seen = (what: string, check: () => boolean | Promise<boolean>) =>
      pollUntil(
        what,
        async () => {
          h?.clock.advance(1000);
          return check();
        },
        (ok) => ok,
        { everyMs: 100 },
      );
    let ts = 0;
    const click = async (userId: string, button: BlockButton | undefined) => {
      const status = await sendButtonClick(
        stack.baseUrl,
        {
          userId,
          channelId,
          actionId: button?.action_id ?? '',
          value: button?.value ?? '',
          actionTs: `1767607300.00000${String(++ts)}`,
        },
        SIGNING_SECRET,
      );
      expect(status).toBe(200);
    };

    // A developer may roll back staging only: refused, and told so privately.
    const refusal = slack.hold('chat.postEphemeral');
    const refused = click('U000DEV', rollBack);
    const ephemeral = await refusal.reached;
    refusal.release();
    await refused;
    expect(ephemeral.params).toMatchObject({ channel: channelId, user: 'U000DEV' });
    expect(String(ephemeral.params.text)).toContain('Not allowed: rollback');
    expect((await stack.deckhand.store.operations.history({ kind: 'rollback' })).length).toBe(0);

    // An admin's click: the ordinary rollback, asked for in the incident channel by the clicker.
    await click('U000ADMIN', rollBack);
    // The click is handled after its acknowledgement.
    const [rollback] = await pollUntil(
      'the rollback',
      () => stack.deckhand.store.operations.history({ kind: 'rollback' }),
      (ops) => ops.length > 0,
    );
    expect(rollback).toMatchObject({
      service: 'api',
      environment: 'production',
      ref: 'v1.2.2',
      requester: 'U000ADMIN',
      channel: channelId,
    });
    // Its progress card is in the incident channel.
    await seen('the rollback card in the incident channel', () =>
      slack
        .callsTo('chat.postMessage')
        .some((c) => c.params.channel === channelId && String(c.params.text).includes('Rollback api')),
    );
    await seen('the fix on the timeline', async () =>
      (await stack.deckhand.store.incidents.timeline(incident?.id ?? '')).some((e) =>
        e.text.includes('fixed INC-1'),
      ),
    );
    // Recorded as remediating the incident: a fix link and a timeline line.
    const links = await stack.deckhand.store.dora.linksOf(incident?.id ?? '');
    expect(links).toContainEqual(
      expect.objectContaining({ operationId: rollback?.id, relation: 'fix', linkedBy: 'U000ADMIN' }),
    );
    const lines = (await stack.deckhand.store.incidents.timeline(incident?.id ?? '')).map((e) => e.text);
    expect(lines.some((l) => l.includes('fixed INC-1'))).toBe(true);
    // Audited like a typed rollback: the policy's decision, in the incident channel.
    const audit = await stack.deckhand.store.audit.recent({ limit: 5, actor: 'U000ADMIN' });
    expect(audit).toContainEqual(
      expect.objectContaining({ command: 'rollback', decision: 'allowed', channel: channelId }),
    );

    // Not it: ruled out, stored, and the card shows it under "Ruled out".
    await click('U000ADMIN', notIt);
    await pollUntil(
      'the suspect ruled out',
      () => stack.deckhand.store.dora.linksOf(incident?.id ?? ''),
      (links) => links.some((l) => l.relation === 'dismissed'),
    );
    expect(await stack.deckhand.store.dora.linksOf(incident?.id ?? '')).toContainEqual(
      expect.objectContaining({ operationId: 'susp0001-0000-4000-8000-000000000000', relation: 'dismissed' }),
    );
    await seen('the card edited to show it ruled out', () =>
      slack
        .callsTo('chat.update')
        .some((c) => c.params.channel === channelId && JSON.stringify(c.params).includes('Ruled out')),
    );
    const edits = slack.callsTo('chat.update').filter((c) => c.params.channel === channelId);
    const last = JSON.stringify(edits.at(-1)?.params ?? {});
    expect(last).toContain('Ruled out');
    expect(last).not.toContain('incident not-it 1 susp0001');
  });
});
