import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import {
  exampleRepos,
  JWT_MESSAGES,
  startGitHubSimulator,
  type GitHubSimulator,
  type SimulatedGitHubApp,
} from '../../src/sandbox/github/index.ts';
import { appKeys, signJwt } from '../support/github-app-keys.ts';

const APP_ID = 12345;
const INSTALLATION = 678;
const START = '2026-01-05T10:00:00Z';
const keys = appKeys();
const otherKeys = appKeys();
let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function start(app: Partial<SimulatedGitHubApp> | null = {}) {
  const clock = new ManualClock(START);
  sim = await startGitHubSimulator({
    clock,
    repos: exampleRepos(),
    ...(app === null
      ? {}
      : { app: { appId: APP_ID, publicKey: keys.publicPem, installationId: INSTALLATION, ...app } }),
  });
  const s = sim;
  const now = () => Math.floor(clock.now().getTime() / 1000);
  const request = async (path: string, init: { method?: string; authorization?: string } = {}) => {
    const response = await fetch(`${s.url}${path}`, {
      method: init.method ?? 'GET',
      headers: init.authorization === undefined ? {} : { authorization: init.authorization },
    });
    const text = await response.text();
    return {
      status: response.status,
      body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
    };
  };
  const exchange = (authorization?: string, installation = INSTALLATION) =>
    request(`/app/installations/${installation}/access_tokens`, {
      method: 'POST',
      ...(authorization === undefined ? {} : { authorization }),
    });
  const goodJwt = () => signJwt({ iat: now() - 30, exp: now() + 570, iss: APP_ID }, keys.privateKey);
  const workflows = (authorization?: string) =>
    request('/repos/acme/api/actions/workflows', authorization === undefined ? {} : { authorization });
  return { clock, sim: s, now, exchange, goodJwt, workflows };
}

