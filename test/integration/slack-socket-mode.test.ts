/**
 * Deckhand in Socket Mode, end to end: Bolt's SocketModeReceiver (the real @slack/socket-mode client)
 * asks the fake Slack's `apps.connections.open` for a URL, connects to a WebSocket server the test runs
 * (test/fakes/fake-socket-mode.ts), and answers the envelopes it is sent with acknowledgements.
 *
 * Real time: the client waits 5 s before it reconnects (its clientPingTimeout), which the tests that
 * drop a connection wait out; nothing else sleeps.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { createStore } from '../../src/store/create-store.ts';
import { startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { startFakeSocketMode, type Ack, type FakeSocketMode } from '../fakes/fake-socket-mode.ts';
import { blockActionPayload } from '../fakes/interaction-request.ts';
import { newTriggerId, slashCommandBody } from '../fakes/signed-request.ts';
import { pollUntil } from '../support/poll.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const WEEKDAY = '2026-03-03T10:00:00Z';
const GROUPS = { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] };
const DEPLOYS = 'C0DEPLOYS';
const APP_TOKEN = 'xapp-1-A000DECK-1-fake';

let slack: FakeSlackApi;
let socket: FakeSocketMode;
const stacks: DeckhandStack[] = [];

async function startStack(store?: Awaited<ReturnType<typeof createStore>>): Promise<DeckhandStack> {
  const stack = await startDeckhandStack({
    slack,
    clock: new ManualClock(WEEKDAY),
    // Socket Mode has no signing secret; the stack's option is for HTTP mode.
    signingSecret: 'unused-in-socket-mode',
    appToken: APP_TOKEN,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    ...(store === undefined ? {} : { store }),
  });
  stacks.push(stack);
  return stack;
}

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: GROUPS });
  socket = await startFakeSocketMode();
  slack.setSocketModeUrl(socket.url);
});

afterEach(async () => {
  for (const stack of stacks.splice(0)) await stack.close();
  await socket.close();
  await slack.close();
});

/** A slash command's payload as Socket Mode carries it: the HTTP form's fields, as JSON. */
function slashPayload(text: string, userId: string, triggerId = newTriggerId()): object {
  return Object.fromEntries(
    new URLSearchParams(
      slashCommandBody({ text, userId, channelId: DEPLOYS, triggerId, responseUrl: slack.responseUrl() }),
    ),
  );
}

const command = (text: string, userId: string, options: { to?: number; envelopeId?: string } = {}) =>
  socket.deliver('slash_commands', slashPayload(text, userId), options);

/** What the acknowledgement shows the person who typed the command. */
const shown = (ack: Ack): string => visibleText(asReply(ack.payload ?? {}));

async function auditOf(stack: DeckhandStack, commandName: string) {
  return (await stack.deckhand.store.audit.recent({})).filter((a) => a.command === commandName);
}

/** Resolves once `connection` is closed; the client's reconnect is its own business. */
const closed = (connection: number) =>
  pollUntil(`connection ${String(connection)} to close`, socket.open, (open) => !open.includes(connection));

