/**
 * Generated bodies to POST /slack/events (fast-check): slash command forms with fields missing,
 * repeated, replaced by odd or huge values; interaction payloads that are bad JSON, JSON of any shape,
 * Deckhand's own button with fields taken away, repeated `payload` keys; any content type. Signed ones
 * are answered 2xx or 4xx, never 5xx; unsigned or badly signed ones 401. The process stays up (no
 * unhandled rejection, `help` still answers) and its heap does not grow without bound. The seed is
 * printed; `FAST_CHECK_SEED=<n>` replays a run.
 */
import { randomInt } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { blockActionPayload } from '../fakes/interaction-request.ts';
import {
  sendSignedBody,
  sendSlashCommand,
  slashCommandFields,
  slackSignature,
} from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const SIGNING_SECRET = 'test-signing-secret-fuzz';
const WEEKDAY = '2026-03-03T10:00:00Z';
const seed = Number(process.env.FAST_CHECK_SEED ?? randomInt(2 ** 31 - 1));
console.log(
  `Slack receiver fuzz: fast-check seed ${String(seed)} (FAST_CHECK_SEED=${String(seed)} replays it)`,
);

let slack: FakeSlackApi;
let stack: DeckhandStack;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  slack = await startFakeSlackApi();
  stack = await startDeckhandStack({
    slack,
    clock: new ManualClock(WEEKDAY),
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
  });
});
afterAll(async () => {
  await stack.close();
  await slack.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

/** Values a field can take: short text of any code points, nothing, control characters, or a lot. */
const oddValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 3_000, max: 400_000 }).map((n) => 'x'.repeat(n)) },
);

/** Mostly nothing (so many requests get as far as the dispatcher), sometimes a change. */
const sometimes = <T>(none: T, change: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(none) }, { weight: 1, arbitrary: change });

/** A slash command's form, fields dropped, repeated, replaced or added (`response_url` stays a fake's). */
const slashForm = fc
  .record({
    text: fc.oneof(fc.constantFrom('help', 'whoami', 'locks', 'status api staging', 'deploy'), oddValue),
    drop: sometimes<string[]>(
      [],
      fc.subarray([
        'token',
        'team_id',
        'channel_id',
        'user_id',
        'command',
        'text',
        'trigger_id',
        'response_url',
      ]),
    ),
    repeat: sometimes<string[]>([], fc.subarray(['user_id', 'command', 'text', 'trigger_id', 'channel_id'])),
    replace: sometimes<Record<string, string>>(
      {},
      fc.dictionary(fc.constantFrom('team_id', 'channel_id', 'user_id', 'command', 'trigger_id'), oddValue, {
        maxKeys: 3,
      }),
    ),
    extra: fc.array(fc.tuple(fc.string({ maxLength: 12 }), oddValue), { maxLength: 3 }),
  })
  .map(({ text, drop, repeat, replace, extra }) => {
    const fields = slashCommandFields({ text, userId: 'U000ADMIN', responseUrl: slack.responseUrl() })
      .filter(([key]) => !drop.includes(key))
      .map(([key, value]): [string, string] => [key, replace[key] ?? value]);
    const repeated = fields
      .filter(([key]) => repeat.includes(key))
      .map(([key, value]): [string, string] => [key, `${value}2`]);
    return new URLSearchParams([...fields, ...repeated, ...extra]).toString();
  });

/** Deckhand's own button click with fields taken away or replaced. */
const damagedClick = fc
  .record({
    drop: sometimes<string[]>(
      [],
      fc.subarray(['type', 'user', 'channel', 'container', 'actions', 'trigger_id', 'response_url', 'team']),
    ),
    actionValue: fc.oneof(fc.constantFrom('deploy api v1.2.3 to staging', 'approve xyz', ''), oddValue),
    actionId: fc.constantFrom('op_approve', 'op_deny', 'op_cancel', 'op_rollback', 'unknown_action'),
    swap: fc.option(
      fc.tuple(fc.constantFrom('user', 'actions', 'type', 'channel'), fc.jsonValue({ maxDepth: 2 })),
      { freq: 4 },
    ),
  })
  .map(({ drop, actionValue, actionId, swap }) => {
    const click = blockActionPayload({
      userId: 'U000ADMIN',
      channelId: 'C0DEPLOYS',
      actionId,
      value: actionValue,
      actionTs: String(Date.now() / 1000),
    }) as Record<string, unknown>;
    const kept = Object.fromEntries(Object.entries(click).filter(([key]) => !drop.includes(key)));
    if (swap !== null) kept[swap[0]] = swap[1];
    return JSON.stringify(kept);
  });

