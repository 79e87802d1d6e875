/**
 * The fake Slack Web API, driven by the real WebClient: if Slack's own SDK is satisfied with its answers,
 * tests that use the fake are talking to something shaped like Slack.
 */
import { webApi } from '@slack/bolt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';

let slack: FakeSlackApi;
let client: InstanceType<typeof webApi.WebClient>;

beforeEach(async () => {
  slack = await startFakeSlackApi({ groups: { S000SRE: ['U000ALICE'] }, tokens: ['xoxb-good'] });
  // No retries: a test that wants to see one asks for it.
  client = new webApi.WebClient('xoxb-good', {
    slackApiUrl: slack.url,
    retryConfig: { retries: 0 },
    logLevel: webApi.LogLevel.ERROR,
  });
});

afterEach(async () => {
  await slack.close();
});

describe('fake Slack Web API', () => {
  it('serves a base URL with the trailing slash WebClient expects', () => {
    expect(slack.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
  });

  it('answers auth.test with the bot identity and records the bearer token', async () => {
    const who = await client.auth.test();

    expect(who).toMatchObject({ ok: true, user_id: 'U000BOT', bot_id: 'B000BOT', team_id: 'T000DECK' });
    expect(who.url).toBe('https://deckhand-test.slack.com/');
    expect(slack.calls).toEqual([
      { method: 'auth.test', params: {}, token: 'xoxb-good', contentType: 'form', status: 200 },
    ]);
  });

  it('refuses a token Slack would not accept', async () => {
    const stranger = new webApi.WebClient('xoxb-revoked', {
      slackApiUrl: slack.url,
      retryConfig: { retries: 0 },
    });

    await expect(stranger.auth.test()).rejects.toMatchObject({ data: { ok: false, error: 'invalid_auth' } });
  });

  it('posts, updates and pins a message; blocks arrive JSON-encoded in the form, as from Slack SDKs', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*deploying*' } }];
    const posted = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'deploying', blocks });
    const ts = posted.ts ?? '';
    const updated = await client.chat.update({ channel: 'C0DEPLOYS', ts, text: 'deployed' });
    await client.pins.add({ channel: 'C0DEPLOYS', timestamp: ts });
    const ephemeral = await client.chat.postEphemeral({
      channel: 'C0DEPLOYS',
      user: 'U000ALICE',
      text: 'psst',
    });

    expect(ts).toMatch(/^\d+\.\d{6}$/);
    expect(updated).toMatchObject({ ok: true, channel: 'C0DEPLOYS', ts });
    expect(ephemeral.message_ts).toMatch(/^\d+\.\d{6}$/);
    const post = slack.callsTo('chat.postMessage')[0];
    expect(post?.params.text).toBe('deploying');
    expect(JSON.parse(String(post?.params.blocks))).toEqual(blocks);
    await expect(client.pins.add({ channel: 'C0DEPLOYS', timestamp: '1.000001' })).rejects.toMatchObject({
      data: { error: 'message_not_found' },
    });
  });

  it('creates a channel and invites people to it', async () => {
    const created = await client.conversations.create({ name: 'inc-42-api-down' });
    const id = created.channel?.id ?? '';
    const invited = await client.conversations.invite({ channel: id, users: 'U000ALICE,U000BOB' });

    expect(id).toMatch(/^C/);
    expect(invited).toMatchObject({ ok: true, channel: { id } });
    await expect(client.conversations.create({ name: 'inc-42-api-down' })).rejects.toMatchObject({
      data: { error: 'name_taken' },
    });
  });

  it('lists the members of a user group, and says when there is no such group', async () => {
    const listed = await client.usergroups.users.list({ usergroup: 'S000SRE' });
    slack.setGroup('S000SRE', ['U000BOB']);
    const changed = await client.usergroups.users.list({ usergroup: 'S000SRE' });

    expect(listed.users).toEqual(['U000ALICE']);
    expect(changed.users).toEqual(['U000BOB']);
    await expect(client.usergroups.users.list({ usergroup: 'S000NOPE' })).rejects.toMatchObject({
      data: { error: 'no_such_subteam' },
    });
  });

  it('answers an unknown method with unknown_method', async () => {
    await expect(client.apiCall('chat.sendTelegram', { channel: 'C1' })).rejects.toMatchObject({
      data: { ok: false, error: 'unknown_method' },
    });
    expect(slack.callsTo('chat.sendTelegram')).toHaveLength(1);
  });

  it('accepts JSON bodies with a bearer token, as Slack does for POSTs with application/json', async () => {
    const res = await fetch(`${slack.url}chat.postMessage`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-good', 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ channel: 'C0DEPLOYS', text: 'from JSON', unfurl_links: false }),
    });

    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0DEPLOYS' });
    expect(slack.callsTo('chat.postMessage')[0]).toMatchObject({
      contentType: 'json',
      token: 'xoxb-good',
      params: { text: 'from JSON', unfurl_links: false },
    });
  });

  it('rate-limits a method with 429 and Retry-After, which WebClient reports or waits out', async () => {
    slack.rateLimit('chat.postMessage', 7);
    const strict = new webApi.WebClient('xoxb-good', {
      slackApiUrl: slack.url,
      rejectRateLimitedCalls: true,
    });
    await expect(strict.chat.postMessage({ channel: 'C0DEPLOYS', text: 'hi' })).rejects.toMatchObject({
      code: webApi.ErrorCode.RateLimitedError,
      retryAfter: 7,
    });

    slack.rateLimit('chat.postMessage', 0, 1);
    const patient = new webApi.WebClient('xoxb-good', {
      slackApiUrl: slack.url,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logLevel: webApi.LogLevel.ERROR,
    });
    const posted = await patient.chat.postMessage({ channel: 'C0DEPLOYS', text: 'hi again' });

    expect(posted.ok).toBe(true);
    expect(slack.callsTo('chat.postMessage').map((c) => c.status)).toEqual([429, 429, 200]);
  });

  it('records what is posted to a response_url and wakes whoever waits for it', async () => {
    const url = slack.responseUrl('cmd-1');
    const arrived = slack.waitForResponse('cmd-1');
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ response_type: 'ephemeral', text: 'done' }),
    });

    expect(res.status).toBe(200);
    expect(await arrived).toEqual({
      id: 'cmd-1',
      body: { response_type: 'ephemeral', text: 'done' },
      status: 200,
    });
    expect(slack.responses).toHaveLength(1);
  });

  it('takes 5 messages on a response_url and refuses the 6th, as Slack does', async () => {
    const url = slack.responseUrl('cmd-5');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `update ${String(i)}` }),
      });
      statuses.push(res.status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
  });

  const tooLong: [string, object][] = [
    [
      'a button label of 76 characters',
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'a', text: { type: 'plain_text', text: 'b'.repeat(76) } }],
      },
    ],
    ['a header of 151 characters', { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
    [
      'a section text of 3,001 characters',
      { type: 'section', text: { type: 'mrkdwn', text: 's'.repeat(3001) } },
    ],
    ['an empty section text', { type: 'section', text: { type: 'mrkdwn', text: '' } }],
    [
      'a field of 2,001 characters',
      { type: 'section', fields: [{ type: 'mrkdwn', text: 'f'.repeat(2001) }] },
    ],
    [
      '11 fields',
      { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
    ],
    [
      '11 context elements',
      { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) },
    ],
    [
      'an option of 76 characters',
      {
        type: 'actions',
        elements: [
          {
            type: 'static_select',
            action_id: 's',
            options: [{ text: { type: 'plain_text', text: 'o'.repeat(76) }, value: 'v' }],
          },
        ],
      },
    ],
    [
      'an image alt text of 2,001 characters',
      { type: 'image', image_url: 'https://example.test/i.png', alt_text: 'a'.repeat(2001) },
    ],
    ['a block type Slack does not know', { type: 'carousel-of-dreams' }],
  ];

  it.each(tooLong)(
    'refuses %s with invalid_blocks, in chat.postMessage and on a response_url',
    async (_name, block) => {
      await expect(
        client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x', blocks: [block] as never }),
      ).rejects.toMatchObject({ data: { ok: false, error: 'invalid_blocks' } });
      const res = await fetch(slack.responseUrl('bad'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: 'x', blocks: [block] }),
      });
      expect(res.status).toBe(400);
    },
  );

  it('refuses 51 blocks', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    await expect(client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x', blocks })).rejects.toMatchObject({
      data: { error: 'invalid_blocks' },
    });
  });

  it.each(['not_in_channel', 'channel_not_found', 'is_archived'] as const)(
    'answers %s for a channel the bot may not post in, and gives permalinks for what it posted',
    async (error) => {
      slack.refuseChannel('C0ELSEWHERE', error);
      await expect(client.chat.postMessage({ channel: 'C0ELSEWHERE', text: 'x' })).rejects.toMatchObject({
        data: { error },
      });
      const posted = await client.chat.postMessage({ channel: 'C0DEPLOYS', text: 'x' });
      const link = await client.chat.getPermalink({ channel: 'C0DEPLOYS', message_ts: posted.ts ?? '' });
      expect(link.permalink).toBe(
        `https://deckhand-test.slack.com/archives/C0DEPLOYS/p${(posted.ts ?? '').replace('.', '')}`,
      );
    },
  );

  it('holds a call until released, so a test can make Slack slow without sleeping', async () => {
    const held = slack.hold('usergroups.users.list');
    let settled = false;
    const pending = client.usergroups.users.list({ usergroup: 'S000SRE' }).finally(() => (settled = true));

    const call = await held.reached;
    expect(call.params.usergroup).toBe('S000SRE');
    expect(settled).toBe(false);
    held.release();
    expect((await pending).users).toEqual(['U000ALICE']);
  });
});

