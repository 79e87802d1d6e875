/**
 * Text people (and build logs, and clusters) write is shown as written, everywhere it is shown: never
 * a live mention, a group ping or a disguised link in Slack, never an escape sequence a terminal obeys.
 * Each payload goes through every place Deckhand renders such text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { terminalSafe, typedText } from '../../src/core/markup.ts';
import type { StoredEvent } from '../../src/events/domain-event.ts';
import { describeEvent } from '../../src/events/describe-event.ts';
import {
  lockAcquired,
  operationDenied,
  operationFailed,
  operationJobFinished,
  operationRequested,
} from '../../src/events/event-constructors.ts';
import { toJob } from '../../src/github/run-mapping.ts';
import { operationCard } from '../../src/operations/card.ts';
import { progressPrinterSink } from '../../src/surfaces/shell/progress-printer.ts';
import { renderText } from '../../src/surfaces/shell/render-text.ts';
import { failureThread } from '../../src/surfaces/slack/failure-thread.ts';
import { mrkdwnMessage, renderBlocks } from '../../src/surfaces/slack/render-blocks.ts';
import { startHarness, type Harness } from '../support/deckhand-harness.ts';
import { operationFixture } from '../support/operation-fixture.ts';

/** What someone might type (or a log might hold) to ping, or to disguise a link, in Slack. */
const SLACK_PAYLOADS: [string, string][] = [
  ['a user mention', '<@U000EVE>'],
  ['a user mention with a label', '<@U000EVE|eve>'],
  ['@here', '<!here>'],
  ['@channel', '<!channel>'],
  ['@everyone', '<!everyone>'],
  ['a user group ping', '<!subteam^S000SRE>'],
  ['a user group ping with a label', '<!subteam^S000SRE|@sre>'],
  ['a disguised link', '<https://example.test|click to approve>'],
  ['a bare link in brackets', '<https://example.test>'],
  ['a mail link', '<mailto:eve@example.test|mail me>'],
  ['a channel link', '<#C0OTHER>'],
  ['a date token', '<!date^1392734382^{date}|Feb 18>'],
  ['a forged Deckhand mention', '\uE000<@U000EVE>\uE001'],
  ['a forged Deckhand link', '\uE000<https://example.test|click to approve>\uE001'],
  ['Slack-escaped brackets', '&lt;@U000EVE&gt; &lt;!here&gt;'],
];

/** Slack markup that would act: any of these in what Deckhand sends means the payload went live. */
const LIVE =
  /<@U000EVE|<!here|<!channel|<!everyone|<!subteam\^S000SRE|<https:\/\/example\.test|<mailto:|<#C0OTHER|<!date/;

/** What a terminal would obey: C0 (but the line break), DEL, C1 and bidi controls. */
// eslint-disable-next-line no-control-regex -- the point
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const TERMINAL_PAYLOADS: [string, string][] = [
  ['a colour (CSI)', '\x1b[31mred\x1b[0m'],
  ['a cursor move and clear', '\x1b[2J\x1b[H'],
  ['a window title (OSC)', '\x1b]0;pwned\x07'],
  ['a hyperlink (OSC 8)', '\x1b]8;;https://example.test\x1b\\click\x1b]8;;\x1b\\'],
  ['a one-byte CSI (C1)', '\x9b31mred'],
  ['a bell', 'ding\x07'],
  ['a carriage return over the line', 'safe\rEVIL'],
  ['backspaces', 'rm\x08\x08ok'],
  ['a right-to-left override', 'txt.\u202eexe'],
  ['DEL and NUL', 'a\x7fb\x00c'],
];

const slackOf = (message: { text: string; blocks: object[] }): string =>
  `${message.text}\n${JSON.stringify(message.blocks)}`;

