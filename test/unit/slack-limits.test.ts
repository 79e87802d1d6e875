/**
 * Every reply and every card Deckhand renders for Slack, with the longest names and texts people can
 * give it, checked against Slack's documented Block Kit limits by the same checker the fake Slack API
 * uses (test/fakes/fake-block-kit.ts): what Slack would refuse with `invalid_blocks` fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.ts';
import type { ConfigFile } from '../../src/config/schema.ts';
import { mention } from '../../src/core/markup.ts';
import { reply, type Reply } from '../../src/core/message.ts';
import type { StoredEvent } from '../../src/events/domain-event.ts';
import {
  operationApproved,
  operationDenied,
  operationFailed,
  operationJobFinished,
  operationRequested,
  operationRolloutProgress,
  operationRunStatus,
  operationStateChanged,
} from '../../src/events/event-constructors.ts';
import { operationCard } from '../../src/operations/card.ts';
import type { OperationState } from '../../src/operations/types.ts';
import { failureThread } from '../../src/surfaces/slack/failure-thread.ts';
import { LIMITS, renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';
import { checkMessage } from '../fakes/fake-block-kit.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { operationFixture } from '../support/operation-fixture.ts';

/** Names as long as deckhand.yml lets them be (the schema sets no maximum): 120 characters each. */
const SERVICE = `api-${'payments-gateway-'.repeat(7)}x`.slice(0, 120);
const ENVIRONMENT = `production-${'eu-west-'.repeat(14)}x`.slice(0, 120);
const REASON = `db migration <@U000EVE> <!here> ${'and more words '.repeat(400)}`;

function longNamesConfig(): ConfigFile {
  const config = exampleConfig();
  const api = config.services.api!;
  const production = config.environments.production!;
  return {
    ...config,
    defaults: { environment: ENVIRONMENT },
    environments: { ...config.environments, [ENVIRONMENT]: { ...production, channels: [] } },
    services: {
      ...config.services,
      [SERVICE]: {
        ...api,
        aliases: [],
        environments: { ...api.environments, [ENVIRONMENT]: api.environments.production! },
      },
    },
  };
}

/** What Slack would say to this message, or null. */
const refusal = (message: { text: string; blocks: object[] }) => checkMessage(message)?.messages ?? null;

