/**
 * Deploys from Slack, end to end: signed slash commands and button clicks into our HTTP server and
 * Bolt, operations against the sandbox's GitHub and Kubernetes (real octokit and client-node), the
 * sandbox's signed webhooks back into POST /github/webhooks, and progress cards on a fake Slack.
 *
 * Time: one ManualClock for Deckhand and the simulators, stepped by `drive`; operations and the card
 * sink (its pacing, its retries) sleep on it. Polls are a minute apart, longer than a deploy takes
 * here, so a deploy that finishes proves the webhooks woke it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { isFinal, type Operation } from '../../src/operations/types.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from '../fakes/fake-slack-api.ts';
import { sendButtonClick, sendGitHubWebhook, type ButtonClick } from '../fakes/interaction-request.ts';
import { startSandboxWorld, type SandboxWorld } from '../fakes/sandbox-world.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const SIGNING_SECRET = 'test-signing-secret-5d1a77';
const WEBHOOK_SECRET = 'test-webhook-secret-93be02';
/** A Tuesday morning, outside the weekend freeze and the end-of-year freeze. */
const WEEKDAY = '2026-03-03T10:00:00Z';
const GROUPS = { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] };
const DEPLOYS = 'C0DEPLOYS';
const POLL_MS = 60_000;

let slack: FakeSlackApi;
let clock: ManualClock;
let world: SandboxWorld;
let stack: DeckhandStack;
/** Card edits made during each simulated second `drive` stepped through. */
let editsPerSecond: number[];

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: GROUPS });
  clock = new ManualClock(WEEKDAY);
  editsPerSecond = [];
  world = await startSandboxWorld(await loadConfigFile(EXAMPLE_CONFIG), clock);
  stack = await startDeckhandStack({
    slack,
    clock,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    world: {
      github: world.github,
      kubernetes: world.kubernetes,
      sleep: world.sleep,
      timing: { pollMs: POLL_MS, findRunTimeoutMs: 120_000, expectWebhooks: true },
      webhookSecret: WEBHOOK_SECRET,
    },
  });
  world.sandbox.github.setWebhook({ url: `${stack.baseUrl}/github/webhooks`, secret: WEBHOOK_SECRET });
});

afterEach(async () => {
  await world.close();
  await stack.deckhand.runner.idle();
  await stack.close();
  await slack.close();
});

const ops = (text: string, userId: string, responseId?: string, channelId = DEPLOYS) =>
  sendSlashCommand(
    stack.baseUrl,
    { text, userId, channelId, responseUrl: slack.responseUrl(responseId) },
    { signingSecret: SIGNING_SECRET },
  );

/** Where the operation's progress card is, as the Slack surface recorded it. */
const cardOf = (id: string) => stack.deckhand.store.slackMessages.get(`card:${id}`);

async function latest(): Promise<Operation> {
  const [op] = await stack.deckhand.store.operations.history({ limit: 1 });
  if (op === undefined) throw new Error('no operation was started');
  return op;
}

/** Steps simulated time until the operation stops moving on its own; then writes the cards out. */
async function drive(id: string, maxSteps = 300): Promise<Operation> {
  for (let step = 0; step < maxSteps; step++) {
    const op = await stack.deckhand.store.operations.get(id);
    if (op !== null && (isFinal(op.state) || op.state === 'awaiting_approval')) {
      await stack.deckhand.runner.idle();
      // The cards may still be waiting for their turn: time moves on until they have caught up.
      for (let more = 0; more < 30 && !(await stack.deckhand.sinks.caughtUp()); more++) await second();
      return (await stack.deckhand.store.operations.get(id)) ?? op;
    }
    await second();
  }
  throw new Error(`operation ${id} did not settle in ${maxSteps} steps`);
}

/** One simulated second: the world moves, then the sinks do what they can before the next. */
async function second(): Promise<void> {
  const before = edits().length;
  await world.step(1000);
  // Let loopback answers and watch events arrive, then the sinks write.
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await stack.deckhand.sinks.settled();
  editsPerSecond.push(edits().length - before);
}

