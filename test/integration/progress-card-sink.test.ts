/**
 * The progress-card sink when Slack says no: a card whose blocks Slack refuses goes as text instead of
 * being retried forever (the card would stay at "workflow running"), and a channel the bot may not post
 * in, with no response_url to fall back on, is logged and left, not retried without end.
 */
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { operationRequested, operationStateChanged } from '../../src/events/event-constructors.ts';
import type { CardChat, ChatMessage, MessageLocation } from '../../src/surfaces/slack/card-chat.ts';
import { CardLinks } from '../../src/surfaces/slack/card-links.ts';
import { progressCardSink } from '../../src/surfaces/slack/progress-card-sink.ts';
import type { ResponseMessage } from '../../src/surfaces/slack/response-url.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { operationFixture } from '../support/operation-fixture.ts';

/** How WebClient reports Slack's `ok: false` answers. */
function platformError(error: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), {
    code: 'slack_webapi_platform_error',
    data: { ok: false, error },
  });
}

/** A chat that answers as told: `refuse(message)` returns Slack's error for a message, or null. */
function scriptedChat(refuse: (message: ChatMessage) => string | null): CardChat & { sent: ChatMessage[] } {
  const sent: ChatMessage[] = [];
  let ts = 0;
  return {
    sent,
    post: (channel, message) => {
      sent.push(message);
      const error = refuse(message);
      if (error !== null) return Promise.reject(platformError(error));
      ts += 1;
      return Promise.resolve({ channel, ts: `1767607200.00000${String(ts)}` });
    },
    update: (_location: MessageLocation, message) => {
      sent.push(message);
      const error = refuse(message);
      return error === null ? Promise.resolve() : Promise.reject(platformError(error));
    },
    permalink: (location) =>
      Promise.resolve(`https://deckhand-test.slack.com/archives/${location.channel}/p1`),
  };
}

describe('progress cards Slack refuses', () => {
  let h: Harness;
  const responses: ResponseMessage[] = [];
  beforeEach(async () => {
    h = await startHarness();
    responses.length = 0;
  });
  afterEach(() => h.deckhand.stop());

  function sink(chat: CardChat) {
    const logger = pino({ level: 'silent' });
    const links = new CardLinks({
      messages: h.deckhand.store.slackMessages,
      chat,
      respond: (_url, message) => {
        responses.push(message);
        return Promise.resolve();
      },
      clock: h.clock,
      logger,
    });
    return progressCardSink({
      events: h.deckhand.events,
      operations: h.deckhand.store.operations,
      messages: h.deckhand.store.slackMessages,
      chat,
      links,
      clock: h.clock,
      logger,
    });
  }

  async function operation(id: string) {
    const op = operationFixture(h.clock.now(), {
      id,
      surface: 'slack',
      channel: 'C0DEPLOYS',
      state: 'running',
    });
    await h.deckhand.store.operations.create(op);
    await h.deckhand.events.emit(
      operationRequested(op, 'deploy web v1.2.3 to staging', h.clock.now()),
      operationStateChanged(op, 'running', 'Workflow deploy.yml started', h.clock.now()),
    );
    return op;
  }

  it('sends a card whose blocks Slack refuses as text, once, instead of stalling', async () => {
    const chat = scriptedChat((m) => (m.blocks.length > 1 ? 'invalid_blocks' : null));
    const op = await operation('op-refused-blocks');

    await sink(chat).handle(await h.deckhand.events.forOperation(op.id));

    expect(chat.sent).toHaveLength(2);
    expect(chat.sent[1]?.blocks).toHaveLength(1);
    expect(chat.sent[1]?.text).toContain('Deploy web v1.2.3 → staging: workflow running');
    expect(await h.deckhand.store.slackMessages.get(`card:${op.id}`)).not.toBeNull();
  });

  it('leaves a card the channel refuses when there is no response_url to show it through', async () => {
    const chat = scriptedChat(() => 'not_in_channel');
    const op = await operation('op-no-response-url');

    await expect(sink(chat).handle(await h.deckhand.events.forOperation(op.id))).resolves.toBeUndefined();
    expect(await h.deckhand.store.slackMessages.get(`card:${op.id}`)).toBeNull();
    expect(responses).toEqual([]);
  });

  it('shows a refused card through the response_url at most 5 times, keeping the last for the end', async () => {
    const chat = scriptedChat(() => 'not_in_channel');
    const op = await operation('op-many-states');
    await h.deckhand.store.slackMessages.saveResponseUrl(op.id, 'https://hooks.slack.test/1', h.clock.now());
    const cards = sink(chat);

    /** Moves the operation on (each state a new card title) and lets the sink show it. */
    let state = op;
    const move = async (to: typeof op.state): Promise<void> => {
      h.clock.advance(2000);
      const next = await h.deckhand.store.operations.update(
        state,
        { state: to, updatedAt: h.clock.now() },
        h.clock.now(),
      );
      if (next === null) throw new Error('the operation moved under the test');
      await h.deckhand.events.emit(operationStateChanged(state, to, `now ${to}`, h.clock.now()));
      state = next;
      await cards.handle((await h.deckhand.events.forOperation(op.id)).slice(-1));
    };

    await cards.handle(await h.deckhand.events.forOperation(op.id));
    for (const to of ['verifying', 'running', 'verifying', 'running', 'verifying'] as const) await move(to);
    expect(responses).toHaveLength(4);
    await move('succeeded');

    expect(responses).toHaveLength(5);
    expect(responses.at(-1)?.text).toContain('done');
    expect(responses.every((r) => r.replace_original && r.response_type === 'ephemeral')).toBe(true);
  });
});
