/**
 * Progress card pacing, with a recording chat and a hand-stepped scheduler: which writes happen, and
 * when, as events arrive faster than Slack lets a message change.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { EventBus } from '../../src/operations/event-bus.ts';
import type { Operation, OperationState } from '../../src/operations/types.ts';
import { createStore } from '../../src/store/create-store.ts';
import type { Store } from '../../src/store/types.ts';
import type { CardChat, ChatMessage, MessageLocation } from '../../src/surfaces/slack/card-chat.ts';
import { ProgressCards } from '../../src/surfaces/slack/progress-cards.ts';
import { ManualScheduler } from '../fakes/manual-scheduler.ts';

interface Write {
  kind: 'post' | 'update';
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks: string;
  at: number;
}

let store: Store;
let events: EventBus;
let scheduler: ManualScheduler;
let clock: ManualClock;
let writes: Write[];
let cards: ProgressCards;
let nextTs: number;

function recordingChat(): CardChat {
  return {
    post: (channel: string, message: ChatMessage, threadTs?: string): Promise<MessageLocation> => {
      nextTs += 1;
      const ts = `1767607200.${String(nextTs).padStart(6, '0')}`;
      writes.push({
        kind: 'post',
        channel,
        ts,
        text: message.text,
        blocks: JSON.stringify(message.blocks),
        at: scheduler.now(),
        ...(threadTs === undefined ? {} : { threadTs }),
      });
      return Promise.resolve({ channel, ts });
    },
    update: (location: MessageLocation, message: ChatMessage): Promise<void> => {
      writes.push({
        kind: 'update',
        ...location,
        text: message.text,
        blocks: JSON.stringify(message.blocks),
        at: scheduler.now(),
      });
      return Promise.resolve();
    },
  };
}

function operation(id: string, channel: string, card: Operation['card'] = null): Operation {
  const now = clock.now();
  return {
    id,
    kind: 'deploy',
    service: 'api',
    environment: 'staging',
    ref: 'v1.2.3',
    inputs: { version: 'v1.2.3', environment: 'staging' },
    state: 'dispatching',
    requester: 'U000ADMIN',
    approver: null,
    channel,
    surface: 'slack',
    createdAt: now,
    updatedAt: now,
    approvalExpiresAt: null,
    dispatchedAt: null,
    runId: null,
    runUrl: null,
    card,
    outcome: null,
    version: 1,
  };
}

/** Moves the operation on as the runner would: the row first, then the event. */
async function emit(id: string, type: string, state?: OperationState, data: Record<string, unknown> = {}) {
  if (state !== undefined) {
    const op = await store.operations.get(id);
    if (op === null) throw new Error(`no operation ${id}`);
    await store.operations.update(op, { state }, clock.now());
  }
  await events.emit({ operationId: id, at: clock.now(), type, text: `${type} happened`, data });
}

beforeEach(async () => {
  store = await createStore({ sqlitePath: ':memory:' });
  events = new EventBus(store.operations, pino({ level: 'silent' }));
  scheduler = new ManualScheduler();
  clock = new ManualClock('2026-03-03T10:00:00Z');
  writes = [];
  nextTs = 0;
  cards = new ProgressCards({
    events,
    operations: store.operations,
    chat: recordingChat(),
    clock,
    scheduler,
    logger: pino({ level: 'silent' }),
  });
  cards.start();
});

afterEach(async () => {
  await cards.stop();
  await store.close();
});

describe('progress cards', () => {
  it('posts once, then edits at most once a second with the latest state, and always the final one', async () => {
    await store.operations.create(operation('op-1', 'C0DEPLOYS'));
    await emit('op-1', 'requested');
    await cards.settled();
    expect(writes.map((w) => w.kind)).toEqual(['post']);
    expect((await store.operations.get('op-1'))?.card).toEqual({ channel: 'C0DEPLOYS', ts: writes[0]?.ts });

    await emit('op-1', 'running', 'running');
    await emit('op-1', 'run');
    await emit('op-1', 'verifying', 'verifying');
    await cards.settled();
    expect(writes).toHaveLength(1);

    scheduler.advance(999);
    await cards.settled();
    expect(writes).toHaveLength(1);
    scheduler.advance(1);
    await cards.settled();
    expect(writes.map((w) => [w.kind, w.at])).toEqual([
      ['post', 0],
      ['update', 1000],
    ]);
    expect(writes[1]?.text).toContain('rolling out');

    await emit('op-1', 'succeeded', 'succeeded');
    await cards.flush();
    expect(writes).toHaveLength(3);
    expect(writes[2]).toMatchObject({ kind: 'update', ts: writes[0]?.ts });
    expect(writes[2]?.text).toContain('Deploy api v1.2.3 → staging: done');
  });

  it('posts at most one new message a second in a channel, and puts failure details in the thread', async () => {
    await store.operations.create(operation('op-a', 'C0DEPLOYS'));
    await store.operations.create(operation('op-b', 'C0DEPLOYS'));
    await store.operations.create(operation('op-c', 'C0OTHER'));
    const first = emit('op-a', 'requested');
    const second = emit('op-b', 'requested');
    await emit('op-c', 'requested');
    await first;
    await cards.settled();
    expect(writes.map((w) => [w.channel, w.at])).toEqual([
      ['C0DEPLOYS', 0],
      ['C0OTHER', 0],
    ]);
    scheduler.advance(1000);
    await second;
    await cards.settled();
    expect(writes.map((w) => [w.channel, w.at])).toEqual([
      ['C0DEPLOYS', 0],
      ['C0OTHER', 0],
      ['C0DEPLOYS', 1000],
    ]);

    scheduler.advance(1000);
    await emit('op-a', 'failed', 'failed', {
      job: 'deploy',
      step: 'Apply',
      log: ['applying manifests', 'error: <@U000ADMIN> image not found'],
    });
    await cards.flush();
    const thread = writes.filter((w) => w.threadTs !== undefined);
    expect(thread.map((w) => [w.channel, w.threadTs])).toEqual([['C0DEPLOYS', writes[0]?.ts]]);
    expect(thread[0]?.text).toContain('Job: deploy');
    // The log tail is a code block, and a mention in a build log pings no one.
    expect(thread[0]?.blocks).toContain('```');
    expect(thread[0]?.blocks).toContain('&lt;@U000ADMIN&gt; image not found');
    expect(writes.filter((w) => w.kind === 'update').at(-1)?.text).toContain('failed');
  });

  it('edits the card a previous process posted, found through the store', async () => {
    await store.operations.create(
      operation('op-r', 'C0DEPLOYS', { channel: 'C0DEPLOYS', ts: '1767600000.000042' }),
    );
    await emit('op-r', 'running', 'running');
    await cards.flush();
    expect(writes).toEqual([expect.objectContaining({ kind: 'update', ts: '1767600000.000042' })]);
  });

  it('shows no card for operations asked for in the shell', async () => {
    await store.operations.create({ ...operation('op-s', 'shell'), surface: 'shell' });
    await emit('op-s', 'requested');
    await cards.flush();
    expect(writes).toEqual([]);
  });
});