describe('the GitHub simulator as a GitHub App installation', () => {
  it('exchanges a JWT signed by the app for an installation token that expires in an hour', async () => {
    const { exchange, goodJwt, sim } = await start();
    const answer = await exchange(`Bearer ${goodJwt()}`);
    expect(answer.status).toBe(201);
    expect(answer.body.token).toMatch(/^ghs_[\w-]{36}$/);
    expect(answer.body.expires_at).toBe('2026-01-05T11:00:00Z');
    expect(answer.body.permissions).toEqual({ actions: 'write', contents: 'read', metadata: 'read' });
    expect(sim.stats()).toMatchObject({ installationTokensIssued: 1, appJwtsRejected: 0 });
  });

  it('accepts the issuer as a number, a string or the app’s client ID', async () => {
    const { exchange, now } = await start({ clientId: 'Iv1.0123456789abcdef' });
    for (const iss of [APP_ID, String(APP_ID), 'Iv1.0123456789abcdef']) {
      const jwt = signJwt({ iat: now() - 60, exp: now() + 600, iss }, keys.privateKey);
      expect((await exchange(`bearer ${jwt}`)).status, String(iss)).toBe(201);
    }
  });

  // Each JWT GitHub refuses, with the message GitHub gives.
  const refused: Array<[string, (now: number) => string | undefined, string]> = [
    [
      'signed with another key',
      (now) => signJwt({ iat: now - 30, exp: now + 570, iss: APP_ID }, otherKeys.privateKey),
      JWT_MESSAGES.undecodable,
    ],
    [
      'naming another app',
      (now) => signJwt({ iat: now - 30, exp: now + 570, iss: 99999 }, keys.privateKey),
      JWT_MESSAGES.undecodable,
    ],
    [
      'signed HS256 with the public key as the secret',
      (now) => {
        const input = `${Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ iat: now - 30, exp: now + 570, iss: APP_ID }),
        ).toString('base64url')}`;
        return `${input}.${createHmac('sha256', keys.publicPem).update(input).digest('base64url')}`;
      },
      JWT_MESSAGES.undecodable,
    ],
    [
      'unsigned (alg none)',
      (now) =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ iat: now - 30, exp: now + 570, iss: APP_ID }),
        ).toString('base64url')}.`,
      JWT_MESSAGES.undecodable,
    ],
    ['not a JWT', () => 'not-a-jwt', JWT_MESSAGES.undecodable],
    [
      'expired',
      (now) => signJwt({ iat: now - 600, exp: now, iss: APP_ID }, keys.privateKey),
      JWT_MESSAGES.expired,
    ],
    ['without exp', (now) => signJwt({ iat: now - 30, iss: APP_ID }, keys.privateKey), JWT_MESSAGES.expired],
    [
      'expiring more than 10 minutes ahead',
      (now) => signJwt({ iat: now - 30, exp: now + 601, iss: APP_ID }, keys.privateKey),
      JWT_MESSAGES.tooFarAhead,
    ],
    [
      'issued in the future',
      (now) => signJwt({ iat: now + 1, exp: now + 570, iss: APP_ID }, keys.privateKey),
      JWT_MESSAGES.issuedInFuture,
    ],
    [
      'with a fractional iat',
      (now) => signJwt({ iat: now - 29.5, exp: now + 570, iss: APP_ID }, keys.privateKey),
      JWT_MESSAGES.issuedInFuture,
    ],
  ];
  it.each(refused)('refuses a JWT %s with 401 and GitHub’s message', async (_name, make, message) => {
    const { exchange, now, sim } = await start();
    const answer = await exchange(`Bearer ${make(now())}`);
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: '401',
    });
    expect(sim.stats()).toMatchObject({ installationTokensIssued: 0, appJwtsRejected: 1 });
  });

  it('accepts exp exactly 10 minutes ahead, the documented maximum', async () => {
    const { exchange, now } = await start();
    const jwt = signJwt({ iat: now(), exp: now() + 600, iss: APP_ID }, keys.privateKey);
    expect((await exchange(`Bearer ${jwt}`)).status).toBe(201);
  });

  it('refuses a missing Authorization or a JWT sent as a token before looking at the installation', async () => {
    const { exchange, goodJwt } = await start();
    expect((await exchange()).status).toBe(401);
    expect((await exchange(`token ${goodJwt()}`)).status).toBe(401);
    expect((await exchange(undefined, 999)).status).toBe(401);
  });

  it('answers 404 for an installation the app does not have', async () => {
    const { exchange, goodJwt, sim } = await start();
    const answer = await exchange(`Bearer ${goodJwt()}`, 999);
    expect(answer.status).toBe(404);
    expect(answer.body.message).toBe('Not Found');
    expect(sim.stats().installationTokensIssued).toBe(0);
  });

  it('refuses every JWT when it acts for no app', async () => {
    const { exchange, goodJwt, sim } = await start(null);
    expect((await exchange(`Bearer ${goodJwt()}`)).status).toBe(401);
    expect(sim.stats().installationTokensIssued).toBe(0);
  });

  it('accepts an installation token until its expires_at, then answers 401 Bad credentials', async () => {
    const { exchange, goodJwt, workflows, clock, sim } = await start();
    const token = String((await exchange(`Bearer ${goodJwt()}`)).body.token);
    expect((await workflows(`token ${token}`)).status).toBe(200);
    clock.set('2026-01-05T10:59:59.999Z');
    expect((await workflows(`Bearer ${token}`)).status).toBe(200);
    clock.set('2026-01-05T11:00:00Z');
    const expired = await workflows(`token ${token}`);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('Bad credentials');
    expect(sim.installationTokens()).toEqual([
      expect.objectContaining({ uses: 2, lastUsedAt: '2026-01-05T10:59:59.999Z' }),
    ]);
    expect(sim.stats().installationTokensRejected).toBe(1);
  });

  it('issues tokens with the lifetime it is given', async () => {
    const { exchange, goodJwt, workflows, clock } = await start({ tokenLifetimeMs: 5 * 60_000 });
    const answer = await exchange(`Bearer ${goodJwt()}`);
    expect(answer.body.expires_at).toBe('2026-01-05T10:05:00Z');
    clock.advance(5 * 60_000);
    expect((await workflows(`token ${String(answer.body.token)}`)).status).toBe(401);
  });

  it('answers 403 to a request its installation lacks the permission for', async () => {
    const { exchange, goodJwt, sim } = await start({ permissions: { actions: 'read', metadata: 'read' } });
    const answer = await exchange(`Bearer ${goodJwt()}`);
    expect(answer.body.permissions).toEqual({ actions: 'read', metadata: 'read' });
    const authorization = `token ${String(answer.body.token)}`;
    const read = await fetch(`${sim.url}/repos/acme/api/actions/workflows`, { headers: { authorization } });
    expect(read.status).toBe(200);
    const dispatch = await fetch(`${sim.url}/repos/acme/api/actions/workflows/deploy.yml/dispatches`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify({
        ref: 'main',
        inputs: { version: 'v1', environment: 'staging', correlation_id: 'c' },
      }),
    });
    expect(dispatch.status).toBe(403);
    expect(((await dispatch.json()) as { message: string }).message).toBe(
      'Resource not accessible by integration',
    );
    expect(sim.stats().dispatches).toBe(0);
  });

  it('takes nothing but a live installation token on the API when it acts for an app', async () => {
    const { workflows, goodJwt, sim } = await start();
    const counted = sim.stats().requestsCounted;
    for (const authorization of [
      'token sandbox',
      'token ghs_neverissuedneverissuedneverissued000',
      `Bearer ${goodJwt()}`,
    ]) {
      const answer = await workflows(authorization);
      expect(answer.status, authorization).toBe(401);
      expect(answer.body.message).toBe('Bad credentials');
    }
    const anonymous = await workflows();
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.message).toBe('Requires authentication');
    // Refused credentials use no rate-limit quota.
    expect(sim.stats().requestsCounted).toBe(counted);
  });

  it('keeps the plain sandbox token working without an app, but not a ghs_ token it never issued', async () => {
    const { workflows } = await start(null);
    expect((await workflows('token sandbox')).status).toBe(200);
    expect((await workflows()).status).toBe(200);
    const unknown = await workflows('token ghs_neverissuedneverissuedneverissued000');
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe('Bad credentials');
  });
});
