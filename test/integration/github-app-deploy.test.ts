import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.ts';
import { OctokitGitHubActions, type GitHubCredentials } from '../../src/github/index.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { WEEKDAY } from '../support/deckhand-harness.ts';
import { exampleConfig } from '../support/example-config.ts';
import { appKeys } from '../support/github-app-keys.ts';
import { startSandboxHarness, type SandboxHarness } from '../support/sandbox-harness.ts';

const APP_ID = 4242;
const INSTALLATION = 31337;
const keys = appKeys();
const otherKeys = appKeys();
const MINUTE = 60_000;

let h: SandboxHarness | undefined;
let sandbox: Sandbox | undefined;
afterEach(async () => {
  await h?.close();
  await sandbox?.close();
  h = undefined;
  sandbox = undefined;
});

/**
 * The whole of Deckhand, its GitHub adapter authenticating as a GitHub App installation, against a
 * sandbox whose GitHub acts for that app (it takes nothing but live installation tokens). Deckhand,
 * the JWTs and the simulator share one ManualClock.
 */
async function start(
  options: {
    credentials?: Partial<Extract<GitHubCredentials, { kind: 'app' }>>;
    workflowSeconds?: number;
  } = {},
) {
  const clock = new ManualClock(WEEKDAY);
  const config = exampleConfig();
  // A workflow may run longer than the default hour here: the point is a token that runs out.
  config.deadlines = { ...config.deadlines, running: '90m' };
  sandbox = await startSandbox({
    config,
    clock,
    tickMs: 0,
    workflowSeconds: options.workflowSeconds ?? 30,
    githubApp: { appId: APP_ID, publicKey: keys.publicPem, installationId: INSTALLATION },
  });
  h = await startSandboxHarness({
    config,
    clock,
    sandbox,
    github: (s, c) =>
      new OctokitGitHubActions({
        baseUrl: s.github.url,
        credentials: {
          kind: 'app',
          appId: APP_ID,
          privateKey: keys.privatePem,
          installationId: INSTALLATION,
          ...options.credentials,
        },
        logger: pino({ level: 'silent' }),
        tuning: { clock: c },
      }),
  });
  return { h, github: sandbox.github };
}

describe('deploys as a GitHub App installation', () => {
  it('deploys with the app’s credentials, every GitHub request carrying the installation token', async () => {
    const { h, github } = await start();
    await h.run('deploy api v1.2.3 to staging');
    const op = await h.settle((await h.latest()).id);
    expect(op.state).toBe('succeeded');
    expect(github.stats()).toMatchObject({
      dispatches: 1,
      installationTokensIssued: 1,
      installationTokensRejected: 0,
      appJwtsRejected: 0,
    });
    const [token] = github.installationTokens();
    expect(token?.uses).toBeGreaterThan(2);
  });

  it('keeps following a deploy that outlives its installation token, with a fresh one', async () => {
    // A 65-minute workflow: the first token (one hour) runs out while the run is being followed.
    const { h, github } = await start({ workflowSeconds: 65 * 60 });
    await h.run('deploy api v1.2.3 to staging');
    // Steps of 10 s: the harness moves the clock while a request is on its way, and a step much
    // longer than the minute a token is replaced before its end would age a token in flight.
    const op = await h.settle((await h.latest()).id, { stepMs: 10_000, maxSteps: 600 });
    expect(op.state).toBe('succeeded');

    const tokens = github.installationTokens();
    expect(tokens).toHaveLength(2);
    const [first, second] = tokens;
    // The first token served within its hour (the simulator refuses an expired one, and refused
    // none) and was replaced once 59 minutes old; the rest of the run was read with the second. The
    // minute it is replaced at is proved in github-app-auth.test.ts; here it depends on when
    // Deckhand next polls.
    const age = (at: string) => Date.parse(at) - Date.parse(first!.issuedAt);
    expect(age(first!.lastUsedAt!)).toBeLessThan(60 * MINUTE);
    expect(age(second!.issuedAt)).toBeGreaterThanOrEqual(59 * MINUTE);
    expect(second?.uses).toBeGreaterThan(0);
    expect(github.stats()).toMatchObject({ dispatches: 1, installationTokensRejected: 0 });
  });

  // What the person who asked for the deploy reads when the app's settings are wrong.
  const wrong: Array<[string, Partial<Extract<GitHubCredentials, { kind: 'app' }>>, RegExp]> = [
    [
      'private key',
      { privateKey: otherKeys.privatePem },
      /GitHub refused the app's credentials: check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/,
    ],
    [
      'app ID',
      { appId: 1 },
      /GitHub refused the app's credentials: check GITHUB_APP_ID and GITHUB_APP_PRIVATE_KEY/,
    ],
    [
      'installation ID',
      { installationId: 2 },
      /GitHub has no installation 2 of app 4242: check GITHUB_APP_INSTALLATION_ID/,
    ],
  ];
  it.each(wrong)(
    'fails a deploy at once with a wrong %s, saying what to check',
    async (_name, credentials, message) => {
      const { h, github } = await start({ credentials });
      await h.run('deploy api v1.2.3 to staging');
      const op = await h.settle((await h.latest()).id);
      expect(op.state).toBe('failed');
      expect(op.outcome).toMatch(message);
      expect(github.stats()).toMatchObject({ dispatches: 0, installationTokensIssued: 0 });
      expect(await h.store.locks.list(h.clock.now())).toEqual([]);
      const [audited] = await h.store.audit.recent({ service: 'api', decision: 'failed' });
      expect(audited).toMatchObject({ operationId: op.id, command: 'deploy' });
      expect(audited?.reason).toMatch(message);
    },
  );
});
