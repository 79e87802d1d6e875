/**
 * A runbook run's card in Slack, through the real WebClient against the fake Slack API: one line per
 * step at its latest status (pending, running, succeeded, failed, skipped) with durations, the run's
 * parameters and an Abort button, and each step's outputs in the card's thread, once.
 */
import { WebClient } from '@slack/web-api';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runbookStepChanged } from '../../src/events/event-constructors.ts';
import type { RunbookStepRecord } from '../../src/operations/runbook-run-repository.ts';
import type { Operation } from '../../src/operations/types.ts';
import { webClientChat } from '../../src/surfaces/slack/card-chat.ts';
import { CardLinks } from '../../src/surfaces/slack/card-links.ts';
import { progressCardSink } from '../../src/surfaces/slack/progress-card-sink.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from '../fakes/fake-slack-api.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { operationFixture } from '../support/operation-fixture.ts';

const CHANNEL = 'C0DEPLOYS';
const ID = 'op-runbook-card-0000-4000-8000-000000000000';

describe('a runbook run’s card in Slack', () => {
  let h: Harness;
  let slack: FakeSlackApi;
  beforeEach(async () => {
    h = await startHarness();
    slack = await startFakeSlackApi();
  });
  afterEach(async () => {
    await h.deckhand.stop();
    await slack.close();
  });

  function sink() {
    const logger = pino({ level: 'silent' });
    const chat = webClientChat(
      new WebClient('xoxb-test', { slackApiUrl: slack.url, retryConfig: { retries: 0 } }),
    );
    const links = new CardLinks({
      messages: h.deckhand.store.slackMessages,
      chat,
      respond: () => Promise.resolve(),
      clock: h.clock,
      logger,
    });
    return progressCardSink({
      events: h.deckhand.events,
      operations: h.deckhand.store.operations,
      runbookRuns: h.deckhand.store.runbookRuns,
      messages: h.deckhand.store.slackMessages,
      chat,
      links,
      clock: h.clock,
      logger,
      editIntervalMs: 0,
      channelIntervalMs: 0,
    });
  }

  const record = (id: string, status: RunbookStepRecord['status']): RunbookStepRecord => ({
    id,
    status,
    attempts: status === 'pending' || status === 'skipped' ? 0 : 1,
    startedAt: null,
    endedAt: null,
    outputs: {},
    error: null,
  });

  async function run(state: Operation['state'] = 'running'): Promise<Operation> {
    const at = h.clock.now();
    const op = operationFixture(at, {
      id: ID,
      kind: 'runbook',
      service: 'api',
      environment: 'staging',
      ref: 'scale-for-traffic',
      inputs: { env: 'staging', size: 'peak' },
      state,
      requester: 'U000ALICE',
      channel: CHANNEL,
      surface: 'slack',
    });
    await h.deckhand.store.operations.create(op);
    await h.deckhand.store.runbookRuns.create(
      {
        operationId: ID,
        runbookId: 'scale-for-traffic',
        stepIndex: 3,
        steps: [
          record('status', 'succeeded'),
          record('confirm', 'skipped'),
          record('scale', 'failed'),
          record('rollout', 'running'),
          record('check', 'pending'),
        ],
      },
      at,
    );
    return op;
  }

  const step = (id: string, index: number, type: string, name: string | null) => ({ id, index, type, name });

  const postsIn = (calls: FakeSlackCall[], thread: boolean) =>
    calls.filter((c) => c.method === 'chat.postMessage' && (c.params.thread_ts !== undefined) === thread);

  it('shows a line per step with its status and duration, the parameters and an Abort button', async () => {
    const op = await run();
    const at = h.clock.now();
    const long = `${'0123456789 '.repeat(400)}the end`;
    await h.deckhand.events.emit(
      runbookStepChanged(
        op,
        step('status', 0, 'kubernetes.status', 'Read the status'),
        'running',
        '',
        {},
        null,
        at,
      ),
      runbookStepChanged(
        op,
        step('status', 0, 'kubernetes.status', 'Read the status'),
        'succeeded',
        '2/2 ready, revision 4',
        { replicas: 2, readyReplicas: 2, image: 'ghcr.io/acme/api:v1.2.3' },
        4000,
        at,
      ),
      runbookStepChanged(
        op,
        step('confirm', 1, 'confirm', null),
        'skipped',
        'when params.size == "peak" is false',
        {},
        0,
        at,
      ),
      runbookStepChanged(
        op,
        step('scale', 2, 'kubernetes.scale', 'Scale up'),
        'failed',
        `the cluster said: ${long}`,
        {},
        65_000,
        at,
      ),
      runbookStepChanged(
        op,
        step('rollout', 3, 'kubernetes.wait-for-rollout', 'Wait'),
        'running',
        '',
        {},
        null,
        at,
      ),
    );
    const batch = await h.deckhand.events.forOperation(ID);
    const cards = sink();
    await cards.handle(batch);

    const [card] = postsIn(slack.calls, false);
    expect(card).toBeDefined();
    const shown = visibleText(
      asReply({ text: card?.params.text, blocks: JSON.parse(String(card?.params.blocks)) as unknown }),
    );
    expect(shown).toContain('✓ step 1 status Read the status: succeeded (4s): 2/2 ready, revision 4');
    expect(shown).toContain('– step 2 confirm: skipped (0s): when params.size == "peak" is false');
    expect(shown).toContain('✗ step 3 scale Scale up: failed (1m 5s): the cluster said:');
    expect(shown).toContain('… step 4 rollout Wait: running');
    expect(shown).toContain('○ step 5 check: pending');
    expect(shown).toContain('env=staging size=peak');
    // The step lines are in the runbook's order, one each.
    expect(shown.indexOf('step 1 status')).toBeLessThan(shown.indexOf('step 5 check'));
    expect(shown.match(/step 1 status/g)).toHaveLength(1);
    const blocks = JSON.parse(String(card?.params.blocks)) as {
      type: string;
      elements?: { action_id?: string; value?: string; text?: { text: string } }[];
    }[];
    const abort = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === 'op_runbook_abort');
    expect(abort).toMatchObject({ value: `runbook abort ${ID}`, text: { text: 'Abort' } });

    // Each step's outcome goes in the card's thread: outputs, or the error cut with a pointer.
    const replies = postsIn(slack.calls, true);
    const location = await h.deckhand.store.slackMessages.get(`card:${ID}`);
    expect(replies.map((r) => r.params.thread_ts)).toEqual([location?.ts, location?.ts]);
    const texts = replies.map((r) =>
      visibleText(asReply({ text: r.params.text, blocks: JSON.parse(String(r.params.blocks)) as unknown })),
    );
    expect(texts[0]).toContain('step 1 status');
    expect(texts[0]).toContain('*readyReplicas:* 2');
    expect(texts[0]).toContain('*image:* ghcr.io/acme/api:v1.2.3');
    expect(texts[1]).toContain('step 3 scale');
    expect(texts[1]).toContain('*Error:* the cluster said:');
    expect(texts[1]).not.toContain('the end');
    expect(texts[1]).toContain(`In full: \`/ops runbook output ${ID.slice(0, 8)} scale\``);

    // The same batch read again (a sink that had to wait) posts nothing twice.
    await sink().handle(batch);
    expect(postsIn(slack.calls, true)).toHaveLength(2);
  });

  it('takes the Abort button away once the run has ended', async () => {
    const op = await run('succeeded');
    await h.deckhand.events.emit(
      runbookStepChanged(
        op,
        step('check', 4, 'http.check', null),
        'succeeded',
        '',
        { status: 200 },
        1000,
        h.clock.now(),
      ),
    );
    await sink().handle(await h.deckhand.events.forOperation(ID));
    const [card] = postsIn(slack.calls, false);
    expect(String(card?.params.blocks)).toContain('step 5 check');
    expect(String(card?.params.blocks)).not.toContain('op_runbook_abort');
  });
});
