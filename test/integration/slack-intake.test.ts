/**
 * What an outsider can send to POST /slack/events: correctly signed bodies that real Slack never sends
 * (payload=null, arrays, unknown interaction types, repeated or missing fields, wrong content types,
 * oversized bodies). Each is answered 4xx (or, for a command a person could mistype, a clear ephemeral
 * message), logged once, and a refused slash command is audited; the process stays up throughout.
 */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { SLASH_COMMAND_TEXT_LIMIT } from '../../src/surfaces/slack/slash-command.ts';
import { startDeckhandStack, type DeckhandStack } from '../fakes/deckhand-stack.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { blockActionPayload } from '../fakes/interaction-request.ts';
import {
  newTriggerId,
  sendSignedBody,
  sendSlashCommand,
  slashCommandFields,
} from '../fakes/signed-request.ts';
import { asReply, visibleText } from '../fakes/slack-message.ts';

const SIGNING_SECRET = 'test-signing-secret-intake';
const WEEKDAY = '2026-03-03T10:00:00Z';

let slack: FakeSlackApi;
let stack: DeckhandStack;
let logLines: { msg: string; status?: number; problems?: string[] }[];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};

beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

beforeEach(async () => {
  logLines = [];
  slack = await startFakeSlackApi();
  const logger = pino(
    { level: 'info' },
    { write: (line: string) => logLines.push(JSON.parse(line) as (typeof logLines)[number]) },
  );
  stack = await startDeckhandStack({
    slack,
    clock: new ManualClock(WEEKDAY),
    signingSecret: SIGNING_SECRET,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
    logger,
  });
});

afterEach(async () => {
  await stack.close();
  await slack.close();
  expect(unhandled).toEqual([]);
});

const form = (pairs: [string, string][]): string => new URLSearchParams(pairs).toString();
const payloadBody = (payload: string): string => form([['payload', payload]]);
const send = (body: string, contentType?: string) =>
  sendSignedBody(stack.baseUrl, body, {
    signingSecret: SIGNING_SECRET,
    ...(contentType === undefined ? {} : { contentType }),
  });
const refusals = () => logLines.filter((l) => l.msg === 'refused a Slack request');
const audit = () => stack.deckhand.store.audit.recent({});

/** Deckhand still answers, so whatever came before did not take the process down. */
async function stillUp(): Promise<void> {
  const help = await sendSlashCommand(
    stack.baseUrl,
    { text: 'help', userId: 'U000ADMIN', responseUrl: slack.responseUrl() },
    { signingSecret: SIGNING_SECRET },
  );
  expect(help.status).toBe(200);
  expect(asReply(help.body).text).toMatch(/^Deckhand commands/);
}

const click = blockActionPayload({
  userId: 'U000ADMIN',
  channelId: 'C0DEPLOYS',
  actionId: 'op_approve',
  value: 'approve 1',
  actionTs: '1772532000.000100',
}) as Record<string, unknown>;

