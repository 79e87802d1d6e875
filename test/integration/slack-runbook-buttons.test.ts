/**
 * A runbook run's card in Slack: while a confirm step waits, the card carries Continue and Abort,
 * and a click goes through the dispatcher as the clicker, refused (privately, naming the rule) for
 * anyone but the run's invoker.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { isFinal, type Operation } from '../../src/operations/types.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi, type FakeSlackCall } from '../fakes/fake-slack-api.ts';
import { sendButtonClick } from '../fakes/interaction-request.ts';
import { startSandboxWorld, type SandboxWorld } from '../fakes/sandbox-world.ts';
import { sendSlashCommand } from '../fakes/signed-request.ts';

const SIGNING_SECRET = 'test-signing-secret-5d1a77';
const WEBHOOK_SECRET = 'test-webhook-secret-93be02';
const WEEKDAY = '2026-03-03T10:00:00Z';
const DEPLOYS = 'C0DEPLOYS';

let slack: FakeSlackApi;
let world: SandboxWorld;
let stack: DeckhandStack;

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] } });
  const clock = new ManualClock(WEEKDAY);
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
      timing: { pollMs: 1000, findRunTimeoutMs: 120_000, expectWebhooks: true },
      webhookSecret: WEBHOOK_SECRET,
    },
    runbooks: {
      dir: fileURLToPath(new URL('../../runbooks', import.meta.url)),
      sandboxOrigin: world.sandbox.serviceEndpoints.url,
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

async function second(): Promise<void> {
  await world.step(1000);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await stack.deckhand.sinks.settled();
}

async function latest(): Promise<Operation> {
  const [op] = await stack.deckhand.store.operations.history({ limit: 1 });
  if (op === undefined) throw new Error('no operation was started');
  return op;
}

const cardCalls = () =>
  slack
    .callsTo('chat.postMessage')
    .filter((c) => c.params.thread_ts === undefined)
    .concat(slack.callsTo('chat.update').filter((c) => c.status === 200));
function buttons(call: FakeSlackCall): { action_id?: string; value?: string }[] {
  const raw = call.params.blocks;
  const blocks = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
    elements?: { action_id?: string; value?: string }[];
  }[];
  return blocks.flatMap((b) => (b.elements ?? []).filter((e) => e.action_id !== undefined));
}

describe('runbook cards in Slack', () => {
  it('shows Continue while a confirm step waits; only the invoker’s click continues the run', async () => {
    await sendSlashCommand(
      stack.baseUrl,
      {
        text: 'runbook run scale-for-traffic env=staging size=busy',
        userId: 'U000ADMIN',
        channelId: DEPLOYS,
        responseUrl: slack.responseUrl(),
      },
      { signingSecret: SIGNING_SECRET },
    );
    const op = await latest();
    let continueButton: { action_id?: string; value?: string } | undefined;
    for (let i = 0; i < 60 && continueButton === undefined; i++) {
      await second();
      continueButton = cardCalls()
        .flatMap(buttons)
        .find((b) => b.action_id === 'op_runbook_continue');
    }
    expect(continueButton?.value).toBe(`runbook continue ${op.id}`);

    const refusal = slack.hold('chat.postEphemeral');
    const click = (userId: string, actionTs: string) =>
      sendButtonClick(
        stack.baseUrl,
        {
          userId,
          channelId: DEPLOYS,
          actionId: 'op_runbook_continue',
          value: continueButton?.value ?? '',
          actionTs,
        },
        SIGNING_SECRET,
      );
    expect(await click('U000ALICE', '1772532000.000100')).toBe(200);
    const ephemeral = await refusal.reached;
    refusal.release();
    expect(ephemeral.params).toMatchObject({ channel: DEPLOYS, user: 'U000ALICE' });
    expect(String(ephemeral.params.text)).toMatch(/who started this run, continues it at step go_ahead/);
    expect((await stack.deckhand.store.runbookRuns.get(op.id))?.steps[0]?.status).toBe('waiting');

    expect(await click('U000ADMIN', '1772532000.000200')).toBe(200);
    let done = op;
    for (let i = 0; i < 120 && !isFinal(done.state); i++) {
      await second();
      done = (await stack.deckhand.store.operations.get(op.id)) ?? done;
    }
    expect(done.state).toBe('succeeded');
    expect((await stack.deckhand.store.runbookRuns.get(op.id))?.steps[0]?.outputs).toEqual({
      confirmedBy: 'U000ADMIN',
    });
  });
});
