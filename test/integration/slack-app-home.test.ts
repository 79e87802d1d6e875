import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import type { Operation } from '../../src/operations/types.ts';
import { startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { sendSignedBody, sendSlashCommand } from '../fakes/signed-request.ts';
import { pollUntil } from '../support/poll.ts';

const SIGNING_SECRET = 'app-home-secret';
const GROUPS = { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] };
const DEPLOYS = 'C0DEPLOYS';

let slack: FakeSlackApi;
let stack: DeckhandStack;

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: GROUPS });
  stack = await startDeckhandStack({
    slack,
    // A Monday: no weekend freeze.
    clock: new ManualClock('2026-01-05T10:00:00Z'),
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
  });
});

afterEach(async () => {
  await stack.deckhand.runner.idle();
  await stack.close();
  await slack.close();
});

const ops = (text: string, userId: string) =>
  sendSlashCommand(
    stack.baseUrl,
    { text, userId, channelId: DEPLOYS, responseUrl: slack.responseUrl() },
    { signingSecret: SIGNING_SECRET },
  );

/** The Events API's `app_home_opened`, as Slack posts it; `hash` is the view's Slack shows, if any. */
function openHome(user: string, hash?: string) {
  const body = {
    token: 'gIkuvaNzQIHg97ATvDxqgjtO',
    team_id: 'T000DECK',
    api_app_id: 'A000DECK',
    type: 'event_callback',
    event_id: `Ev${user}${String(Math.random()).slice(2, 8)}`,
    event_time: 1767607200,
    event: {
      type: 'app_home_opened',
      user,
      channel: 'D0HOME',
      tab: 'home',
      event_ts: '1767607200.000100',
      ...(hash === undefined ? {} : { view: { id: `VHOME${user}`, type: 'home', hash } }),
    },
  };
  return sendSignedBody(stack.baseUrl, JSON.stringify(body), {
    signingSecret: SIGNING_SECRET,
    contentType: 'application/json',
  });
}

type Block = {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { action_id: string; value: string }[];
};
const homeOf = (user: string) => slack.homes.get(user);
const blocksOf = (user: string) => (homeOf(user)?.view.blocks ?? []) as Block[];
const textOf = (user: string) =>
  blocksOf(user)
    .map((b) => b.text?.text ?? '')
    .join('\n');
const buttonsOf = (user: string) =>
  blocksOf(user).flatMap((b) => (b.elements ?? []).map((e) => ({ ...e, block: b.block_id })));

async function awaitingApproval(): Promise<Operation> {
  const op = await pollUntil(
    'the production deploy to wait for approval',
    async () => (await stack.deckhand.store.operations.history({ limit: 1 }))[0],
    (found) => found?.state === 'awaiting_approval',
  );
  if (op === undefined) throw new Error('no operation');
  return op;
}

