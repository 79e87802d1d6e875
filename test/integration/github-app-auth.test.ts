import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { readSettings } from '../../src/config/env.ts';
import { githubCredentialsFrom } from '../../src/config/github-credentials.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { DeckhandError } from '../../src/core/errors.ts';
import { OctokitGitHubActions, type GitHubCredentials } from '../../src/github/index.ts';
import { createLogger } from '../../src/logger.ts';
import {
  exampleRepos,
  startGitHubSimulator,
  type GitHubSimulator,
  type SimulatedGitHubApp,
} from '../../src/sandbox/github/index.ts';
import { appKeys } from '../support/github-app-keys.ts';

const APP_ID = 12345;
const INSTALLATION = 678;
const START = '2026-01-05T10:00:00Z';
const keys = appKeys();
const otherKeys = appKeys();
const repo = { owner: 'acme', repo: 'api' };
const MINUTE = 60_000;
let sim: GitHubSimulator | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const appCredentials = (overrides: Partial<Extract<GitHubCredentials, { kind: 'app' }>> = {}) =>
  ({
    kind: 'app',
    appId: APP_ID,
    privateKey: keys.privatePem,
    installationId: INSTALLATION,
    ...overrides,
  }) as const;

/**
 * The real adapter (octokit with @octokit/auth-app) against the simulator acting for the app. Deckhand
 * reads time from `deckhandClock` (default: the simulator's own clock) and logs through the
 * production logger into `lines`.
 */
async function setup(
  options: {
    credentials?: GitHubCredentials;
    app?: Partial<SimulatedGitHubApp>;
    deckhandClock?: (simClock: ManualClock) => ManualClock;
  } = {},
) {
  const clock = new ManualClock(START);
  sim = await startGitHubSimulator({
    clock,
    repos: exampleRepos(),
    app: { appId: APP_ID, publicKey: keys.publicPem, installationId: INSTALLATION, ...options.app },
  });
  const lines: string[] = [];
  const logger = createLogger('debug', { write: (line: string) => void lines.push(line) });
  const github = new OctokitGitHubActions({
    baseUrl: sim.url,
    credentials: options.credentials ?? appCredentials(),
    logger,
    tuning: {
      retryBaseMs: 1,
      throttleBaseMs: 1,
      throttleId: randomUUID(),
      clock: options.deckhandClock?.(clock) ?? clock,
    },
  });
  return { clock, sim, github, lines, logger };
}

const deployRequest = (correlationId: string) => ({
  ...repo,
  workflow: 'deploy.yml',
  ref: 'main',
  inputs: { environment: 'staging', version: 'v1.4.2' },
  correlationId,
});

async function failureOf(promise: Promise<unknown>): Promise<DeckhandError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(DeckhandError);
  return outcome as DeckhandError;
}

