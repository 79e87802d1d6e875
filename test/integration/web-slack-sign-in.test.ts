import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackSignIn } from '../../src/surfaces/slack/openid-sign-in.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/fake-slack-api.ts';
import { startWebFixture, type WebFixture } from '../support/web-fixture.ts';

const CLIENT_ID = '1234.5678';
const CLIENT_SECRET = 'fake-client-secret';

let slack: FakeSlackApi;
let f: WebFixture;
beforeAll(async () => {
  slack = await startFakeSlackApi();
  slack.openId.clients.set(CLIENT_ID, CLIENT_SECRET);
  f = await startWebFixture(0, (base) =>
    createSlackSignIn({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      publicUrl: base,
      apiUrl: slack.url,
      timeoutMs: 5000,
    }),
  );
});
afterAll(async () => {
  await f.close();
  await slack.close();
});

const cookieOf = (res: Response): string => (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

/** A browser's trip: Deckhand → Slack's authorize page → Deckhand's callback; returns the callback's answer. */
async function signInWithSlack(): Promise<{ callback: Response; callbackUrl: string; stateCookie: string }> {
  const start = await fetch(`${f.base}/ui/auth/slack`, { redirect: 'manual' });
  expect(start.status).toBe(303);
  const stateCookie = cookieOf(start);
  const authorize = new URL(start.headers.get('location') ?? '');
  expect(authorize.pathname).toBe('/openid/connect/authorize');
  expect(authorize.searchParams.get('scope')).toBe('openid');
  expect(authorize.searchParams.get('client_id')).toBe(CLIENT_ID);
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${f.base}/ui/auth/slack/callback`);
  const back = await fetch(authorize, { redirect: 'manual' });
  const callbackUrl = back.headers.get('location') ?? '';
  const callback = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: stateCookie } });
  return { callback, callbackUrl, stateCookie };
}

describe('Sign in with Slack on the web page (fake Slack)', () => {
  it('offers it on the sign-in page, exchanges the code through the WebClient and signs the user in', async () => {
    const refused = await fetch(`${f.base}/ui/deploys`);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain('href="/ui/auth/slack"');

    slack.openId.signInAs = 'U000ADMIN';
    const { callback, callbackUrl, stateCookie } = await signInWithSlack();
    expect(callback.status).toBe(303);
    expect(callback.headers.get('location')).toBe('/ui/deploys');
    const page = await fetch(`${f.base}/ui/deploys`, { headers: { cookie: cookieOf(callback) } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Signed in as U000ADMIN');
    const [exchange] = slack.callsTo('openid.connect.token');
    expect(exchange?.params).toMatchObject({
      client_id: CLIENT_ID,
      redirect_uri: `${f.base}/ui/auth/slack/callback`,
    });
    expect(exchange?.token).toBeNull();

    // The state is spent: the same callback again signs no one in.
    const replay = await fetch(callbackUrl, { redirect: 'manual', headers: { cookie: stateCookie } });
    expect(replay.status).toBe(401);
  });

  it('refuses a callback in another browser, a cancelled sign-in, and shows a user without a role nothing', async () => {
    slack.openId.signInAs = 'U000ADMIN';
    const start = await fetch(`${f.base}/ui/auth/slack`, { redirect: 'manual' });
    const back = await fetch(start.headers.get('location') ?? '', { redirect: 'manual' });
    const elsewhere = await fetch(back.headers.get('location') ?? '', { redirect: 'manual' });
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.headers.get('set-cookie')).toBeNull();

    slack.openId.signInAs = null;
    const cancelled = await signInWithSlack();
    expect(cancelled.callback.status).toBe(401);
    expect(await cancelled.callback.text()).toContain('access_denied');

    slack.openId.signInAs = 'U999NOBODY';
    const stranger = await signInWithSlack();
    expect(stranger.callback.status).toBe(303);
    const page = await fetch(`${f.base}/ui/deploys`, { headers: { cookie: cookieOf(stranger.callback) } });
    expect(page.status).toBe(403);
  });
});