/** What goes in `payload=`: broken JSON, JSON of any shape, a damaged click, or a view submission. */
const payloadText = fc.oneof(
  fc.string({ maxLength: 80 }).map((s) => `{${s}`),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  damagedClick,
  fc.constant(
    JSON.stringify({ type: 'view_submission', view: { callback_id: 'runbook_params', state: {} } }),
  ),
  oddValue,
);

const interactionForm = fc
  .record({
    payloads: fc.array(payloadText, { minLength: 0, maxLength: 3 }),
    extra: fc.array(fc.tuple(fc.string({ maxLength: 8 }), oddValue), { maxLength: 2 }),
  })
  .map(({ payloads, extra }) =>
    new URLSearchParams([...payloads.map((p): [string, string] => ['payload', p]), ...extra]).toString(),
  );

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/json',
  'text/plain',
  'multipart/form-data; boundary=xyz',
  '',
];

const request = fc.record({
  body: fc.oneof(
    { weight: 3, arbitrary: slashForm },
    { weight: 2, arbitrary: interactionForm },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
  ),
  contentType: fc.oneof(
    { weight: 5, arbitrary: fc.constant(CONTENT_TYPES[0] ?? '') },
    fc.constantFrom(...CONTENT_TYPES),
  ),
  signing: fc.constantFrom('signed', 'signed', 'signed', 'signed', 'unsigned', 'forged'),
});

async function post(body: string, contentType: string, signing: string): Promise<number> {
  if (signing === 'signed')
    return (await sendSignedBody(stack.baseUrl, body, { signingSecret: SIGNING_SECRET, contentType })).status;
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = contentType === '' ? {} : { 'content-type': contentType };
  if (signing === 'forged') {
    headers['x-slack-request-timestamp'] = String(timestamp);
    headers['x-slack-signature'] = slackSignature('not-the-secret', timestamp, body);
  }
  const response = await fetch(new URL('/slack/events', stack.baseUrl), { method: 'POST', headers, body });
  await response.arrayBuffer();
  return response.status;
}

describe('the Slack HTTP receiver under generated signed bodies', () => {
  it('answers every one 2xx or 4xx (401 unsigned or forged) and stays up, its heap bounded', async () => {
    const statuses = new Map<number, number>();
    const heapBefore = process.memoryUsage().heapUsed;
    await fc.assert(
      fc.asyncProperty(request, async ({ body, contentType, signing }) => {
        const status = await post(body, contentType, signing);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (signing === 'signed') expect(status === 401 || status >= 500 || status < 200).toBe(false);
        else expect(status).toBe(401);
      }),
      { seed, numRuns: 200 },
    );
    console.info(`Slack receiver fuzz: answers by status ${JSON.stringify(Object.fromEntries(statuses))}`);
    await stack.deckhand.sinks.settled();
    expect(unhandled).toEqual([]);
    const help = await sendSlashCommand(
      stack.baseUrl,
      { text: 'help', userId: 'U000ADMIN', responseUrl: slack.responseUrl() },
      { signingSecret: SIGNING_SECRET },
    );
    expect(help.status).toBe(200);
    expect(visibleText(asReply(help.body))).toContain('deploy');
    // 200 requests, some of 400 kB: what they leave behind must not be kept (a generous bound, not a timing).
    const grown = process.memoryUsage().heapUsed - heapBefore;
    expect(grown).toBeLessThan(256 * 1024 * 1024);
  }, 120_000);
});