describe('signed bodies Slack never sends', () => {
  const cases: { name: string; body: string; contentType?: string; status: number; error: string }[] = [
    { name: 'payload=null', body: payloadBody('null'), status: 400, error: 'invalid_payload' },
    { name: 'payload={}', body: payloadBody('{}'), status: 400, error: 'invalid_payload' },
    { name: 'payload=[]', body: payloadBody('[]'), status: 400, error: 'invalid_payload' },
    { name: 'payload=42', body: payloadBody('42'), status: 400, error: 'invalid_payload' },
    { name: 'payload="text"', body: payloadBody('"text"'), status: 400, error: 'invalid_payload' },
    { name: 'payload that is not JSON', body: payloadBody('{oops'), status: 400, error: 'invalid_payload' },
    { name: 'an empty payload', body: payloadBody(''), status: 400, error: 'invalid_payload' },
    {
      name: 'payload sent twice',
      body: form([
        ['payload', JSON.stringify(click)],
        ['payload', JSON.stringify(click)],
      ]),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'payload beside other fields',
      body: form([
        ['payload', JSON.stringify(click)],
        ['text', 'deploy'],
      ]),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'a view submission of a view that is not Deckhand’s',
      body: payloadBody(
        JSON.stringify({
          type: 'view_submission',
          user: { id: 'U000ADMIN' },
          view: { id: 'V1', callback_id: 'someone_else', private_metadata: '', state: { values: {} } },
        }),
      ),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'a view submission without a view',
      body: payloadBody(JSON.stringify({ type: 'view_submission', user: { id: 'U000ADMIN' }, view: null })),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'a runbook modal submission without its state',
      body: payloadBody(
        JSON.stringify({
          type: 'view_submission',
          user: { id: 'U000ADMIN' },
          view: { id: 'V1', callback_id: 'runbook_params', private_metadata: '{}', state: { values: null } },
        }),
      ),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'a shortcut',
      body: payloadBody(JSON.stringify({ type: 'shortcut', callback_id: 'x', user: { id: 'U000ADMIN' } })),
      status: 400,
      error: 'unsupported_interaction',
    },
    {
      name: 'an unknown interaction type',
      body: payloadBody(JSON.stringify({ type: 'something_new' })),
      status: 400,
      error: 'unsupported_interaction',
    },
    {
      name: 'block_actions without actions',
      body: payloadBody(JSON.stringify({ ...click, actions: undefined })),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'block_actions with no action',
      body: payloadBody(JSON.stringify({ ...click, actions: [] })),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'block_actions with actions=null inside',
      body: payloadBody(JSON.stringify({ ...click, actions: [null] })),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'block_actions on a button that is not Deckhand’s',
      body: payloadBody(
        JSON.stringify({ ...click, actions: [{ action_id: 'someone_else', action_ts: '1.2' }] }),
      ),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'block_actions without a user',
      body: payloadBody(JSON.stringify({ ...click, user: null })),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'block_actions outside a channel (a modal)',
      body: payloadBody(JSON.stringify({ ...click, channel: undefined })),
      status: 400,
      error: 'invalid_payload',
    },
    {
      name: 'JSON null',
      body: 'null',
      contentType: 'application/json',
      status: 400,
      error: 'unsupported_event',
    },
    { name: 'JSON []', body: '[]', contentType: 'application/json', status: 400, error: 'unsupported_event' },
    {
      name: 'an event callback',
      body: JSON.stringify({ type: 'event_callback', event: { type: 'message' } }),
      contentType: 'application/json',
      status: 400,
      error: 'unsupported_event',
    },
    { name: 'broken JSON', body: '{', contentType: 'application/json', status: 400, error: 'invalid_json' },
    {
      name: 'text/plain',
      body: 'deploy api',
      contentType: 'text/plain',
      status: 415,
      error: 'unsupported_media_type',
    },
    {
      name: 'no content type',
      body: 'text=help',
      contentType: '',
      status: 415,
      error: 'unsupported_media_type',
    },
  ];

  it.each(cases)('answers $name with $status, logs it once, and stays up', async (c) => {
    const res = await send(c.body, c.contentType);

    expect(res.status).toBe(c.status);
    expect(res.body).toMatchObject({ error: c.error });
    expect(refusals()).toHaveLength(1);
    expect(refusals()[0]?.status).toBe(c.status);
    await stillUp();
    expect(await stack.deckhand.store.audit.recent({ decision: 'invalid' })).toEqual([]);
  });

  it('refuses a body over 1 MiB with 413 before reading it all', async () => {
    const fields = slashCommandFields({
      text: `lock api staging "${'x'.repeat(1_100_000)}"`,
      userId: 'U000ADMIN',
    });

    const res = await send(form(fields));

    expect(res.status).toBe(413);
    expect(refusals()).toHaveLength(1);
    expect(await audit()).toEqual([]);
    await stillUp();
  });

  it('answers Slack’s URL verification with the challenge', async () => {
    const res = await send(
      JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 't' }),
      'application/json',
    );

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ challenge: 'c-123' });
  });

  it('reads a form whose content type carries a charset', async () => {
    const fields = slashCommandFields({
      text: 'help',
      userId: 'U000ADMIN',
      responseUrl: slack.responseUrl(),
    });

    const res = await send(form(fields), 'application/x-www-form-urlencoded; charset=utf-8');

    expect(res.status).toBe(200);
    expect(asReply(res.body).text).toMatch(/^Deckhand commands/);
  });

  it('refuses a bad signature with 401 before reading the body’s shape', async () => {
    const res = await sendSignedBody(stack.baseUrl, payloadBody('null'), { signingSecret: 'wrong' });

    expect(res.status).toBe(401);
    await stillUp();
  });
});