/** Card messages: top-level posts in the channel, and edits of them. */
const posts = () => slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts === undefined);
const threadReplies = () => slack.callsTo('chat.postMessage').filter((c) => c.params.thread_ts !== undefined);
const edits = () => slack.callsTo('chat.update').filter((c) => c.status === 200);

function blocksOf(call: FakeSlackCall): { elements?: { action_id?: string; value?: string }[] }[] {
  const raw = call.params.blocks;
  return (typeof raw === 'string' ? JSON.parse(raw) : raw) as never;
}
const buttons = (call: FakeSlackCall) =>
  blocksOf(call).flatMap((b) => (b.elements ?? []).filter((e) => e.action_id !== undefined));
const actionIds = (call: FakeSlackCall) => buttons(call).map((b) => b.action_id);
const textOf = (call: FakeSlackCall) => String(call.params.text);

describe('deploys from Slack', () => {
  it('acks privately with where the card is, keeps one card edited in place to the end, dispatches once and unlocks', async () => {
    const res = await ops('deploy api v1.2.3 to staging', 'U000ADMIN', 'deploy-ack');

    expect(res.status).toBe(200);
    // One operation, one message: the acknowledgement is no copy of the card that would stay at
    // "starting", but a private note of where the live card is.
    const ack = asReply(res.body);
    expect(ack.response_type).toBe('ephemeral');
    expect(visibleText(ack)).toContain('Deploy api v1.2.3 → staging');
    expect(visibleText(ack)).toMatch(/Its live card is/);
    expect(visibleText(ack)).not.toMatch(/starting/);
    const op = await drive((await latest()).id);

    expect(op.state).toBe('succeeded');
    expect(posts()).toHaveLength(1);
    const [card] = posts();
    expect(card?.params.channel).toBe(DEPLOYS);
    const location = await cardOf(op.id);
    expect(location).toEqual({ channel: DEPLOYS, ts: expect.any(String) as string });
    // Once the card is up, the acknowledgement says where it is, with its permalink, exactly once.
    const permalink = `https://deckhand-test.slack.com/archives/${DEPLOYS}/p${(location?.ts ?? '').replace('.', '')}`;
    const pointers = slack.responses.filter((r) => r.id === 'deploy-ack');
    const shown = [JSON.stringify(ack), ...pointers.map((r) => JSON.stringify(r.body))].filter((t) =>
      t.includes(permalink),
    );
    expect(shown).toHaveLength(1);
    for (const pointer of pointers)
      expect(pointer.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
    expect(edits().length).toBeGreaterThan(0);
    for (const edit of edits()) expect(edit.params).toMatchObject({ channel: DEPLOYS, ts: location?.ts });
    expect(textOf(edits().at(-1)!)).toContain('Deploy api v1.2.3 → staging: done');
    // Coalesced: fewer edits than events, and never two in the same (simulated) second.
    const events = await stack.deckhand.events.forOperation(op.id);
    expect(edits().length).toBeLessThan(events.length);
    expect(Math.max(...editsPerSecond)).toBe(1);
    expect(threadReplies()).toEqual([]);
    expect(events.map((e) => (e.type === 'operation.state_changed' ? e.note : ''))).toContain(
      'Workflow deploy.yml started',
    );
    expect(world.sandbox.github.stats().dispatches).toBe(1);
    expect(world.sandbox.github.stats().webhooksDelivered).toBeGreaterThan(0);
    expect(await stack.deckhand.store.locks.list(clock.now())).toEqual([]);
    // With webhooks the run is read once, when it completed: the steps before come from the webhooks.
    expect(world.sandbox.github.stats().byRoute['GET /repos/{owner}/{repo}/actions/runs/{run_id}']).toBe(1);
  });

  it('ends a failed workflow with a Rollback button and the log tail in the thread', async () => {
    await ops('deploy api v1.2.3-fail to staging', 'U000ADMIN');
    const op = await drive((await latest()).id);

    expect(op.state).toBe('failed');
    expect(posts()).toHaveLength(1);
    const last = edits().at(-1)!;
    expect(textOf(last)).toContain('Deploy api v1.2.3-fail → staging: failed');
    expect(actionIds(last)).toEqual(['op_rollback']);
    expect(threadReplies()).toHaveLength(1);
    const reply = threadReplies()[0]!;
    expect(reply.params).toMatchObject({ channel: DEPLOYS, thread_ts: (await cardOf(op.id))?.ts });
    const shown = JSON.stringify(blocksOf(reply));
    expect(shown).toMatch(/Job:\*? `\w+`/);
    expect(shown).toContain('```');
    expect(await stack.deckhand.store.locks.list(clock.now())).toEqual([]);

    // The card's Rollback button carries `rollback api staging after=<the failed deploy>`; a click runs
    // it as the clicker, there.
    const value = buttons(last).find((b) => b.action_id === 'op_rollback')?.value;
    expect(value).toBe(`rollback api staging after=${op.id}`);
    const rollbackClick: ButtonClick = {
      userId: 'U000ADMIN',
      channelId: DEPLOYS,
      actionId: 'op_rollback',
      value: value ?? '',
      actionTs: '1772532000.000300',
    };
    const dispatch = vi.spyOn(stack.deckhand.dispatcher, 'dispatch');
    expect(await sendButtonClick(stack.baseUrl, rollbackClick, SIGNING_SECRET)).toBe(200);
    await Promise.all(dispatch.mock.results.map((r) => r.value as Promise<unknown>));
    expect(dispatch.mock.calls[0]?.[0]).toMatchObject({
      // Bound to the failed deploy it was shown for.
      text: `rollback api staging after=${op.id}`,
      actor: 'U000ADMIN',
      channel: DEPLOYS,
      idempotencyKey: 'slack:action:1772532000.000300:U000ADMIN',
    });
    // The workflow failed before the cluster changed: there is nothing to go back to, and it says so
    // (rather than starting a rollback that can only fail).
    const [clicked] = await Promise.all(
      dispatch.mock.results.map((r) => r.value as Promise<{ decision: string; reply: { text?: string } }>),
    );
    expect(clicked?.decision).toBe('invalid');
    expect(clicked?.reply.text).toMatch(/api in staging has no earlier revision to roll back to/);
    expect((await latest()).kind).toBe('deploy');
    expect(posts()).toHaveLength(1);
  });

  it('waits out a 429 on a card edit and still writes the final state', async () => {
    slack.rateLimit('chat.update', 0, 2);
    await ops('deploy api v1.2.4 to staging', 'U000ADMIN');
    const op = await drive((await latest()).id);

    expect(op.state).toBe('succeeded');
    expect(slack.callsTo('chat.update').filter((c) => c.status === 429)).toHaveLength(2);
    expect(posts()).toHaveLength(1);
    expect(textOf(edits().at(-1)!)).toContain('Deploy api v1.2.4 → staging: done');
  });

  it('goes on deploying while Slack is down, and the card catches up with one edit when it is back', async () => {
    await ops('deploy api v1.2.5 to staging', 'U000ADMIN');
    const id = (await latest()).id;
    // The card is posted, then Slack goes away before the workflow has even started.
    for (let s = 0; s < 3 && posts().length === 0; s++) await second();
    expect(posts()).toHaveLength(1);
    slack.setDown(true);
    const editsBefore = edits().length;

    // Nothing waits for Slack: the deploy runs to the end in the simulated seconds it always takes.
    let steps = 0;
    while (!isFinal((await stack.deckhand.store.operations.get(id))?.state ?? 'running')) {
      await second();
      if (++steps > 120) throw new Error('the deploy stalled while Slack was down');
    }
    await stack.deckhand.runner.idle();
    const op = await stack.deckhand.store.operations.get(id);
    expect(op?.state).toBe('succeeded');
    expect(slack.refused).toBeGreaterThan(0);
    expect(edits()).toHaveLength(editsBefore);
    expect(await stack.deckhand.sinks.caughtUp()).toBe(false);

    // Slack is back: one edit brings the card from "starting" to "done", on the same message.
    slack.setDown(false);
    for (let s = 0; s < 60 && !(await stack.deckhand.sinks.caughtUp()); s++) await second();
    expect(await stack.deckhand.sinks.caughtUp()).toBe(true);
    expect(edits()).toHaveLength(editsBefore + 1);
    expect(textOf(edits().at(-1)!)).toContain('Deploy api v1.2.5 → staging: done');
    expect(edits().at(-1)?.params.ts).toBe((await cardOf(id))?.ts);
    expect(posts()).toHaveLength(1);
  });

  it('asks for approval in production, refuses the requester, and runs once on a double click', async () => {
    await ops('deploy api v1.2.3 to production', 'U000ADMIN');
    const requested = await drive((await latest()).id);
    expect(requested.state).toBe('awaiting_approval');
    const card = posts()[0]!;
    expect(actionIds(card)).toEqual(['op_approve', 'op_deny']);
    const value = buttons(card).find((b) => b.action_id === 'op_approve')?.value ?? '';
    expect(value).toMatch(new RegExp(`^approve ${requested.id} token=[0-9a-f]{16}$`));
    const dispatch = vi.spyOn(stack.deckhand.dispatcher, 'dispatch');

    // The requester cannot approve their own change: told privately, nothing moves.
    const refusal = slack.hold('chat.postEphemeral');
    const click = (userId: string, actionTs: string): ButtonClick => ({
      userId,
      channelId: DEPLOYS,
      actionId: 'op_approve',
      value,
      actionTs,
    });
    expect(
      await sendButtonClick(stack.baseUrl, click('U000ADMIN', '1772532000.000100'), SIGNING_SECRET),
    ).toBe(200);
    const ephemeral = await refusal.reached;
    refusal.release();
    expect(ephemeral.params).toMatchObject({ channel: DEPLOYS, user: 'U000ADMIN' });
    expect(String(ephemeral.params.text)).toMatch(/someone else has to approve/);
    expect((await stack.deckhand.store.operations.get(requested.id))?.state).toBe('awaiting_approval');

    // Alice (in S000SRE) approves; her double click arrives twice with the same action_ts.
    const twice = click('U000ALICE', '1772532000.000200');
    await Promise.all([
      sendButtonClick(stack.baseUrl, twice, SIGNING_SECRET),
      sendButtonClick(stack.baseUrl, twice, SIGNING_SECRET),
    ]);
    const outcomes = await Promise.all(
      dispatch.mock.results.map((r) => r.value as Promise<{ fresh: boolean }>),
    );
    expect(outcomes.map((o) => o.fresh).sort()).toEqual([false, true, true]);
    const op = await drive(requested.id);

    expect(op).toMatchObject({ state: 'succeeded', approver: 'U000ALICE' });
    expect(world.sandbox.github.stats().dispatches).toBe(1);
    expect(slack.callsTo('chat.postEphemeral')).toHaveLength(1);
    expect(posts()).toHaveLength(1);
    expect(textOf(edits().at(-1)!)).toContain('Deploy api v1.2.3 → production: done');
    // One audited invocation per click that ran; the double click's second delivery left no trace.
    const approvals = (await stack.deckhand.store.audit.recent({})).filter((a) => a.command === 'approve');
    const byAlice = approvals.filter((a) => a.actor === 'U000ALICE');
    expect(byAlice.map((a) => a.decision)).toEqual(['allowed']);
    expect(approvals.filter((a) => a.actor === 'U000ADMIN').map((a) => a.decision)).toContain('denied');
  });
});

describe('answers that are an operation’s card', () => {
  it('answers /ops approve privately with the permalink of the card, which stays the one message', async () => {
    await ops('deploy api v1.2.3 to production', 'U000ADMIN');
    const requested = await drive((await latest()).id);
    const card = await cardOf(requested.id);

    const res = await ops(`approve ${requested.id.slice(0, 8)}`, 'U000ALICE');
    const ack = asReply(res.body);
    console.log('ACK', JSON.stringify(ack));

    expect(ack.response_type).toBe('ephemeral');
    expect(visibleText(ack)).toContain('You approved it.');
    expect(visibleText(ack)).toContain(`archives/${DEPLOYS}/p${(card?.ts ?? '').replace('.', '')}`);
    const op = await drive(requested.id);
    expect(op.state).toBe('succeeded');
    expect(posts()).toHaveLength(1);
    expect(textOf(edits().at(-1)!)).toContain('Deploy api v1.2.3 → production: done');
  });
});

describe('a channel the bot may not post in', () => {
  const ELSEWHERE = 'C0ELSEWHERE';

  it.each(['not_in_channel', 'channel_not_found', 'is_archived'] as const)(
    'shows the card to the requester through the response_url when Slack answers %s, and says what to do',
    async (refusal) => {
      slack.refuseChannel(ELSEWHERE, refusal);
      const res = await ops('deploy api v1.2.3 to staging', 'U000ADMIN', `fallback-${refusal}`, ELSEWHERE);
      expect(asReply(res.body).response_type).toBe('ephemeral');
      const op = await drive((await latest()).id);

      expect(op.state).toBe('succeeded');
      // Slack refused every post there: no card was ever recorded in the channel.
      expect(posts().some((c) => c.params.channel === ELSEWHERE)).toBe(true);
      expect(await cardOf(op.id)).toBeNull();
      const shown = slack.responses.filter((r) => r.id === `fallback-${refusal}` && r.status === 200);
      // Each new state once, within Slack's 5 messages per response_url, the last one the end.
      expect(shown.length).toBeGreaterThan(1);
      expect(shown.length).toBeLessThanOrEqual(5);
      for (const r of shown)
        expect(r.body).toMatchObject({ response_type: 'ephemeral', replace_original: true });
      const last = JSON.stringify(shown.at(-1)?.body);
      expect(last).toContain('Deploy api v1.2.3 → staging: done');
      expect(last).toContain(refusal === 'is_archived' ? 'is archived' : '/invite @deckhand');
      expect(await stack.deckhand.sinks.caughtUp()).toBe(true);
    },
  );

  it('posts the card in the channel once the bot is invited, and points the requester at it', async () => {
    slack.refuseChannel(ELSEWHERE, 'not_in_channel');
    await ops('deploy api v1.2.3 to staging', 'U000ADMIN', 'invited-later', ELSEWHERE);
    const id = (await latest()).id;
    for (let s = 0; s < 10 && !slack.responses.some((r) => r.id === 'invited-later'); s++) await second();
    expect(JSON.stringify(slack.responses.at(-1)?.body)).toContain('/invite @deckhand');

    // Someone types /invite @deckhand: the next change of the card goes to the channel.
    slack.refuseChannel(ELSEWHERE, null);
    const op = await drive(id);

    expect(op.state).toBe('succeeded');
    const location = await cardOf(op.id);
    expect(location?.channel).toBe(ELSEWHERE);
    expect(textOf(edits().at(-1)!)).toContain('Deploy api v1.2.3 → staging: done');
    const pointer = slack.responses.filter((r) => r.id === 'invited-later').at(-1);
    expect(JSON.stringify(pointer?.body)).toContain(`archives/${ELSEWHERE}/p`);
  });
});

describe('GitHub webhooks', () => {
  const payload = {
    action: 'completed',
    repository: { name: 'api', owner: { login: 'acme' } },
    workflow_job: {
      id: 1,
      run_id: 4242,
      name: 'deploy',
      status: 'completed',
      conclusion: 'success',
      html_url: 'https://github.com/acme/api/actions/runs/4242/job/1',
      started_at: null,
      completed_at: null,
      steps: [],
    },
  };

  it('refuses a bad signature with 401 and wakes no one', async () => {
    const notify = vi.spyOn(stack.deckhand.signals, 'notify');
    const res = await sendGitHubWebhook(stack.baseUrl, {
      event: 'workflow_job',
      id: 'delivery-1',
      payload,
      secret: WEBHOOK_SECRET,
      signature: `sha256=${'0'.repeat(64)}`,
    });
    expect(res.status).toBe(401);
    expect(notify).not.toHaveBeenCalled();
  });

  it('wakes the run on a delivery and ignores the same delivery replayed', async () => {
    const notify = vi.spyOn(stack.deckhand.signals, 'notify');
    const delivery = { event: 'workflow_job', id: 'delivery-2', payload, secret: WEBHOOK_SECRET };
    const first = await sendGitHubWebhook(stack.baseUrl, delivery);
    const again = await sendGitHubWebhook(stack.baseUrl, delivery);
    expect(first).toEqual({ status: 202, body: { status: 'accepted' } });
    expect(again).toEqual({ status: 202, body: { status: 'duplicate' } });
    expect(notify.mock.calls).toEqual([[4242, 'in_progress']]);
  });
});