describe('Socket Mode', () => {
  it('opens its connection with the app token and answers a command in the acknowledgement', async () => {
    const stack = await startStack();
    expect(stack.surface.mode).toBe('socket-mode');
    expect(slack.callsTo('apps.connections.open').map((c) => c.token)).toEqual([APP_TOKEN]);
    expect(await socket.whenOpen(1)).toEqual([1]);
    expect(stack.surface.slackApp.connected()).toBe(true);

    const ack = await command('whoami', 'U000ALICE');
    expect(ack.connection).toBe(1);
    expect(shown(ack)).toContain('U000ALICE');
  });

  it('runs a button click: a deploy to production asked for and denied through the card', async () => {
    const stack = await startStack();
    await socket.whenOpen(1);
    const asked = await command('deploy api v1.2.3 to production', 'U000ADMIN');
    expect(asked.payload).toBeDefined();
    const [op] = await stack.deckhand.store.operations.history({ limit: 1 });
    expect(op?.state).toBe('awaiting_approval');
    await stack.deckhand.sinks.drain();
    const card = slack.callsTo('chat.postMessage').find((c) => String(c.params.text).includes('production'));
    const raw = card?.params.blocks;
    const blocks = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      elements?: { action_id?: string; value?: string }[];
    }[];
    const deny = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'op_deny');
    expect(deny?.value).toBeDefined();

    const click = blockActionPayload({
      userId: 'U000ALICE',
      channelId: DEPLOYS,
      actionId: 'op_deny',
      value: deny?.value ?? '',
      actionTs: '1772532000.000300',
    });
    // Acknowledged at once; the click runs after.
    expect((await socket.deliver('interactive', click)).payload ?? {}).toEqual({});
    const denied = await pollUntil(
      'the deploy to be denied',
      () => stack.deckhand.store.operations.get(op?.id ?? ''),
      (now) => now?.state !== 'awaiting_approval',
    );
    // A denied request ends as cancelled, saying who denied it.
    expect(denied?.state).toBe('cancelled');
    expect(denied?.outcome).toContain('U000ALICE');
    expect((await auditOf(stack, 'deny')).map((a) => [a.actor, a.decision])).toEqual([
      ['U000ALICE', 'allowed'],
    ]);
  });

  it('runs an envelope delivered twice once: the second acknowledgement is empty and leaves no trace', async () => {
    const stack = await startStack();
    await socket.whenOpen(1);
    const first = await command('lock api staging "socket twice"', 'U000ALICE');
    expect(shown(first)).toContain('api in staging is locked');
    const again = await socket.redeliver(first.envelopeId);
    expect(again.payload ?? {}).toEqual({});
    expect(await auditOf(stack, 'lock')).toHaveLength(1);
  });

  it('acknowledges, empty, a retry of an envelope whose acknowledgement Slack never got, and runs it once', async () => {
    const stack = await startStack();
    await socket.whenOpen(1);
    // The connection stays up; Slack's wait for the acknowledgement times out and it sends the envelope again.
    const envelopeId = 'env-ack-timed-out';
    socket.loseAckOf(envelopeId, 'timeout');
    const retried = await command('lock api staging "ack lost"', 'U000ALICE', { envelopeId });
    expect(socket.deliveries.filter((d) => d.envelopeId === envelopeId).map((d) => d.connection)).toEqual([
      1, 1,
    ]);
    expect(socket.lostAcks.map(shown)).toEqual([expect.stringContaining('api in staging is locked')]);
    expect(retried).toMatchObject({ envelopeId, connection: 1 });
    expect(retried.payload ?? {}).toEqual({});
    expect(await auditOf(stack, 'lock')).toHaveLength(1);
  });

  it('acknowledges, empty, a retry that arrives while the first delivery still runs, and runs it once', async () => {
    const stack = await startStack();
    await socket.whenOpen(1);
    const envelopeId = 'env-still-running';
    // The first delivery waits on Slack's user group lookup (its policy check) when the retry comes.
    const held = slack.hold('usergroups.users.list');
    void command('lock web staging "slow first"', 'U000BOB', { envelopeId });
    await held.reached;
    const retry = await socket.redeliver(envelopeId);
    expect(retry.payload ?? {}).toEqual({});
    held.release();
    const acks = await pollUntil(
      'the first delivery to be acknowledged',
      () => socket.acks.filter((ack) => ack.envelopeId === envelopeId),
      (found) => found.length === 2,
    );
    expect(acks.map((ack) => ack.connection)).toEqual([1, 1]);
    expect(await auditOf(stack, 'lock')).toHaveLength(1);
    expect(shown(acks[1] ?? { envelopeId, connection: 0, payload: undefined })).toContain(
      'web in staging is locked',
    );
  });

  it('reconnects on disconnect (refresh_requested) and loses no envelope, acknowledged or not', async () => {
    const stack = await startStack();
    await socket.whenOpen(1);
    socket.disconnect(1, 'refresh_requested');
    await closed(1);
    expect(stack.surface.slackApp.connected()).toBe(false);
    // Sent while no connection is open: it waits for the next one.
    const waited = command('whoami', 'U000BOB');
    expect(await socket.whenOpen(1)).toEqual([2]);
    expect(shown(await waited)).toContain('U000BOB');
    expect(slack.callsTo('apps.connections.open')).toHaveLength(2);
    expect(stack.surface.slackApp.connected()).toBe(true);

    // Run, but its acknowledgement lost with the connection: Slack sends it again on the next one.
    const envelopeId = 'env-lost-ack';
    socket.loseAckOf(envelopeId);
    const redelivered = await command('lock api staging "lost ack"', 'U000ALICE', { envelopeId });
    expect(redelivered.connection).toBe(3);
    expect(socket.deliveries.filter((d) => d.envelopeId === envelopeId).map((d) => d.connection)).toEqual([
      2, 3,
    ]);
    expect(await auditOf(stack, 'lock')).toHaveLength(1);
  }, 60_000);

  it('stopping, answers the envelopes it took and leaves new ones to another replica', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-socket-stop-'));
    const open = () => createStore({ databaseUrl: undefined, sqlitePath: join(dir, 'deckhand.db') });
    const a = await startStack(await open());
    await socket.whenOpen(1);
    // Taken before the stop: its policy check waits on Slack's user group lookup.
    const held = slack.hold('usergroups.users.list');
    const taken = command('whoami', 'U000ALICE');
    await held.reached;
    const stopped = a.deckhand.stop();
    // Arrives while stopping: not acknowledged, so Slack delivers it again elsewhere.
    const left = command('whoami', 'U000BOB', { to: 1 });
    held.release();
    expect(shown(await taken)).toContain('U000ALICE');
    await stopped;
    await closed(1);

    await startStack(await open());
    const answered = await left;
    expect(answered.connection).toBe(2);
    expect(shown(answered)).toContain('U000BOB');
    expect(socket.deliveries.filter((d) => d.envelopeId === answered.envelopeId)).toHaveLength(2);
    expect(socket.acks.filter((ack) => ack.envelopeId === answered.envelopeId)).toHaveLength(1);
  }, 30_000);

  it('splits envelopes between two replicas sharing one app token, still one run per request', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-socket-replicas-'));
    const open = () => createStore({ databaseUrl: undefined, sqlitePath: join(dir, 'deckhand.db') });
    const a = await startStack(await open());
    await startStack(await open());
    expect(await socket.whenOpen(2)).toEqual([1, 2]);

    const users = ['U000ALICE', 'U000BOB', 'U000CAROL', 'U000ALICE', 'U000BOB', 'U000CAROL'];
    const acks = await Promise.all(users.map((user) => command('whoami', user)));
    // Each envelope went to one connection, each connection got some, and each answered its own.
    expect(new Set(socket.deliveries.map((d) => d.envelopeId)).size).toBe(socket.deliveries.length);
    expect(new Set(acks.map((ack) => ack.connection))).toEqual(new Set([1, 2]));
    acks.forEach((ack, i) => expect(shown(ack)).toContain(users[i]));
    expect(await auditOf(a, 'whoami')).toHaveLength(6);

    // Run by one replica, its acknowledgement lost: Slack sends it to the other, which does not run it again.
    const envelopeId = 'env-lost-between-replicas';
    socket.loseAckOf(envelopeId);
    const redelivered = await command('lock web staging "one run"', 'U000ALICE', { to: 1, envelopeId });
    expect(redelivered.connection).toBe(2);
    expect(redelivered.payload ?? {}).toEqual({});
    expect(await auditOf(a, 'lock')).toHaveLength(1);
  }, 60_000);
});
