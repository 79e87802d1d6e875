/**
 * A runbook run with missing parameters, from Slack: signed slash commands and view submissions into
 * our HTTP server and Bolt, the modal opened on the fake Slack API (which checks views.open as Slack
 * does: the trigger's 3 s, the view's limits), and the submission checked on the server by the
 * rules the command line uses before it runs, through the dispatcher, as the submitter.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfigFile } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { isFinal, type Operation } from '../../src/operations/types.ts';
import { EXAMPLE_CONFIG, startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { sendInteraction, viewSubmissionPayload, type ViewFieldState } from '../fakes/interaction-request.ts';
import { startSandboxWorld, type SandboxWorld } from '../fakes/sandbox-world.ts';
import { newTriggerId, sendSlashCommand } from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const SIGNING_SECRET = 'test-signing-secret-7c41e0';
const WEEKDAY = '2026-03-03T10:00:00Z';
const GROUPS = { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] };
const DEPLOYS = 'C0DEPLOYS';

const ALL_TYPES = `id: all-types
title: Every parameter type
description: A runbook whose parameters are of every type, for the Slack modal.
owner: S000SRE
params:
  service: { type: service, description: The service, default: api }
  env: { type: environment, description: Where, required: true }
  size: { type: enum, description: How big, values: [normal, busy, peak], required: true }
  replicas: { type: integer, description: How many replicas, min: 1, max: 20, default: 3 }
  ticket: { type: string, description: The change ticket, pattern: 'CHG-[0-9]+', required: true }
  drain: { type: boolean, description: Drain first, default: false }
  pause: { type: duration, description: How long to wait after, default: 30s }
steps:
  - id: scale
    type: kubernetes.scale
    service: '{{ params.service }}'
    environment: '{{ params.env }}'
    replicas: '{{ params.replicas }}'
  - id: settle
    type: wait
    duration: '{{ params.pause }}'
`;

let runbooksDir: string;
let slack: FakeSlackApi;
let clock: ManualClock;
let world: SandboxWorld;
let stack: DeckhandStack;

beforeAll(async () => {
  runbooksDir = await mkdtemp(join(tmpdir(), 'deckhand-modal-'));
  await writeFile(join(runbooksDir, 'all-types.yml'), ALL_TYPES);
  await copyFile(
    fileURLToPath(new URL('../../runbooks/restart-api.yml', import.meta.url)),
    join(runbooksDir, 'restart-api.yml'),
  );
});
afterAll(() => rm(runbooksDir, { recursive: true, force: true }));

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: GROUPS });
  clock = new ManualClock(WEEKDAY);
  world = await startSandboxWorld(await loadConfigFile(EXAMPLE_CONFIG), clock);
  stack = await startDeckhandStack({
    slack,
    clock,
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    runbooks: { dir: runbooksDir },
    world: {
      github: world.github,
      kubernetes: world.kubernetes,
      sleep: world.sleep,
      timing: { pollMs: 60_000, findRunTimeoutMs: 120_000, expectWebhooks: false },
      webhookSecret: 'test-webhook-secret-3f',
    },
  });
});

afterEach(async () => {
  await world.close();
  await stack.deckhand.runner.idle();
  await stack.close();
  await slack.close();
});

const ops = (text: string, userId: string, triggerId = newTriggerId()) =>
  sendSlashCommand(
    stack.baseUrl,
    { text, userId, channelId: DEPLOYS, triggerId, responseUrl: slack.responseUrl() },
    { signingSecret: SIGNING_SECRET },
  );

type Block = { type: string; block_id?: string; optional?: boolean; element?: Record<string, unknown> };

const inputs = (view: Record<string, unknown>) =>
  new Map((view.blocks as Block[]).filter((b) => b.type === 'input').map((b) => [b.block_id, b]));

const submit = (userId: string, values: Record<string, ViewFieldState>, which = 0) => {
  const view = slack.views[which];
  if (view === undefined) throw new Error('no modal was opened');
  const state = Object.fromEntries(
    Object.entries(values).map(([name, v]) => [`param:${name}`, { value: v }]),
  );
  return sendInteraction(
    stack.baseUrl,
    viewSubmissionPayload({ userId, view, values: state }),
    SIGNING_SECRET,
  );
};
const text = (value: string | null): ViewFieldState => ({ type: 'plain_text_input', value });
const choice = (value: string): ViewFieldState => ({ type: 'static_select', selected_option: { value } });

/** Steps simulated time until the run has ended, then lets the card sink catch up. */
async function drive(id: string): Promise<Operation> {
  for (let step = 0; step < 300; step++) {
    const op = await stack.deckhand.store.operations.get(id);
    if (op !== null && isFinal(op.state)) {
      await stack.deckhand.runner.idle();
      for (let more = 0; more < 30 && !(await stack.deckhand.sinks.caughtUp()); more++) await second();
      return op;
    }
    await second();
  }
  throw new Error(`run ${id} did not end`);
}