describe("Slack's App Home", () => {
  it('shows an approver the deploy waiting for them with Approve and Deny, and a developer neither', async () => {
    await ops('deploy api v1.4.2 to production', 'U000ALICE');
    const op = await awaitingApproval();

    expect((await openHome('U000BOB')).status).toBe(200);
    await pollUntil(
      'the approver’s home',
      () => homeOf('U000BOB'),
      (h) => h !== undefined,
    );
    expect(textOf('U000BOB')).toContain(
      'deploy api v1.4.2 to production, by <@U000ALICE>, awaiting approval',
    );
    const [approveButton, denyButton] = buttonsOf('U000BOB');
    expect(buttonsOf('U000BOB')).toHaveLength(2);
    expect(approveButton).toMatchObject({ action_id: 'op_approve', block: `home:${DEPLOYS}:0` });
    expect(approveButton?.value).toMatch(new RegExp(`^approve ${op.id} token=`));
    expect(denyButton).toMatchObject({ action_id: 'op_deny' });
    expect(denyButton?.value).toMatch(new RegExp(`^deny ${op.id} token=`));
    // sre holds audit:read: today's decisions are counted.
    expect(textOf('U000BOB')).toMatch(/Audit today \(UTC\)\*\n1 allowed, 0 denied, 0 failed/);

    await openHome('U000CAROL');
    await pollUntil(
      'the developer’s home',
      () => homeOf('U000CAROL'),
      (h) => h !== undefined,
    );
    expect(buttonsOf('U000CAROL')).toEqual([]);
    expect(textOf('U000CAROL')).toContain('Nothing waits for you.');
    expect(textOf('U000CAROL')).not.toContain('Audit today');
    // Her own roles, and the deploy on a service she may deploy (to staging) among recent deploys.
    expect(textOf('U000CAROL')).toContain('Roles: developer');
    expect(textOf('U000CAROL')).toMatch(
      /Recent deploys of your services\*\n.*deploy api v1.4.2 to production/,
    );
  });

  it('approves from the Home tab through the dispatcher, and republishes the home without it', async () => {
    await ops('deploy api v1.4.2 to production', 'U000ALICE');
    const op = await awaitingApproval();
    await openHome('U000BOB');
    await pollUntil(
      'the approver’s home',
      () => buttonsOf('U000BOB'),
      (b) => b.length === 2,
    );
    const approve = buttonsOf('U000BOB')[0]!;

    const payload = {
      type: 'block_actions',
      team: { id: 'T000DECK', domain: 'deckhand-test' },
      user: { id: 'U000BOB', username: 'bob', team_id: 'T000DECK' },
      api_app_id: 'A000DECK',
      token: 'gIkuvaNzQIHg97ATvDxqgjtO',
      container: { type: 'view', view_id: 'VHOMEU000BOB' },
      trigger_id: `${String(Date.now())}.1.abc`,
      view: { id: 'VHOMEU000BOB', type: 'home', hash: homeOf('U000BOB')?.hash },
      actions: [
        {
          type: 'button',
          block_id: approve.block,
          action_id: approve.action_id,
          text: { type: 'plain_text', text: 'Approve' },
          value: approve.value,
          action_ts: '1767607260.000100',
        },
      ],
    };
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    expect((await sendSignedBody(stack.baseUrl, body, { signingSecret: SIGNING_SECRET })).status).toBe(200);

    await pollUntil(
      'the approval to land',
      () => stack.deckhand.store.operations.get(op.id),
      (found) => found !== null && found.approver === 'U000BOB',
    );
    const audit = await stack.deckhand.store.audit.recent({ limit: 5 });
    expect(audit.find((a) => a.command === 'approve')).toMatchObject({
      actor: 'U000BOB',
      channel: DEPLOYS,
      decision: 'allowed',
    });
    // The sink republishes the changed home, sending the hash of the view it replaces.
    await pollUntil(
      'the home without the approval',
      () => buttonsOf('U000BOB'),
      (b) => b.length === 0,
    );
    const publishes = slack.callsTo('views.publish').filter((c) => c.params.user_id === 'U000BOB');
    expect(publishes.length).toBeGreaterThanOrEqual(2);
    expect(publishes.at(-1)?.params.hash).toMatch(/^U000BOB\.\d+$/);
  });

  it('a view published meanwhile by another replica is not overwritten unseen', async () => {
    await openHome('U000BOB');
    await pollUntil(
      'the first home',
      () => homeOf('U000BOB'),
      (h) => h !== undefined,
    );
    // Another replica publishes: the hash Deckhand holds is stale now.
    const other = await fetch(`${slack.url}views.publish`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
      body: JSON.stringify({
        user_id: 'U000BOB',
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'older' } }] },
      }),
    });
    expect(((await other.json()) as { ok: boolean }).ok).toBe(true);

    await ops('deploy api v1.4.3 to production', 'U000ALICE');
    await awaitingApproval();
    await pollUntil(
      'the home with the new approval',
      () => buttonsOf('U000BOB'),
      (b) => b.length === 2,
    );
    const tries = slack.callsTo('views.publish').filter((c) => c.params.user_id === 'U000BOB');
    // Refused once for its stale hash, then sent with what the store holds now.
    expect(tries.slice(-2).map((c) => c.params.hash === undefined)).toEqual([false, true]);
  });

  it('refuses events Deckhand does not subscribe to', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      event: { type: 'message', user: 'U000BOB', text: 'hi' },
    });
    const res = await sendSignedBody(stack.baseUrl, body, {
      signingSecret: SIGNING_SECRET,
      contentType: 'application/json',
    });
    expect(res.status).toBe(400);
    expect(slack.callsTo('views.publish')).toHaveLength(0);
  });
});
