import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webApi } from '@slack/bolt';
import { pino } from 'pino';
import { createDeckhand, type Deckhand } from '../src/app.ts';
import type { ConfigFile } from '../src/config/schema.ts';
import { systemClock } from '../src/core/clock.ts';
import { parseDuration } from '../src/core/duration.ts';
import { OctokitGitHubActions } from '../src/github/index.ts';
import { githubWebhookRoute } from '../src/http/github-webhooks.ts';
import { createHttpServer, listen } from '../src/http/server.ts';
import { ClientNodeKubernetes } from '../src/kubernetes/client-node-kubernetes.ts';
import type { OperationState } from '../src/operations/types.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';
import { createStore } from '../src/store/create-store.ts';
import { webClientChat } from '../src/surfaces/slack/card-chat.ts';
import { ProgressCards } from '../src/surfaces/slack/progress-cards.ts';
import { createSlackApp, type SlackApp } from '../src/surfaces/slack/slack-app.ts';
import { SlackDirectory } from '../src/surfaces/slack/slack-directory.ts';
import { startFakeSlackApi, type FakeSlackApi } from '../test/fakes/fake-slack-api.ts';
import { GitHubTraffic } from './github-traffic.ts';
import { SimTime } from './sim-time.ts';
import { retryOnSimulatedTime, type SimulatedRetryChat } from './simulated-retry-chat.ts';
import { startSlackLimiter, type SlackLimiter } from './slack-limiter.ts';

export const SIGNING_SECRET = 'bench-signing-secret';
const WEBHOOK_SECRET = 'bench-webhook-secret';
/** A Tuesday morning, outside every freeze in deckhand.yml. */
const WEEKDAY = '2026-03-03T10:00:00Z';

export interface StackPlan {
  config: ConfigFile;
  /** Between polls of a run when no webhook wakes it. */
  pollMs: number;
  /** Whether the sandbox's GitHub sends workflow webhooks to Deckhand's POST /github/webhooks. */
  webhooks: boolean;
  /** Simulated seconds each deploy workflow takes. */
  workflowSeconds: number;
}

/**
 * Deckhand as `deckhand start --http` wires it with the sandbox (run-slack.ts): Bolt over HTTP, the
 * GitHub webhook route, progress cards; real octokit and client-node against the sandbox, a fake
 * Slack behind a per-channel/per-message limiter, and every wait on one simulated clock.
 */
export interface DeployStack {
  baseUrl: string;
  deckhand: Deckhand;
  sandbox: Sandbox;
  slack: FakeSlackApi;
  limiter: SlackLimiter;
  cards: ProgressCards;
  /** The cards' chat client, to tell a write in flight from one waiting out a 429. */
  chat: SimulatedRetryChat;
  github: GitHubTraffic;
  time: SimTime;
  /** Each operation's state as its events announced it; cheaper to watch than the database. */
  states: Map<string, OperationState>;
  close(): Promise<void>;
}

/** Event types that name the state an operation moved to (moveTo and fail emit them). */
const STATES = new Set<string>([
  'awaiting_approval',
  'dispatching',
  'running',
  'verifying',
  'succeeded',
  'failed',
  'cancelled',
] satisfies OperationState[]);

export async function startDeployStack(plan: StackPlan): Promise<DeployStack> {
  const logger = pino({ level: 'silent' });
  const time = new SimTime(WEEKDAY);
  const clock = time.clock;
  const dir = await mkdtemp(join(tmpdir(), 'deckhand-bench-'));
  const sandbox = await startSandbox({
    config: plan.config,
    clock,
    tickMs: 0,
    workflowSeconds: plan.workflowSeconds,
  });
  const slack = await startFakeSlackApi({
    groups: { S000SRE: ['U000ALICE', 'U000BOB'], S000DEVS: ['U000CAROL'] },
  });
  const limiter = await startSlackLimiter({ upstream: slack.url, now: () => time.now() });
  const github = new GitHubTraffic(() => time.now());
  const directoryClient = new webApi.WebClient('xoxb-test', { slackApiUrl: limiter.url });
  const deckhand = await createDeckhand({
    config: plan.config,
    settings: { dataDir: dir, databaseUrl: undefined },
    clock,
    logger,
    store: await createStore({ sqlitePath: join(dir, 'deckhand.db') }),
    directory: () =>
      new SlackDirectory(directoryClient, clock, parseDuration(plan.config.slack.groupCacheTtl), logger),
    github: github.wrap(
      new OctokitGitHubActions({
        baseUrl: sandbox.github.url,
        credentials: { kind: 'token', token: 'sandbox' },
        logger,
        tuning: { fetch: github.fetch },
      }),
    ),
    kubernetes: new ClientNodeKubernetes({ kubeconfig: { kind: 'text', text: sandbox.kubeconfig }, clock }),
    timing: { pollMs: plan.pollMs, findRunTimeoutMs: 120_000, expectWebhooks: plan.webhooks },
    sleep: time.sleep,
  });
  const chat = retryOnSimulatedTime(
    webClientChat(
      new webApi.WebClient('xoxb-test', {
        slackApiUrl: limiter.url,
        rejectRateLimitedCalls: true,
        retryConfig: { retries: 0 },
      }),
    ),
    time,
  );
  const cards = new ProgressCards({
    events: deckhand.events,
    operations: deckhand.operations.repository,
    chat,
    clock,
    scheduler: time,
    logger,
  });
  cards.start();
  const states = new Map<string, OperationState>();
  deckhand.events.subscribe((event) => {
    if (STATES.has(event.type)) states.set(event.operationId, event.type as OperationState);
    else if (event.type === 'requested' && !states.has(event.operationId)) {
      states.set(event.operationId, 'dispatching');
    }
  });
  const slackApp: SlackApp = createSlackApp({
    dispatcher: deckhand.dispatcher,
    clock,
    newId: deckhand.newId,
    logger,
    botToken: 'xoxb-test',
    signingSecret: SIGNING_SECRET,
    apiUrl: limiter.url,
    botId: 'B000BOT',
    botUserId: 'U000BOT',
  });
  const server: Server = createHttpServer({
    // Bolt judges the signature's timestamp on the real clock, so this check does too.
    clock: systemClock,
    logger,
    slack: slackApp.requestListener,
    routes: {
      '/github/webhooks': githubWebhookRoute({
        secret: WEBHOOK_SECRET,
        idempotency: deckhand.store.idempotency,
        notify: (runId, status) => deckhand.signals.notify(runId, status),
        clock,
        logger,
      }),
    },
  });
  const baseUrl = await listen(server, 0, '127.0.0.1');
  await slackApp.start();
  if (plan.webhooks) {
    sandbox.github.setWebhook({ url: `${baseUrl}/github/webhooks`, secret: WEBHOOK_SECRET });
  }
  return {
    baseUrl,
    deckhand,
    sandbox,
    slack,
    limiter,
    cards,
    chat,
    github,
    time,
    states,
    close: async () => {
      sandbox.github.setWebhook(undefined);
      time.wakeAll();
      await deckhand.runner.idle().catch(() => undefined);
      await cards.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await slackApp.stop();
      await deckhand.close();
      await sandbox.close();
      await limiter.close();
      await slack.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