async function second(): Promise<void> {
  await world.step(1000);
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  await stack.deckhand.sinks.settled();
}

describe('runbook parameters in a Slack modal', () => {
  it('opens a modal generated from the parameter types, with what was typed and the defaults filled in', async () => {
    const res = await ops('runbook run all-types env=stg replicas=5', 'U000ADMIN');
    expect(res.status).toBe(200);
    // The command is acknowledged empty: the modal is the answer.
    expect(res.text).toBe('');
    await vi.waitFor(() => expect(slack.views).toHaveLength(1), { timeout: 5000 });
    const call = slack.callsTo('views.open')[0];
    expect(call?.params.trigger_id).toBeDefined();
    const view = slack.views[0]?.view ?? {};
    expect(view).toMatchObject({
      type: 'modal',
      callback_id: 'runbook_params',
      title: { text: 'Run all-types' },
      submit: { text: 'Run' },
    });
    expect(JSON.parse(String(view.private_metadata))).toEqual({
      runbook: 'all-types',
      channel: DEPLOYS,
      dryRun: false,
    });
    const fields = inputs(view);
    expect([...fields.keys()]).toEqual([
      'param:service',
      'param:env',
      'param:size',
      'param:replicas',
      'param:ticket',
      'param:drain',
      'param:pause',
    ]);
    // A service or environment: a select of deckhand.yml's names; an alias typed resolves to its name.
    expect(fields.get('param:service')?.element).toMatchObject({
      type: 'static_select',
      initial_option: { value: 'api' },
    });
    expect(fields.get('param:env')).toMatchObject({
      optional: false,
      element: { type: 'static_select', initial_option: { value: 'staging' } },
    });
    const envOptions = (fields.get('param:env')?.element?.options as { value: string }[]).map((o) => o.value);
    expect(envOptions).toEqual(stack.deckhand.catalog.environmentNames);
    expect(fields.get('param:size')?.element).toMatchObject({ type: 'static_select' });
    expect(fields.get('param:size')?.element?.initial_option).toBeUndefined();
    expect(fields.get('param:replicas')?.element).toMatchObject({
      type: 'number_input',
      is_decimal_allowed: false,
      min_value: '1',
      max_value: '20',
      initial_value: '5',
    });
    expect(fields.get('param:ticket')?.element).toMatchObject({ type: 'plain_text_input' });
    expect(JSON.stringify(fields.get('param:ticket'))).toContain('text matching CHG-[0-9]+');
    expect(fields.get('param:drain')?.element).toMatchObject({
      type: 'radio_buttons',
      initial_option: { value: 'false' },
    });
    expect(fields.get('param:pause')?.element).toMatchObject({
      type: 'plain_text_input',
      initial_value: '30s',
    });
    expect(fields.get('param:pause')?.optional).toBe(true);
  });

  it('answers a wrong submission with an error under each field, by the command line’s rules, and runs nothing', async () => {
    await ops('runbook run all-types --dry-run', 'U000ADMIN');
    await vi.waitFor(() => expect(slack.views).toHaveLength(1), { timeout: 5000 });
    const res = await submit('U000ADMIN', {
      env: { type: 'static_select', selected_option: null },
      size: choice('peak'),
      ticket: text('JIRA-1'),
      replicas: { type: 'number_input', value: '50' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: {
        'param:env': expect.stringContaining('env is missing; it takes an environment') as string,
        'param:ticket': expect.stringContaining('"JIRA-1" does not match CHG-[0-9]+') as string,
        'param:replicas': expect.stringContaining('50 is more than 20') as string,
      },
    });
    expect(await stack.deckhand.store.operations.history({ limit: 5 })).toEqual([]);
    expect(slack.callsTo('chat.postEphemeral')).toHaveLength(0);
  });

  it('runs a good submission through the dispatcher as the submitter: the run’s card goes to the channel', async () => {
    await ops('runbook run restart-api', 'U000ADMIN');
    await vi.waitFor(() => expect(slack.views).toHaveLength(1), { timeout: 5000 });
    const res = await submit('U000ADMIN', { env: choice('staging') });
    expect(res).toEqual({ status: 200, body: '' });
    const op = await vi.waitFor(
      async () => {
        const [latest] = await stack.deckhand.store.operations.history({ limit: 1 });
        if (latest === undefined) throw new Error('no run yet');
        return latest;
      },
      { timeout: 5000 },
    );
    expect(op).toMatchObject({
      kind: 'runbook',
      ref: 'restart-api',
      inputs: { env: 'staging' },
      requester: 'U000ADMIN',
      channel: DEPLOYS,
      surface: 'slack',
    });
    // Dispatched under the view's id: Slack delivering the same submission again runs nothing more.
    const key = `slack:view:${slack.views[0]?.id ?? ''}`;
    expect(await stack.deckhand.store.idempotency.claim(key, clock.now())).toBe(false);
    const done = await drive(op.id);
    expect(done.state).toBe('succeeded');
    const cards = slack
      .callsTo('chat.postMessage')
      .filter((c) => c.params.channel === DEPLOYS && c.params.thread_ts === undefined);
    expect(cards).toHaveLength(1);
    expect(String(cards[0]?.params.text)).toContain('Runbook restart-api');
    const decided = (await stack.deckhand.store.audit.recent({ limit: 20 })).filter(
      (e) => e.text === 'runbook run restart-api env=staging',
    );
    expect(decided.map((e) => [e.actor, e.decision])).toEqual([['U000ADMIN', 'allowed']]);
  });

  it('shows a dry run’s plan to the submitter alone, in the channel the command was typed in', async () => {
    await ops('runbook run restart-api --dry-run', 'U000ALICE');
    await vi.waitFor(() => expect(slack.views).toHaveLength(1), { timeout: 5000 });
    expect(slack.views[0]?.view).toMatchObject({ title: { text: 'Dry run restart-api' } });
    await submit('U000ALICE', { env: choice('production') });
    await vi.waitFor(() => expect(slack.callsTo('chat.postEphemeral')).toHaveLength(1), { timeout: 5000 });
    const shown = slack.callsTo('chat.postEphemeral')[0];
    expect(shown?.params).toMatchObject({ channel: DEPLOYS, user: 'U000ALICE' });
    const reply = asReply({
      text: shown?.params.text,
      blocks: JSON.parse(String(shown?.params.blocks)) as unknown,
    });
    expect(visibleText(reply)).toContain('Dry run of restart-api');
    expect(await stack.deckhand.store.operations.history({ limit: 5 })).toEqual([]);
  });

  it('names the missing parameters with their types when the modal cannot open (the trigger expired)', async () => {
    const stale = `${String(Date.now() - 10_000)}.1.abcdef`;
    const res = await ops('runbook run restart-api', 'U000ADMIN', stale);
    expect(res.status).toBe(200);
    const answer = await slack.waitForResponse();
    expect(slack.callsTo('views.open')).toHaveLength(1);
    expect(slack.views).toHaveLength(0);
    expect(visibleText(asReply(answer.body))).toContain(
      'env is missing; it takes an environment: staging, production',
    );
  });

  it('opens no modal for someone who may not run the runbook: the refusal comes first', async () => {
    const res = await ops('runbook run restart-api', 'U000CAROL');
    expect(visibleText(asReply(res.body))).toContain('Not allowed');
    expect(slack.callsTo('views.open')).toHaveLength(0);
  });
});