describe('fake Slack views.open', () => {
  const modal = {
    type: 'modal' as const,
    title: { type: 'plain_text' as const, text: 'Run restart-api' },
    submit: { type: 'plain_text' as const, text: 'Run' },
    blocks: [
      {
        type: 'input',
        block_id: 'param:env',
        label: { type: 'plain_text', text: 'env' },
        element: { type: 'plain_text_input', action_id: 'value' },
      },
    ],
  };
  const error = (promise: Promise<unknown>) =>
    promise.then(
      () => 'opened',
      (e: unknown) => (e as { data?: { error?: string } }).data?.error,
    );
  const trigger = (issuedMsAgo = 0) => `${String(Date.now() - issuedMsAgo)}.98765.abcd2358fdea`;

  it('opens a modal once per trigger, within 3 s of it, as Slack does', async () => {
    const fresh = trigger();
    const opened = await client.views.open({ trigger_id: fresh, view: modal as never });
    expect(opened.view).toMatchObject({ id: 'V00000001', type: 'modal', state: { values: {} } });
    expect(slack.views.map((v) => v.triggerId)).toEqual([fresh]);
    expect(await error(client.views.open({ trigger_id: fresh, view: modal as never }))).toBe(
      'exchanged_trigger_id',
    );
    expect(await error(client.views.open({ trigger_id: trigger(3500), view: modal as never }))).toBe(
      'expired_trigger_id',
    );
    expect(await error(client.views.open({ trigger_id: 'not-a-trigger', view: modal as never }))).toBe(
      'invalid_trigger_id',
    );
    expect(await error(client.views.open({ view: modal } as never))).toBe('invalid_arguments');
  });

  it('refuses a view past Slack’s limits, saying where', async () => {
    const tooLong = {
      ...modal,
      title: { type: 'plain_text' as const, text: 'A title of more than 24 characters' },
    };
    const refused = await client.views
      .open({ trigger_id: trigger(), view: tooLong as never })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: {
          messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'],
        },
      },
    });
    const noSubmit = { ...modal, submit: undefined };
    expect(await error(client.views.open({ trigger_id: trigger(), view: noSubmit as never }))).toBe(
      'invalid_arguments',
    );
    const badOption = {
      ...modal,
      blocks: [
        {
          type: 'input',
          label: { type: 'plain_text', text: 'size' },
          element: {
            type: 'static_select',
            options: [{ text: { type: 'plain_text', text: 'peak' }, value: 'peak' }],
            initial_option: { text: { type: 'plain_text', text: 'huge' }, value: 'huge' },
          },
        },
      ],
    };
    expect(await error(client.views.open({ trigger_id: trigger(), view: badOption as never }))).toBe(
      'invalid_arguments',
    );
    expect(slack.views).toHaveLength(0);
  });
});