describe('typed text in Slack', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.deckhand.stop());

  const at = new Date('2026-03-03T10:00:00Z');

  it.each(SLACK_PAYLOADS)('shows %s as text in every reply, card and thread', async (_name, typed) => {
    const reason = `db fix ${typed} now`;
    const target = `api-${String(Math.random()).slice(2, 8)}`;
    const rendered: string[] = [];
    // Replies: the lock (in the channel), the list of locks, a refusal naming the lock, status.
    rendered.push(slackOf(renderBlocks((await h.run(`lock api staging "${reason}"`)).reply)));
    rendered.push(slackOf(renderBlocks((await h.run('locks')).reply)));
    rendered.push(
      slackOf(renderBlocks((await h.run('lock api staging "again"', { user: 'U000ALICE' })).reply)),
    );
    rendered.push(slackOf(renderBlocks((await h.run('status api staging')).reply)));
    rendered.push(slackOf(renderBlocks((await h.run(`deny 0000 "${reason}"`)).reply)));
    rendered.push(slackOf(renderBlocks((await h.run(`unlock api staging`)).reply)));
    // Cards: a denial with the reason, a failure whose job, step and log carry it.
    // Text reaches events through a boundary: the dispatcher for what was typed, the adapters for
    // what GitHub said; sentences built from it (an outcome, a failure's reason) use what came through.
    const job = toJob({
      id: 1,
      name: typed,
      status: 'completed',
      conclusion: 'failure',
      html_url: 'https://github.com/acme/web/actions/runs/2/job/1',
      started_at: null,
      completed_at: null,
    }).name;
    const op = operationFixture(at, {
      id: `op-${target}`,
      state: 'failed',
      surface: 'slack',
      outcome: `Denied: “db fix ${typedText(typed)} now”`,
    });
    const failed = operationFailed(
      op,
      `The workflow failed in job ${job}`,
      { job: typed, step: typed, logTail: [reason] },
      at,
    );
    const events: StoredEvent[] = [
      operationRequested(op, `deploy web ${typed}`, at),
      operationDenied(op, 'U000BOB', reason, at),
      operationJobFinished(
        op,
        { name: typed, status: 'completed', conclusion: 'failure', startedAt: at, completedAt: at },
        at,
      ),
      failed,
      lockAcquired(
        {
          service: 'web',
          environment: 'staging',
          holder: 'U000BOB',
          reason,
          createdAt: at,
          expiresAt: null,
          operationId: null,
        },
        at,
      ),
    ].map((e, i) => ({ ...e, seq: i + 1 }));
    const card = renderBlocks(operationCard(op, events, at));
    rendered.push(slackOf(card));
    const thread = failureThread(Object.assign(failed, { seq: 4 }));
    if (thread !== undefined) rendered.push(slackOf(thread));
    rendered.push(slackOf(mrkdwnMessage('In full', card.cut.join('\n') || 'none')));
    rendered.push(
      ...events.map((e) =>
        slackOf(renderBlocks({ tone: 'info', title: describeEvent(e), visibility: 'channel' })),
      ),
    );

    for (const text of rendered) expect(text).not.toMatch(LIVE);
    // And it is still there to read, as typed.
    expect(rendered[0]).toContain('db fix');
  });

  it('reads names from GitHub as text: a job named like Deckhand markup cannot mention anyone', () => {
    const job = toJob({
      id: 1,
      run_id: 2,
      name: '\uE000<@U000EVE>\uE001 build',
      status: 'completed',
      conclusion: 'failure',
      html_url: 'https://github.com/acme/api/actions/runs/2/job/1',
      started_at: null,
      completed_at: null,
      steps: [{ name: '\uE000<!here>\uE001', number: 1, status: 'completed', conclusion: 'failure' }],
    });

    expect(job.name).toBe('<@U000EVE> build');
    expect(job.steps[0]?.name).toBe('<!here>');
  });
});

describe('typed text in the terminal', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.deckhand.stop());

  it.each(TERMINAL_PAYLOADS)('shows %s without the terminal acting on it', async (_name, typed) => {
    await h.run('unlock api staging');
    const shown = [
      renderText((await h.run(`lock api staging "${typed}"`)).reply),
      renderText((await h.run('locks')).reply),
      renderText((await h.run('lock api staging "again"', { user: 'U000ALICE' })).reply),
      renderText((await h.run(`history ${typed}`)).reply),
      renderText((await h.run(typed)).reply),
    ];
    const at = h.clock.now();
    const op = operationFixture(at, { id: 'op-terminal', state: 'failed' });
    const printed: string[] = [];
    await progressPrinterSink((line) => printed.push(line)).handle(
      [
        operationRequested(op, `deploy web ${typed}`, at),
        operationJobFinished(
          op,
          { name: typed, status: 'completed', conclusion: 'failure', startedAt: at, completedAt: at },
          at,
        ),
        operationFailed(op, `failed: ${typed}`, { logTail: [typed, `error ${typed}`] }, at),
      ].map((e, i) => ({ ...e, seq: i + 1 })),
    );

    for (const text of [...shown, ...printed]) expect(text).not.toMatch(CONTROLS);
    expect(printed.join('\n')).toContain(terminalSafe(typed));
  });

  it('shows ESC as ␛, so a colour code reads as what it is', () => {
    expect(terminalSafe('\x1b[31mred')).toBe('␛[31mred');
    expect(terminalSafe('a\tb\nc')).toBe('a b\nc');
    expect(terminalSafe('\x9b')).toBe('<U+009B>');
  });
});