describe('Slack limits', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(longNamesConfig());
  });
  afterAll(() => h.deckhand.stop());

  const lines = [
    'help',
    ...commands.map((c) => `help ${c.name}`),
    'status',
    `status ${SERVICE}`,
    `status ${ENVIRONMENT}`,
    `status ${SERVICE} ${ENVIRONMENT}`,
    `lock ${SERVICE} ${ENVIRONMENT} "${REASON.slice(0, 3000)}"`,
    `lock ${SERVICE} ${ENVIRONMENT} "again"`,
    'locks',
    `locks ${ENVIRONMENT}`,
    `unlock ${SERVICE} ${ENVIRONMENT}`,
    `history ${SERVICE} ${ENVIRONMENT}`,
    `can-i deploy ${SERVICE} ${ENVIRONMENT}`,
    `can-i deploy ${SERVICE} ${ENVIRONMENT} as @U000MALLORY`,
    'whoami',
    'audit',
    `deploy ${SERVICE} v${'1'.repeat(200)} to ${ENVIRONMENT}`,
    `rollback ${SERVICE} ${ENVIRONMENT}`,
    'approve 00000000',
    `deny 00000000 "${REASON.slice(0, 2000)}"`,
    `lokc ${SERVICE}`,
    `deploy ${'x'.repeat(500)}`,
  ];

  it.each(lines)('renders the reply to "%s" as Slack takes it', async (line) => {
    const asAdmin = await h.run(line);
    const asNobody = await h.run(line, { user: 'U000MALLORY' });

    for (const outcome of [asAdmin, asNobody]) expect(refusal(renderBlocks(outcome.reply))).toBeNull();
  });

  const at = new Date('2026-03-03T10:00:00Z');
  const states: OperationState[] = [
    'awaiting_approval',
    'dispatching',
    'running',
    'verifying',
    'succeeded',
    'failed',
    'cancelled',
  ];

  function events(state: OperationState): StoredEvent[] {
    const op = operationFixture(at, { id: 'op-long', service: SERVICE, environment: ENVIRONMENT, state });
    const list = [
      operationRequested(op, `deploy ${SERVICE} ${'v'.repeat(300)}`, at),
      operationApproved(op, 'U000ALICE', at),
      operationDenied(op, 'U000BOB', REASON, at),
      operationStateChanged(op, 'running', `Workflow ${'deploy-'.repeat(100)}.yml started`, at),
      operationRunStatus(op, 42, 'in_progress', at),
      ...Array.from({ length: 120 }, (_, i) =>
        operationJobFinished(
          op,
          {
            name: `job ${String(i)} ${'long-job-name-'.repeat(20)}`,
            status: 'completed',
            conclusion: 'failure',
            startedAt: at,
            completedAt: at,
          },
          at,
        ),
      ),
      operationRolloutProgress(op, { desired: 300, updated: 100, ready: 99, available: 98 }, at),
      operationFailed(
        op,
        `The workflow failed in job ${'x'.repeat(4000)}`,
        {
          job: 'j'.repeat(3000),
          step: 's'.repeat(3000),
          logTail: Array.from({ length: 500 }, () => 'l'.repeat(300)),
        },
        at,
      ),
    ];
    return list.map((e, i) => ({ ...e, seq: i + 1 }));
  }

  it.each(states)(
    'renders a %s card of a long-named operation with many jobs within every limit',
    (state) => {
      const op = operationFixture(at, {
        id: 'op-long-0123456789',
        service: SERVICE,
        environment: ENVIRONMENT,
        ref: `v${'9'.repeat(250)}`,
        state,
        kind: 'deploy',
        requester: 'U000ADMIN',
        approver: state === 'awaiting_approval' ? null : 'U000ALICE',
        runId: 123456789,
        runUrl: `https://github.com/acme/${SERVICE}/actions/runs/123456789`,
        outcome: state === 'failed' || state === 'cancelled' ? REASON : null,
        approvalExpiresAt: state === 'awaiting_approval' ? at : null,
      });
      const card = renderBlocks(operationCard(op, events(state), at));

      expect(refusal(card)).toBeNull();
      const text = JSON.stringify(card.blocks);
      if (state === 'failed') {
        // The Rollback button is there, its label cut to fit; the title names the target in full.
        const button = (card.blocks as { elements?: { action_id?: string; text?: { text: string } }[] }[])
          .flatMap((b) => b.elements ?? [])
          .find((e) => e.action_id === 'op_rollback');
        expect(button?.text?.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
        expect(button?.text?.text).toMatch(/^Rollback .*…$/);
        expect(text).toContain(SERVICE);
      }
      // Whatever was cut is kept whole for the card's thread.
      if (state === 'failed' || state === 'cancelled')
        expect(card.cut.join('\n')).toContain('and more words and more words');
      const thread = renderBlocks(reply('info', 'In full', { text: card.cut.join('\n\n') }));
      expect(refusal(thread)).toBeNull();
    },
  );

  it('renders a failure’s thread reply within every limit', () => {
    const failed = events('failed').find((e) => e.type === 'operation.failed');
    if (failed?.type !== 'operation.failed') throw new Error('no failure event');
    const note = failureThread(failed);

    expect(note).toBeDefined();
    expect(refusal(note!)).toBeNull();
  });

  const extremes: [string, Reply][] = [
    ['an empty text', reply('info', 'Title', { text: '' })],
    ['a text of blank lines', reply('info', 'Title', { text: '\n\n   \n' })],
    ['one line of 20,000 characters', reply('info', 'Title', { text: 'w'.repeat(20_000) })],
    ['a title of 5,000 characters', reply('info', 't'.repeat(5000))],
    [
      '100 fields',
      reply('info', 'Fields', {
        fields: Array.from({ length: 100 }, (_, i) => ({ label: `f${String(i)}`, value: 'v'.repeat(2500) })),
      }),
    ],
    [
      '30 buttons',
      reply('info', 'Buttons', {
        buttons: Array.from({ length: 30 }, (_, i) => ({
          actionId: `op_b${String(i)}`,
          label: 'L'.repeat(200),
          command: `status ${String(i)}`,
        })),
      }),
    ],
    [
      'a button whose command is too long to carry',
      reply('info', 'Button', { buttons: [{ actionId: 'op_x', label: 'Go', command: 'c'.repeat(2500) }] }),
    ],
    ['a footer of 5,000 characters', reply('info', 'Footer', { footer: 'f'.repeat(5000) })],
    [
      'a table of 3,000 rows',
      reply('info', 'Table', {
        table: {
          columns: ['a', 'b'],
          rows: Array.from({ length: 3000 }, (_, i) => [`row ${String(i)}`, 'x'.repeat(100)]),
        },
      }),
    ],
    [
      'escapes that grow past a limit',
      reply('info', 'Esc', { fields: [{ label: 'why', value: '<'.repeat(1990) }], text: '&'.repeat(2999) }),
    ],
    [
      'emoji across a cut',
      reply('info', '😀'.repeat(2000), { fields: [{ label: 'x', value: '😀'.repeat(1500) }] }),
    ],
    [
      'mentions of many people',
      reply('info', 'Who', { text: Array.from({ length: 2000 }, () => mention('U000ALICE')).join(', ') }),
    ],
  ];

  it.each(extremes)('renders a reply with %s within every limit', (_name, r) => {
    expect(refusal(renderBlocks(r))).toBeNull();
  });
});