describe('slash commands with fields missing or repeated', () => {
  const base = (): [string, string][] =>
    slashCommandFields({
      text: 'lock api staging "x"',
      userId: 'U000ADMIN',
      responseUrl: slack.responseUrl(),
    });
  const without = (name: string) => base().filter(([k]) => k !== name);
  const twice = (name: string, second: string) => {
    const fields = base();
    const at = fields.findIndex(([k]) => k === name);
    fields.splice(at + 1, 0, [name, second]);
    return fields;
  };

  const cases: { name: string; fields: () => [string, string][]; problem: RegExp; actor: string }[] = [
    {
      name: 'two text fields',
      fields: () => twice('text', 'unlock api staging'),
      problem: /text was sent 2 times/,
      actor: 'U000ADMIN',
    },
    {
      name: 'two user_id fields',
      fields: () => twice('user_id', 'U000EVE'),
      problem: /user_id was sent 2 times/,
      actor: 'unknown',
    },
    { name: 'no user_id', fields: () => without('user_id'), problem: /user_id is missing/, actor: 'unknown' },
    {
      name: 'no channel_id',
      fields: () => without('channel_id'),
      problem: /channel_id is missing/,
      actor: 'U000ADMIN',
    },
    {
      name: 'no trigger_id',
      fields: () => without('trigger_id'),
      problem: /trigger_id is missing/,
      actor: 'U000ADMIN',
    },
    { name: 'no text', fields: () => without('text'), problem: /text is missing/, actor: 'U000ADMIN' },
    {
      name: 'no response_url',
      fields: () => without('response_url'),
      problem: /response_url is missing/,
      actor: 'U000ADMIN',
    },
    {
      name: 'a user_id that is not a Slack id',
      fields: () => base().map(([k, v]) => [k, k === 'user_id' ? 'alice' : v]),
      problem: /user_id is not a Slack id/,
      actor: 'unknown',
    },
    {
      name: 'another command',
      fields: () => base().map(([k, v]) => [k, k === 'command' ? '/other' : v]),
      problem: /command is not \/ops/,
      actor: 'U000ADMIN',
    },
  ];

  it.each(cases)('refuses $name with 400, audits why, and runs nothing', async (c) => {
    const res = await send(form(c.fields()));

    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'invalid_command' });
    expect(refusals()).toHaveLength(1);
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ decision: 'invalid', actor: c.actor, surface: 'slack', command: null });
    expect(rows[0]?.reason).toMatch(c.problem);
    expect(await stack.deckhand.store.locks.list(new Date(WEEKDAY))).toEqual([]);
    await stillUp();
  });

  it('audits each request without a trigger_id: they share no idempotency key', async () => {
    await send(form(without('trigger_id')));
    await send(form(without('trigger_id')));

    const rows = await stack.deckhand.store.audit.recent({ decision: 'invalid' });
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((r) => r.invocationId)).size).toBe(2);
  });
});

describe('command text longer than Slack lets anyone type', () => {
  it('answers with what went wrong, runs nothing, and stores the text once, capped', async () => {
    const reason = 'r'.repeat(SLASH_COMMAND_TEXT_LIMIT + 1000);
    const res = await sendSlashCommand(
      stack.baseUrl,
      {
        text: `lock api staging "${reason}"`,
        userId: 'U000ADMIN',
        responseUrl: slack.responseUrl(),
        triggerId: newTriggerId(),
      },
      { signingSecret: SIGNING_SECRET },
    );

    expect(res.status).toBe(200);
    const reply = asReply(res.body);
    expect(reply.response_type).toBe('ephemeral');
    expect(visibleText(reply)).toMatch(/That command is too long/);
    expect(visibleText(reply)).toContain(`at most ${SLASH_COMMAND_TEXT_LIMIT.toLocaleString('en')}`);
    expect(logLines.filter((l) => l.msg === 'refused a Slack command')).toHaveLength(1);
    expect(await stack.deckhand.store.locks.list(new Date(WEEKDAY))).toEqual([]);
    const rows = await audit();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.decision).toBe('invalid');
    expect(rows[0]?.text.length).toBeLessThan(SLASH_COMMAND_TEXT_LIMIT + 100);
    expect(rows[0]?.text).toMatch(/more characters not kept\)$/);
  });

  it('runs a command of exactly the limit', async () => {
    const text = `lock api staging "${'r'.repeat(SLASH_COMMAND_TEXT_LIMIT - 19)}"`;
    expect(text).toHaveLength(SLASH_COMMAND_TEXT_LIMIT);
    const res = await sendSlashCommand(
      stack.baseUrl,
      { text, userId: 'U000ADMIN', responseUrl: slack.responseUrl() },
      { signingSecret: SIGNING_SECRET },
    );

    expect(asReply(res.body).response_type).toBe('in_channel');
    expect(await audit()).toHaveLength(1);
  });
});