describe('Deckhand as a GitHub App installation, against the simulator', () => {
  it('gets one installation token and sends it with every request', async () => {
    const { github, sim } = await setup();
    const dispatched = await github.dispatch(deployRequest('op-a'));
    expect(dispatched.outcome).toBe('started');
    const runId = dispatched.outcome === 'started' ? dispatched.runId! : 0;
    expect((await github.getRun({ ...repo, runId })).id).toBe(runId);
    await github.listJobs({ ...repo, runId });

    const [token, ...others] = sim.installationTokens();
    expect(others).toEqual([]);
    // Every API request but the exchange itself was let in by that token (the simulator acting for
    // an app refuses any other credential).
    expect(token?.uses).toBe(sim.stats().requestsTotal - 1);
    expect(sim.stats()).toMatchObject({ dispatches: 1, installationTokensRejected: 0, appJwtsRejected: 0 });
  });

  it('asks for a new token a minute before the old one expires, by the simulator’s clock', async () => {
    const { github, sim, clock } = await setup();
    const dispatched = await github.dispatch(deployRequest('op-b'));
    const ref = { ...repo, runId: dispatched.outcome === 'started' ? dispatched.runId! : 0 };

    clock.advance(58 * MINUTE + 59_000);
    await github.getRun(ref);
    expect(sim.installationTokens()).toHaveLength(1);

    clock.advance(1_000); // 59 minutes after the token was issued: a minute of its life is left
    await github.getRun(ref);
    const [first, second] = sim.installationTokens();
    expect(second?.issuedAt).toBe('2026-01-05T10:59:00.000Z');
    expect(Date.parse(second!.issuedAt)).toBeLessThan(Date.parse(first!.expiresAt));
    expect(first?.lastUsedAt).toBe('2026-01-05T10:58:59.000Z');

    clock.advance(2 * 60 * MINUTE);
    await github.getRun(ref);
    expect(sim.installationTokens()).toHaveLength(3);
    expect(sim.stats().installationTokensRejected).toBe(0);
  });

  // A key GitHub does not know, an app it does not know, an installation the app does not have.
  const refused: Array<[string, GitHubCredentials, string, RegExp]> = [
    [
      'a private key that is not the app’s',
      appCredentials({ privateKey: otherKeys.privatePem }),
      'github_credentials_rejected',
      /^GitHub refused the app's credentials: check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY \(.*GitHub said: 401 A JSON web token could not be decoded\)\.$/,
    ],
    [
      'another app’s ID',
      appCredentials({ appId: 99999 }),
      'github_credentials_rejected',
      /^GitHub refused the app's credentials: check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY /,
    ],
    [
      'an installation the app does not have',
      appCredentials({ installationId: 999 }),
      'github_installation_not_found',
      /^GitHub has no installation 999 of app 12345: check GITHUB_APP_INSTALLATION_ID /,
    ],
  ];
  it.each(refused)(
    'says what to check when GitHub refuses %s, and sends nothing',
    async (_name, credentials, code, message) => {
      const { github, sim } = await setup({ credentials });
      const dispatched = await github.dispatch(deployRequest('op-c'));
      expect(dispatched.outcome).toBe('refused');
      const error = dispatched.outcome === 'started' ? undefined : dispatched.error;
      expect(error?.code).toBe(code);
      expect(error?.userMessage).toMatch(message);

      const read = await failureOf(github.getRun({ ...repo, runId: 1 }));
      expect(read.code).toBe(code);
      expect(read.userMessage).toMatch(message);
      expect(sim.stats().dispatches).toBe(0);
      expect(sim.installationTokens()).toEqual([]);
    },
  );

  // Deckhand's clock against GitHub's: a JWT already expired, or issued in GitHub's future.
  const skews: Array<[string, number]> = [
    ['11 minutes behind', -11 * MINUTE],
    ['2 minutes ahead', 2 * MINUTE],
  ];
  it.each(skews)('blames the clock when this machine’s is %s GitHub’s', async (_name, offset) => {
    const { github } = await setup({
      deckhandClock: (simClock) => new ManualClock(new Date(simClock.now().getTime() + offset)),
    });
    const failure = await failureOf(github.getRun({ ...repo, runId: 1 }));
    expect(failure.code).toBe('github_credentials_rejected');
    expect(failure.userMessage).toMatch(
      /^GitHub refused the app's JSON web token as issued at the wrong time \(GitHub said: 401 '(Expiration time|Issued at)' claim .*\): check this machine's clock/,
    );
  });

  it('names the permission to grant when the installation may read runs but not dispatch', async () => {
    const { github, sim } = await setup({ app: { permissions: { actions: 'read', metadata: 'read' } } });
    const dispatched = await github.dispatch(deployRequest('op-f'));
    expect(dispatched.outcome).toBe('refused');
    const error = dispatched.outcome === 'started' ? undefined : dispatched.error;
    expect(error?.code).toBe('github_permission_missing');
    expect(error?.userMessage).toBe(
      'The GitHub App may not dispatch deploy.yml in acme/api (403 Resource not accessible by integration): give it Actions: read and write, Contents: read, Metadata: read in its settings, accept the new permissions on the installation, and make sure the installation includes acme/api.',
    );
    expect(sim.stats().dispatches).toBe(0);
    await expect(
      github.findRunByCorrelation({ ...deployRequest('op-f'), createdAfter: new Date(START) }),
    ).resolves.toBeUndefined();
  });

  it('says so when GitHub refuses a GITHUB_TOKEN, for a read and for a dispatch', async () => {
    const { github, sim } = await setup({
      credentials: { kind: 'token', token: 'ghs_revokedrevokedrevokedrevokedrevoked' },
      app: {},
    });
    const read = await failureOf(github.getRun({ ...repo, runId: 1 }));
    expect(read.code).toBe('github_credentials_rejected');
    expect(read.userMessage).toBe(
      'GitHub refused the token in GITHUB_TOKEN while trying to read workflow run 1 in acme/api (401 Bad credentials): it may have expired or been revoked; set a valid one.',
    );
    const dispatched = await github.dispatch(deployRequest('op-g'));
    expect(dispatched.outcome === 'started' ? undefined : dispatched.error.code).toBe(
      'github_credentials_rejected',
    );
    expect(sim.stats().dispatches).toBe(0);
  });

  it('says which setting to fix when the key cannot sign at all', async () => {
    const { privateKey } = (await import('node:crypto')).generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const ecPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { github, sim } = await setup({ credentials: appCredentials({ privateKey: ecPem }) });
    const failure = await failureOf(github.getRun({ ...repo, runId: 1 }));
    expect(failure.code).toBe('config_invalid');
    expect(failure.userMessage).toMatch(
      /^Deckhand could not sign the GitHub App's JSON web token with GITHUB_APP_PRIVATE_KEY/,
    );
    expect(failure.userMessage).not.toContain('PRIVATE KEY-----');
    expect(sim.stats().requestsTotal).toBe(0);
  });

  it('takes the private key from the environment with its line breaks written \\n', async () => {
    const oneLine = keys.privatePem.trim().replaceAll('\n', '\\n');
    expect(oneLine).not.toContain('\n');
    const credentials = githubCredentialsFrom(
      readSettings({
        GITHUB_APP_ID: String(APP_ID),
        GITHUB_APP_PRIVATE_KEY: oneLine,
        GITHUB_APP_INSTALLATION_ID: String(INSTALLATION),
      }),
    );
    const { github, sim } = await setup(credentials === undefined ? {} : { credentials });
    expect((await github.dispatch(deployRequest('op-d'))).outcome).toBe('started');
    expect(sim.installationTokens()).toHaveLength(1);
  });

  it('never writes the private key, the JWT or the installation token to the log', async () => {
    const { github, sim, lines, logger } = await setup({ app: { tokenLifetimeMs: 60 * MINUTE } });
    await github.dispatch(deployRequest('op-e'));
    const settings = readSettings({
      GITHUB_APP_ID: String(APP_ID),
      GITHUB_APP_PRIVATE_KEY: keys.privatePem,
      GITHUB_APP_INSTALLATION_ID: String(INSTALLATION),
    });
    const credentials = githubCredentialsFrom(settings);
    // What a careless line might log: the settings, the credentials, the adapter's options, a failure.
    logger.info(settings.github, 'github settings');
    logger.info({ settings }, 'settings');
    logger.info({ credentials }, 'credentials');
    logger.info({ options: { credentials } }, 'options');
    logger.info({ env: { GITHUB_APP_PRIVATE_KEY: keys.privatePem } }, 'environment');
    const { github: wrong } = await setup({
      credentials: appCredentials({ privateKey: otherKeys.privatePem }),
    });
    logger.error({ err: await failureOf(wrong.getRun({ ...repo, runId: 1 })) }, 'refused');

    const log = lines.join('');
    for (const message of ['github settings', 'settings', 'credentials', 'options', 'environment']) {
      const line = lines.find((l) => l.includes(`"msg":"${message}"`));
      expect(line, message).toContain('[redacted]');
    }
    expect(lines.find((l) => l.includes('"msg":"refused"'))).toContain(
      'A JSON web token could not be decoded',
    );
    const keyBody = (pem: string) => pem.split('\n')[2] ?? '';
    for (const secret of [keyBody(keys.privatePem), keyBody(otherKeys.privatePem), 'PRIVATE KEY']) {
      expect(log).not.toContain(secret);
    }
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ/); // a JWT
    for (const { token } of sim.installationTokens()) expect(log).not.toContain(token);
  });
});
